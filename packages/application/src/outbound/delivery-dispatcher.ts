/**
 * The claim loop: leases as many due jobs as there are free delivery slots, in one claim, and runs
 * an attempt for each (`delivery-attempt.ts`). Leases keep other instances off the same jobs and are
 * renewed while an attempt is under way; a dead holder's jobs go out again within one lease.
 */
import type { RetryPolicy } from '@cancel-sync/domain';
import { PollLoop } from '../poll-loop.ts';
import type { Clock } from '../ports/clock.ts';
import type { DeliveryJob, DeliveryJobs } from '../ports/delivery-jobs.ts';
import type { SellerRegistry } from '../ports/sellers.ts';
import type { UniwareClient } from '../ports/uniware-client.ts';
import { type LedgerRecheck, runAttempt } from './delivery-attempt.ts';
import type { DispatchEvent } from './dispatch-events.ts';
import { RateLimiter } from './rate-limiter.ts';
import { type CircuitSettings, SellerCircuits } from './seller-circuits.ts';

export interface DispatcherSettings {
  /** Names this instance on the leases it takes. */
  readonly owner: string;
  /** How long a lease holds without renewal: how soon a dead holder's jobs go out again. */
  readonly leaseMs: number;
  /** How often a holder renews its leases (well below `leaseMs`). */
  readonly renewEveryMs: number;
  /** How often to look for due jobs when there were none. */
  readonly pollIntervalMs: number;
  readonly maxConcurrency: number;
  readonly requestsPerSecond: number;
  readonly retry: RetryPolicy;
  readonly circuit: Omit<CircuitSettings, 'probeTimeoutMs'>;
  /** How long a job waits for its seller's registration before it is dead-lettered. */
  readonly awaitSellerMs: number;
  /** How long `stop()` lets attempts under way finish recording their answers. */
  readonly stopGraceMs: number;
}

export interface DispatcherDeps {
  readonly jobs: DeliveryJobs;
  readonly sellers: SellerRegistry;
  readonly uniware: UniwareClient;
  readonly recheckLedger: (job: DeliveryJob) => Promise<LedgerRecheck>;
  readonly clock: Clock;
  readonly random: () => number;
  readonly observe: (event: DispatchEvent) => void;
  readonly settings: DispatcherSettings;
  /** Wraps each attempt, e.g. in a span of the trace the job was stored in. */
  readonly aroundAttempt?: ((job: DeliveryJob, attempt: () => Promise<void>) => Promise<void>) | undefined;
}

export class DeliveryDispatcher {
  readonly #deps: DispatcherDeps;
  readonly #circuits: SellerCircuits;
  readonly #rate: RateLimiter;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #abandon = new AbortController();
  readonly #loop: PollLoop;

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
    const { settings } = deps;
    // A probe holds its seller's circuit for as long as a lease could keep it under way.
    this.#circuits = new SellerCircuits({ ...settings.circuit, probeTimeoutMs: settings.leaseMs });
    this.#rate = new RateLimiter(settings.requestsPerSecond);
    this.#loop = new PollLoop({
      step: () => this.#claimRound(),
      intervalMs: settings.pollIntervalMs,
      onError: (error) => deps.observe({ type: 'error', error }),
    });
  }

  start(): void {
    this.#loop.start();
  }

  /** Stops claiming, then lets the attempts under way record their answers (within the grace). */
  async stop(): Promise<void> {
    await this.#loop.stop();
    const grace = setTimeout(() => this.#abandon.abort(), this.#deps.settings.stopGraceMs);
    await Promise.allSettled([...this.#inFlight]);
    clearTimeout(grace);
  }

  /** New jobs were stored: look now rather than at the next poll. */
  notify(): void {
    this.#loop.notify();
  }

  /** Deliveries under way now. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Sellers whose circuit is open in this instance. */
  get openCircuits(): number {
    return this.#circuits.openCount;
  }

  async #claimRound(): Promise<'more' | 'idle'> {
    const { settings, jobs, clock, observe } = this.#deps;
    const free = settings.maxConcurrency - this.#inFlight.size;
    if (free <= 0) {
      await Promise.race(this.#inFlight);
      return 'more';
    }
    const now = clock.now();
    const claimed = await jobs.claimDue(
      {
        owner: settings.owner,
        now,
        leaseUntil: new Date(now.getTime() + settings.leaseMs),
        excludeSellerIds: this.#circuits.blocked(now),
      },
      free,
    );
    for (const job of claimed) {
      const around = this.#deps.aroundAttempt ?? ((_: DeliveryJob, run: () => Promise<void>) => run());
      const attempt = Promise.resolve()
        .then(() =>
          around(job, () =>
            runAttempt(
              {
                ...this.#deps,
                circuits: this.#circuits,
                rate: this.#rate,
                abandon: this.#abandon.signal,
                settings: {
                  owner: settings.owner,
                  lease: {
                    leaseMs: settings.leaseMs,
                    renewEveryMs: settings.renewEveryMs,
                    writeRetry: { baseDelayMs: 100, maxDelayMs: Math.max(100, settings.renewEveryMs) },
                  },
                  retry: settings.retry,
                  awaitSellerMs: settings.awaitSellerMs,
                  waitStepMs: Math.max(settings.pollIntervalMs, 1000),
                },
              },
              job,
            ),
          ),
        )
        .catch((error: unknown) => observe({ type: 'error', error, job }))
        .finally(() => this.#inFlight.delete(attempt));
      this.#inFlight.add(attempt);
    }
    return claimed.length > 0 ? 'more' : 'idle';
  }
}
