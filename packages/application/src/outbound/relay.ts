/**
 * Publishes what was stored for publication (announcements, dead letters, parked records): claims
 * batches under a lease, publishes each batch on its own, and marks it published. A batch that
 * cannot be sent is released with a backoff and never holds up the others. A crash between publish
 * and mark publishes again: at least once, never lost; consumers de-duplicate by id.
 */
import { backoffDelayMs } from '@cancel-sync/domain';
import { PollLoop } from '../poll-loop.ts';
import type { Clock } from '../ports/clock.ts';
import type { RelayBatch, RelaySource } from '../ports/relay-source.ts';

/**
 * Documents whose failures in a row are remembered for their backoff. A document that failed here
 * may be published by another relay and never come back to this one: beyond this many, the oldest
 * are forgotten (such a document, if it fails again here, backs off from its first step again).
 */
export const MAX_TRACKED_FAILURES = 10_000;

export interface RelaySettings {
  readonly owner: string;
  /** Documents claimed per round. */
  readonly batchSize: number;
  readonly pollIntervalMs: number;
  /** Longer than one publish takes; a relay that died is replaced after it. */
  readonly leaseMs: number;
  /** Backoff of a batch that could not be published. */
  readonly retry: { readonly baseDelayMs: number; readonly maxDelayMs: number };
  /**
   * Wake up when a released batch is due again rather than at the next poll (for a relay whose
   * poll is far apart). Off by default.
   */
  readonly wakeForRetries?: boolean | undefined;
}

export type RelayEvent<E> =
  | { readonly type: 'published'; readonly batch: RelayBatch<E> }
  | {
      readonly type: 'publish-failed';
      readonly batch: RelayBatch<E>;
      readonly error: unknown;
      readonly retryInMs: number;
    }
  | { readonly type: 'error'; readonly error: unknown };

export class Relay<E> {
  readonly #source: RelaySource<E>;
  readonly #publish: (entries: readonly E[]) => Promise<void>;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #settings: RelaySettings;
  readonly #observe: (event: RelayEvent<E>) => void;
  readonly #loop: PollLoop;
  /** Failed publications of a document in a row, for its backoff. */
  readonly #failures = new Map<string, number>();

  constructor(deps: {
    readonly source: RelaySource<E>;
    readonly publish: (entries: readonly E[]) => Promise<void>;
    readonly clock: Clock;
    readonly random: () => number;
    readonly settings: RelaySettings;
    readonly observe: (event: RelayEvent<E>) => void;
  }) {
    this.#source = deps.source;
    this.#publish = deps.publish;
    this.#clock = deps.clock;
    this.#random = deps.random;
    this.#settings = deps.settings;
    this.#observe = deps.observe;
    this.#loop = new PollLoop({
      step: async () => ((await this.relayOnce()) === this.#settings.batchSize ? 'more' : 'idle'),
      intervalMs: deps.settings.pollIntervalMs,
      onError: (error) => this.#observe({ type: 'error', error }),
    });
  }

  /** Claims and publishes one round; resolves to how many documents were claimed. */
  async relayOnce(): Promise<number> {
    const now = this.#clock.now();
    const batches = await this.#source.claim(
      { owner: this.#settings.owner, now, leaseUntil: new Date(now.getTime() + this.#settings.leaseMs) },
      this.#settings.batchSize,
    );
    await Promise.all(batches.map((batch) => this.#relay(batch)));
    return batches.length;
  }

  start(): void {
    this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** Documents whose failures this relay remembers (at most `MAX_TRACKED_FAILURES`). */
  get trackedFailures(): number {
    return this.#failures.size;
  }

  /** Something was stored for publication: relay now rather than at the next poll. */
  notify(): void {
    this.#loop.notify();
  }

  async #relay(batch: RelayBatch<E>): Promise<void> {
    try {
      await this.#publish(batch.entries);
    } catch (error) {
      const failures = (this.#failures.get(batch.id) ?? 0) + 1;
      // Re-inserted so the map stays in order of last failure: the first key is the stalest.
      this.#failures.delete(batch.id);
      this.#failures.set(batch.id, failures);
      if (this.#failures.size > MAX_TRACKED_FAILURES) {
        const stalest = this.#failures.keys().next().value;
        if (stalest !== undefined) this.#failures.delete(stalest);
      }
      const retryInMs = Math.max(1, backoffDelayMs(this.#settings.retry, failures, this.#random()));
      this.#observe({ type: 'publish-failed', batch, error, retryInMs });
      await this.#source.release(batch, new Date(this.#clock.now().getTime() + retryInMs));
      if (this.#settings.wakeForRetries === true) this.#loop.notifyIn(retryInMs);
      return;
    }
    this.#failures.delete(batch.id);
    await this.#source.published(batch, this.#clock.now());
    this.#observe({ type: 'published', batch });
  }
}
