/**
 * What the composition root starts, it stops, in reverse order; what it depends on, readiness
 * checks. A stop first turns readiness 503 for a drain delay, so that load balancers stop sending
 * before the port closes.
 */
import type { Logger } from 'pino';

/** A readiness probe answers in about this long, whatever a check is waiting for. */
const READINESS_CHECK_TIMEOUT_MS = 2_000;

const answersWithin = <T>(work: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });

export class Lifecycle {
  readonly #logger: Logger;
  readonly #stops: { name: string; stop: () => Promise<unknown> }[] = [];
  readonly #first: { name: string; stop: () => Promise<unknown> }[] = [];
  readonly #checks = new Map<string, () => Promise<string>>();
  readonly #degradations = new Map<string, () => string | undefined>();
  #draining = false;

  constructor(logger: Logger) {
    this.#logger = logger;
    this.#checks.set('accepting', async () => (this.#draining ? 'stopping' : 'ok'));
  }

  /** Stopped before everything started earlier. */
  onStop(name: string, stop: () => Promise<unknown>): void {
    this.#stops.push({ name, stop });
  }

  /** Stopped before anything else, whenever it was registered (start attempts still under way). */
  onStopFirst(name: string, stop: () => Promise<unknown>): void {
    this.#first.push({ name, stop });
  }

  /** Stopped after everything else (the operations port: probes see the whole stop). */
  onStopLast(name: string, stop: () => Promise<unknown>): void {
    this.#stops.unshift({ name, stop });
  }

  /** A readiness check: resolves to 'ok' or a short reason; a throw counts as its error's name. */
  check(name: string, check: () => Promise<string>): void {
    this.#checks.set(name, check);
  }

  /** A dependency named in readiness while it fails, without deciding readiness (Uniware). */
  degradation(name: string, describe: () => string | undefined): void {
    this.#degradations.set(name, describe);
  }

  has(name: string): boolean {
    return this.#checks.has(name);
  }

  readonly ready = async (): Promise<{
    ready: boolean;
    checks: Record<string, string>;
    degraded?: Record<string, string>;
  }> => {
    const checks: Record<string, string> = {};
    await Promise.all(
      [...this.#checks].map(async ([name, check]) => {
        // The error's name only: a driver's message names hosts and ports.
        checks[name] = await answersWithin(check(), READINESS_CHECK_TIMEOUT_MS).catch((error: unknown) =>
          error instanceof Error ? error.name : 'failed',
        );
      }),
    );
    const degraded: Record<string, string> = {};
    for (const [name, describe] of this.#degradations) {
      const reason = describe();
      if (reason !== undefined) degraded[name] = reason;
    }
    return {
      ready: Object.values(checks).every((value) => value === 'ok'),
      checks,
      ...(Object.keys(degraded).length === 0 ? {} : { degraded }),
    };
  };

  async stopAll(): Promise<void> {
    for (const { name, stop } of [...this.#first, ...this.#stops.reverse()]) {
      try {
        await stop();
      } catch (error) {
        this.#logger.error({ err: error, part: name }, 'error while stopping');
      }
    }
    this.#stops.length = 0;
    this.#first.length = 0;
  }

  async drainThenStop(drainMs: number): Promise<void> {
    this.#draining = true;
    this.#logger.info({ drainMs }, 'stopping: not ready any more; draining');
    await new Promise((resolve) => setTimeout(resolve, drainMs));
    await this.stopAll();
  }
}
