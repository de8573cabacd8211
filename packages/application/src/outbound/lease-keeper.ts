/**
 * Holds a job's lease while its attempt is under way: renews it every `renewEveryMs`, and makes the
 * attempt's writes durable by retrying them with backoff for as long as the lease is held. A write
 * or renewal that finds the fence gone means another holder has the job: stop, write nothing more.
 */
import { backoffDelayMs } from '@cancel-sync/domain';
import type { Clock } from '../ports/clock.ts';
import type { DeliveryJobs, LeaseFence } from '../ports/delivery-jobs.ts';

export interface LeaseSettings {
  readonly leaseMs: number;
  readonly renewEveryMs: number;
  /** Backoff of a write that failed (the database is unreachable, say). */
  readonly writeRetry: { readonly baseDelayMs: number; readonly maxDelayMs: number };
}

export class LeaseKeeper {
  readonly #jobs: DeliveryJobs;
  readonly #fence: LeaseFence;
  readonly #clock: Clock;
  readonly #settings: LeaseSettings;
  readonly #random: () => number;
  readonly #abandon: AbortSignal;
  readonly #timer: ReturnType<typeof setInterval>;
  #lost = false;

  constructor(deps: {
    readonly jobs: DeliveryJobs;
    readonly fence: LeaseFence;
    readonly clock: Clock;
    readonly settings: LeaseSettings;
    readonly random: () => number;
    /** Aborted when the dispatcher gives up on its work (a stop past its grace). */
    readonly abandon: AbortSignal;
  }) {
    this.#jobs = deps.jobs;
    this.#fence = deps.fence;
    this.#clock = deps.clock;
    this.#settings = deps.settings;
    this.#random = deps.random;
    this.#abandon = deps.abandon;
    this.#timer = setInterval(() => void this.#renew(), deps.settings.renewEveryMs);
    this.#timer.unref?.();
  }

  /** The lease was taken over: nothing more may be written or sent. */
  get lost(): boolean {
    return this.#lost;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /**
   * Runs a fenced write until it is done: `true` when it was written, `false` when the fence no
   * longer holds (or the dispatcher abandoned its work). Failures are reported and retried.
   */
  async write(
    op: () => Promise<boolean>,
    onFailure: (error: unknown, retryInMs: number) => void,
  ): Promise<boolean> {
    for (let failures = 0; ; ) {
      if (this.#lost || this.#abandon.aborted) return false;
      try {
        const written = await op();
        if (!written) this.#lost = true;
        return written;
      } catch (error) {
        failures += 1;
        const retryInMs = Math.max(10, backoffDelayMs(this.#settings.writeRetry, failures, this.#random()));
        onFailure(error, retryInMs);
        await new Promise((resolve) => setTimeout(resolve, retryInMs));
      }
    }
  }

  async #renew(): Promise<void> {
    if (this.#lost) return;
    try {
      const until = new Date(this.#clock.now().getTime() + this.#settings.leaseMs);
      if (!(await this.#jobs.renew(this.#fence, until))) this.#lost = true;
    } catch {
      // The next renewal tries again; a write in progress retries on its own.
    }
  }
}
