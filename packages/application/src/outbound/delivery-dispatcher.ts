/**
 * Pushes stored delivery jobs to Uniware. Jobs are leased, so several instances share the work and a
 * job whose holder crashed is taken over when its lease runs out; a job is settled only by the
 * holder of its lease. The domain classifies every answer; this loop only acts on the verdict.
 */
import { classifyUniwareAnswer, planRetry, type RetryPolicy } from '@cancel-sync/domain';
import type { DeadLetterCode, DeadLetters } from '../ports/cancellation-events.ts';
import type { Clock } from '../ports/clock.ts';
import type { DeliveryJob, DeliveryJobs, DeliveryJobUpdate } from '../ports/delivery-jobs.ts';
import type { SellerRegistry } from '../ports/sellers.ts';
import type { UniwareClient } from '../ports/uniware-client.ts';
import { RateLimiter } from './rate-limiter.ts';
import { type CircuitSettings, SellerCircuits } from './seller-circuits.ts';

export interface DispatcherSettings {
  /** Names this instance on the leases it takes. */
  readonly owner: string;
  /** Longer than the slowest call to Uniware (connect + response timeout), with room to settle. */
  readonly leaseMs: number;
  /** How often to look for due jobs when there were none. */
  readonly pollIntervalMs: number;
  readonly maxConcurrency: number;
  readonly requestsPerSecond: number;
  readonly retry: RetryPolicy;
  readonly circuit: CircuitSettings;
}

/** What the dispatcher reports; the composition root turns these into logs, metrics and spans. */
export type DispatchEvent =
  | { readonly type: 'delivered'; readonly job: DeliveryJob; readonly attempts: number }
  | { readonly type: 'rejected'; readonly job: DeliveryJob; readonly message: string }
  | {
      readonly type: 'retry-scheduled';
      readonly job: DeliveryJob;
      readonly reason: string;
      readonly delayMs: number;
      readonly outcomeUnknown: boolean;
    }
  | {
      readonly type: 'gave-up';
      readonly job: DeliveryJob;
      readonly code: DeadLetterCode;
      readonly reason: string;
    }
  | { readonly type: 'taken-over'; readonly job: DeliveryJob }
  | {
      readonly type: 'circuit-opened';
      readonly sellerId: string;
      readonly httpStatus: number;
      readonly message: string;
      readonly pauseMs: number;
    }
  | {
      readonly type: 'circuit-refused-again';
      readonly sellerId: string;
      readonly refusals: number;
      readonly pauseMs: number;
    }
  | { readonly type: 'circuit-closed'; readonly sellerId: string }
  | { readonly type: 'lease-lost'; readonly job: DeliveryJob }
  | { readonly type: 'error'; readonly error: unknown; readonly job?: DeliveryJob | undefined };

export interface DispatcherDeps {
  readonly jobs: DeliveryJobs;
  readonly sellers: SellerRegistry;
  readonly uniware: UniwareClient;
  readonly deadLetters: DeadLetters;
  readonly clock: Clock;
  readonly random: () => number;
  readonly observe: (event: DispatchEvent) => void;
  readonly settings: DispatcherSettings;
}

export class DeliveryDispatcher {
  readonly #deps: DispatcherDeps;
  readonly #circuits: SellerCircuits;
  readonly #rate: RateLimiter;
  readonly #inFlight = new Set<Promise<void>>();
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
    this.#circuits = new SellerCircuits(deps.settings.circuit);
    this.#rate = new RateLimiter(deps.settings.requestsPerSecond);
  }

  /**
   * Starts the claim loop: it leases as many due jobs as there are free delivery slots, in one
   * claim, and starts their deliveries; the leases keep other instances off the same jobs.
   */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Stops claiming, then waits for the calls under way to be settled. */
  async stop(): Promise<void> {
    this.#running = false;
    this.notify();
    await this.#loop;
    await Promise.allSettled([...this.#inFlight]);
  }

  /** New jobs were stored: look now rather than at the next poll. */
  notify(): void {
    this.#wake?.();
  }

  /** Deliveries under way now. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  async #run(): Promise<void> {
    const { settings, jobs, clock, observe } = this.#deps;
    while (this.#running) {
      const free = settings.maxConcurrency - this.#inFlight.size;
      if (free <= 0) {
        await Promise.race(this.#inFlight);
        continue;
      }
      let claimed: readonly DeliveryJob[];
      try {
        const now = clock.now();
        claimed = await jobs.claimDue(
          {
            owner: settings.owner,
            now,
            leaseUntil: new Date(now.getTime() + settings.leaseMs),
            excludeSellerIds: this.#circuits.blocked(now),
          },
          free,
        );
      } catch (error) {
        observe({ type: 'error', error });
        await this.#pause(settings.pollIntervalMs);
        continue;
      }
      if (claimed.length === 0) {
        await this.#pause(settings.pollIntervalMs);
        continue;
      }
      const claimedAt = clock.now();
      for (const job of claimed) {
        this.#circuits.claimed(job.sellerId, claimedAt);
        const delivery = this.#rate
          .take()
          .then(() => this.#deliver(job))
          .catch((error: unknown) => observe({ type: 'error', error, job }))
          .finally(() => this.#inFlight.delete(delivery));
        this.#inFlight.add(delivery);
      }
    }
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  async #deliver(job: DeliveryJob): Promise<void> {
    const { sellers, uniware, clock, observe } = this.#deps;
    // A lease that was already there ran out under a holder that died mid-call: that call may
    // have reached Uniware, so the next one may repeat it.
    const tookOver = job.takenOverFrom !== undefined;
    if (tookOver) observe({ type: 'taken-over', job });
    const unknownOutcomes = job.unknownOutcomes + (tookOver ? 1 : 0);

    const seller = await sellers.findById(job.sellerId);
    if (seller === undefined) {
      await this.#retryOrGiveUp(job, unknownOutcomes, {
        reason: `seller ${job.sellerId} is not registered, so its Uniware merchant id is unknown`,
        outcomeUnknown: false,
        giveUpCode: 'UNKNOWN_ORDER_SELLER',
      });
      return;
    }
    const answer = await uniware.cancelOrder(seller.uniwareMerchantId, job.request);
    const now = clock.now();
    const verdict = classifyUniwareAnswer(answer, now);
    switch (verdict.verdict) {
      case 'delivered': {
        const attempts = job.attempts + 1;
        await this.#settle(job, {
          ...this.#base(job, now, unknownOutcomes),
          state: 'delivered',
          attempts,
          finishedAt: now,
        });
        if (this.#circuits.succeeded(job.sellerId))
          observe({ type: 'circuit-closed', sellerId: job.sellerId });
        observe({ type: 'delivered', job, attempts });
        return;
      }
      case 'rejected': {
        const update: DeliveryJobUpdate = {
          ...this.#base(job, now, unknownOutcomes),
          state: 'rejected',
          attempts: job.attempts + 1,
          lastError: verdict.message,
          finishedAt: now,
        };
        // Dead-lettered before it is settled: a crash in between repeats the dead letter, never loses it.
        await this.#deps.deadLetters.publish({ ...job, ...update }, 'UNIWARE_REJECTED', verdict.message);
        await this.#settle(job, update);
        if (this.#circuits.succeeded(job.sellerId))
          observe({ type: 'circuit-closed', sellerId: job.sellerId });
        observe({ type: 'rejected', job, message: verdict.message });
        return;
      }
      case 'retryable':
        this.#circuits.inconclusive(job.sellerId, now);
        await this.#retryOrGiveUp(job, unknownOutcomes + (verdict.outcomeUnknown ? 1 : 0), {
          reason: verdict.reason,
          outcomeUnknown: verdict.outcomeUnknown,
          retryAfterMs: verdict.retryAfterMs,
          giveUpCode: 'DELIVERY_GAVE_UP',
        });
        return;
      case 'auth-failure': {
        const { opened, pauseMs, refusals } = this.#circuits.refused(job.sellerId, now);
        observe(
          opened
            ? {
                type: 'circuit-opened',
                sellerId: job.sellerId,
                httpStatus: verdict.httpStatus,
                message: verdict.message,
                pauseMs,
              }
            : { type: 'circuit-refused-again', sellerId: job.sellerId, refusals, pauseMs },
        );
        // Not the job's fault: it waits for the circuit without spending an attempt.
        if (
          !(await this.#deps.jobs.release(
            job.jobId,
            this.#deps.settings.owner,
            new Date(now.getTime() + pauseMs),
          ))
        ) {
          observe({ type: 'lease-lost', job });
        }
        return;
      }
      default: {
        const exhaustive: never = verdict;
        throw new Error(`unhandled verdict ${JSON.stringify(exhaustive)}`);
      }
    }
  }

  async #retryOrGiveUp(
    job: DeliveryJob,
    unknownOutcomes: number,
    failure: {
      readonly reason: string;
      readonly outcomeUnknown: boolean;
      readonly retryAfterMs?: number | undefined;
      readonly giveUpCode: DeadLetterCode;
    },
  ): Promise<void> {
    const { clock, random, observe, settings } = this.#deps;
    const now = clock.now();
    const attempts = job.attempts + 1;
    const firstAttemptAt = job.firstAttemptAt ?? now;
    const plan = planRetry(settings.retry, { attempts, firstAttemptAt }, now, random(), failure.retryAfterMs);
    const base = { ...this.#base(job, now, unknownOutcomes), attempts, lastError: failure.reason };
    if (plan.action === 'retry') {
      await this.#settle(job, {
        ...base,
        state: 'pending',
        nextAttemptAt: new Date(now.getTime() + plan.delayMs),
      });
      observe({
        type: 'retry-scheduled',
        job,
        reason: failure.reason,
        delayMs: plan.delayMs,
        outcomeUnknown: failure.outcomeUnknown,
      });
      return;
    }
    const reason = `${plan.reason}; last error: ${failure.reason}`;
    const update: DeliveryJobUpdate = { ...base, state: 'dead', lastError: reason, finishedAt: now };
    await this.#deps.deadLetters.publish({ ...job, ...update }, failure.giveUpCode, reason);
    await this.#settle(job, update);
    observe({ type: 'gave-up', job, code: failure.giveUpCode, reason });
  }

  #base(job: DeliveryJob, now: Date, unknownOutcomes: number): DeliveryJobUpdate {
    return {
      state: job.state,
      attempts: job.attempts,
      unknownOutcomes,
      firstAttemptAt: job.firstAttemptAt ?? now,
      nextAttemptAt: job.nextAttemptAt,
      lastError: job.lastError,
      finishedAt: undefined,
    };
  }

  async #settle(job: DeliveryJob, update: DeliveryJobUpdate): Promise<void> {
    if (!(await this.#deps.jobs.settle(job.jobId, this.#deps.settings.owner, update))) {
      this.#deps.observe({ type: 'lease-lost', job });
    }
  }
}
