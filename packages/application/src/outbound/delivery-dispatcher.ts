/**
 * The claim loop: leases as many due jobs as there are free delivery slots, in one claim, and runs
 * an attempt for each (`delivery-attempt.ts`). Leases keep other instances off the same jobs and are
 * renewed while an attempt is under way; a dead holder's jobs go out again within one lease.
 *
 * The fast path (`store`): a job this process stores while a slot is free is stored with its lease
 * already held (one write) and its attempt starts at once, without a poll or a claim; the store
 * keeps it for retries, crashes and other instances as before. The loop then only wakes for jobs
 * this process was not handed: a retry or a wait it scheduled (woken at its due time), a job stored
 * while every slot was busy or behind an earlier job of its order, and, every `pollIntervalMs`,
 * other instances' jobs and expired leases.
 *
 * Slots: an attempt under way, a store of the fast path under way, and the claim under way (for the
 * slots it asked for) each hold one; a store of the slow path holds none. So a slot that frees goes
 * first to jobs already waiting in the store, oldest first, and the fast path only has what is left.
 */
import type { RetryPolicy } from '@cancel-sync/domain';
import { PollLoop } from '../poll-loop.ts';
import type { Clock } from '../ports/clock.ts';
import type { ClaimedJob, DeliveryJob, DeliveryJobs, NewDeliveryJob } from '../ports/delivery-jobs.ts';
import type { SellerRegistry } from '../ports/sellers.ts';
import type { UniwareClient } from '../ports/uniware-client.ts';
import { type LedgerRecheck, runAttempt } from './delivery-attempt.ts';
import type { DispatchEvent } from './dispatch-events.ts';
import { RateLimiter } from './rate-limiter.ts';
import { SellerCache } from './seller-cache.ts';
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
  /**
   * How long a seller read from the registry is used (0, the default: read for every delivery): a
   * change made by another process is seen within this (see `seller-cache.ts`).
   */
  readonly sellerCacheMs?: number | undefined;
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
  /** A dead letter was stored on a job (the dead-letter relay is woken). */
  readonly onDeadLetterStored?: (() => void) | undefined;
  /** Wraps each attempt, e.g. in a span of the trace the job was stored in. */
  readonly aroundAttempt?: ((job: DeliveryJob, attempt: () => Promise<void>) => Promise<void>) | undefined;
}

/** How often a job waiting for its order or seller (or held for a disabled seller) looks again. */
const WAIT_STEP_MS = 1_000;
/** Orders remembered as having a job stored here behind an earlier one (see `#waitingOrders`). */
const MAX_WAITING_ORDERS = 10_000;

export class DeliveryDispatcher {
  readonly #deps: DispatcherDeps;
  readonly #circuits: SellerCircuits;
  readonly #rate: RateLimiter;
  readonly #inFlight = new Set<Promise<void>>();
  /** Stores under way, of either path: `stop()` waits for them. */
  readonly #storing = new Set<Promise<unknown>>();
  /**
   * Stores of the fast path under way (settled, never rejected): each holds a slot, as it may yet
   * start an attempt. A store of the slow path holds none.
   */
  readonly #fastStores = new Set<Promise<void>>();
  /** Slots the claim under way asked for: a store that comes meanwhile leaves them to it. */
  #claiming = 0;
  readonly #abandon = new AbortController();
  readonly #loop: PollLoop;
  readonly #sellers: SellerCache;
  /** Orders with a job stored here behind an earlier one: the loop looks when that one ends. */
  readonly #waitingOrders = new Set<string>();
  #stopping = false;

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
    const { settings } = deps;
    this.#sellers = new SellerCache(deps.sellers, deps.clock, settings.sellerCacheMs ?? 0);
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
    this.#stopping = true;
    await this.#loop.stop();
    await Promise.allSettled([...this.#storing]);
    const grace = setTimeout(() => this.#abandon.abort(), this.#deps.settings.stopGraceMs);
    await Promise.allSettled([...this.#inFlight]);
    clearTimeout(grace);
  }

  /** New jobs were stored: look now rather than at the next poll. */
  notify(): void {
    this.#loop.notify();
  }

  /**
   * Stores a job for delivery: with its lease held and its attempt started at once when a slot is
   * free (see above), else free for the loop. Resolves once the job is stored (the attempt goes on).
   */
  store(job: NewDeliveryJob): Promise<'enqueued' | 'duplicate'> {
    const stored = this.#store(job);
    this.#storing.add(stored);
    return stored.finally(() => this.#storing.delete(stored));
  }

  async #store(job: NewDeliveryJob): Promise<'enqueued' | 'duplicate'> {
    const { jobs, settings, clock } = this.#deps;
    const now = clock.now();
    const waitsForOrder =
      job.ledger === 'awaiting-order' && (job.awaitOrderUntil?.getTime() ?? 0) > now.getTime();
    const enqueueClaimed = jobs.enqueueClaimed?.bind(jobs);
    const fast =
      enqueueClaimed !== undefined &&
      !this.#stopping &&
      this.#loop.running &&
      (job.state ?? 'pending') === 'pending' &&
      !waitsForOrder &&
      this.#busySlots() < settings.maxConcurrency &&
      !this.#circuits.blocked(now).includes(job.sellerId);
    if (!fast || enqueueClaimed === undefined) {
      const answer = await jobs.enqueue(job);
      if (answer === 'enqueued') this.notify();
      return answer;
    }
    const storing = enqueueClaimed(job, {
      owner: settings.owner,
      leaseUntil: new Date(now.getTime() + settings.leaseMs),
    });
    const slot = storing.then(
      () => undefined,
      () => undefined,
    );
    this.#fastStores.add(slot);
    let stored: Awaited<typeof storing>;
    try {
      stored = await storing;
    } finally {
      // The slot passes to the attempt launched below in the same turn, or frees.
      this.#fastStores.delete(slot);
    }
    if (stored === 'duplicate') return 'duplicate';
    if (stored === 'enqueued') {
      // Bounded: an order whose jobs another instance delivers never ends an attempt here; a
      // forgotten entry only leaves its job to the poll.
      if (this.#waitingOrders.size >= MAX_WAITING_ORDERS) this.#waitingOrders.clear();
      this.#waitingOrders.add(job.orderId);
      this.notify();
      return 'enqueued';
    }
    this.#launch(stored);
    return 'enqueued';
  }

  /** Deliveries under way now. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Sellers whose circuit is open in this instance. */
  get openCircuits(): number {
    return this.#circuits.openCount;
  }

  /** Slots taken: attempts under way, stores of the fast path under way, and the claim's. */
  #busySlots(): number {
    return this.#inFlight.size + this.#fastStores.size + this.#claiming;
  }

  async #claimRound(): Promise<'more' | 'idle'> {
    const { settings, jobs, clock } = this.#deps;
    const free = settings.maxConcurrency - this.#inFlight.size - this.#fastStores.size;
    if (free <= 0) {
      // Resumed in the same turn as the slot frees, before a store can take it.
      await Promise.race([...this.#inFlight, ...this.#fastStores]);
      return 'more';
    }
    const now = clock.now();
    // The slots stay the claim's while it runs: jobs waiting in the store (a backlog, jobs taken
    // over from a dead instance) go before stores that come meanwhile, and none is oversubscribed.
    this.#claiming = free;
    let claimed: readonly ClaimedJob[];
    try {
      claimed = await jobs.claimDue(
        {
          owner: settings.owner,
          now,
          leaseUntil: new Date(now.getTime() + settings.leaseMs),
          excludeSellerIds: this.#circuits.blocked(now),
        },
        free,
      );
    } finally {
      this.#claiming = 0;
    }
    for (const job of claimed) this.#launch(job);
    return claimed.length > 0 ? 'more' : 'idle';
  }

  /** Runs one attempt of a leased job in a slot of its own. */
  #launch(job: ClaimedJob): void {
    const { settings, observe } = this.#deps;
    const around = this.#deps.aroundAttempt ?? ((_: DeliveryJob, run: () => Promise<void>) => run());
    const attempt = Promise.resolve()
      .then(() =>
        around(job, () =>
          runAttempt(
            {
              ...this.#deps,
              sellers: this.#sellers,
              circuits: this.#circuits,
              rate: this.#rate,
              abandon: this.#abandon.signal,
              onReturned: (dueAt) => this.#loop.notifyIn(dueAt.getTime() - this.#deps.clock.now().getTime()),
              settings: {
                owner: settings.owner,
                lease: {
                  leaseMs: settings.leaseMs,
                  renewEveryMs: settings.renewEveryMs,
                  writeRetry: { baseDelayMs: 100, maxDelayMs: Math.max(100, settings.renewEveryMs) },
                },
                retry: settings.retry,
                awaitSellerMs: settings.awaitSellerMs,
                waitStepMs: WAIT_STEP_MS,
              },
            },
            job,
          ),
        ),
      )
      .catch((error: unknown) => observe({ type: 'error', error, job }))
      .finally(() => {
        this.#inFlight.delete(attempt);
        // The next job of this order, stored here behind this one, may go now.
        if (this.#waitingOrders.delete(job.orderId)) this.notify();
      });
    this.#inFlight.add(attempt);
  }
}
