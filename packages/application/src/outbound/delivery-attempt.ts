/**
 * One claimed job, one turn: settle what the ledger and the seller registry say, record "attempt N
 * started", call Uniware, and record the answer durably before the lease can change hands. The
 * domain classifies every answer; this only acts on the verdict.
 */

import {
  classifyUniwareAnswer,
  type DeliveryVerdict,
  isPastMaxAge,
  planRetry,
  type RetryPolicy,
  type UniwareAnswer,
} from '@cancel-sync/domain';
import type { Clock } from '../ports/clock.ts';
import type {
  AttemptAnswer,
  ClaimedJob,
  DeadLetterCode,
  DeliveryJob,
  DeliveryJobs,
  DeliveryJobUpdate,
  LedgerResolution,
  NewDeadLetter,
} from '../ports/delivery-jobs.ts';
import type { SellerRegistry } from '../ports/sellers.ts';
import type { UniwareClient } from '../ports/uniware-client.ts';
import type { DispatchEvent } from './dispatch-events.ts';
import { LeaseKeeper, type LeaseSettings } from './lease-keeper.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { SellerCircuits } from './seller-circuits.ts';

/** What the ledger says now of a job stored while its order was unknown. */
export type LedgerRecheck =
  | { readonly kind: 'order-unknown' }
  | { readonly kind: 'resolved'; readonly resolution: LedgerResolution; readonly nothingAccepted: boolean };

export interface AttemptSettings {
  readonly owner: string;
  readonly lease: LeaseSettings;
  readonly retry: RetryPolicy;
  /** How long a job waits for its seller to be registered before it is dead-lettered. */
  readonly awaitSellerMs: number;
  /** How often a waiting job looks again. */
  readonly waitStepMs: number;
}

export interface AttemptDeps {
  readonly jobs: DeliveryJobs;
  readonly sellers: Pick<SellerRegistry, 'findById'>;
  readonly uniware: UniwareClient;
  readonly recheckLedger: (job: DeliveryJob) => Promise<LedgerRecheck>;
  readonly circuits: SellerCircuits;
  /** Taken right before the call, with the lease already being renewed. */
  readonly rate: RateLimiter;
  readonly clock: Clock;
  readonly random: () => number;
  readonly observe: (event: DispatchEvent) => void;
  readonly settings: AttemptSettings;
  readonly abandon: AbortSignal;
  /** The job went back to the store still pending, due again at `dueAt` (a retry, a wait, a hold). */
  readonly onReturned?: ((dueAt: Date) => void) | undefined;
  /** A dead letter was stored on the job: the dead-letter relay may publish it now. */
  readonly onDeadLetterStored?: (() => void) | undefined;
}

export const runAttempt = async (deps: AttemptDeps, claimed: ClaimedJob): Promise<void> => {
  const lease = new LeaseKeeper({
    jobs: deps.jobs,
    fence: claimed.fence,
    clock: deps.clock,
    settings: deps.settings.lease,
    random: deps.random,
    abandon: deps.abandon,
  });
  try {
    await new Attempt(deps, claimed, lease).run();
  } finally {
    lease.stop();
  }
};

class Attempt {
  readonly #deps: AttemptDeps;
  readonly #lease: LeaseKeeper;
  #job: ClaimedJob;

  constructor(deps: AttemptDeps, job: ClaimedJob, lease: LeaseKeeper) {
    this.#deps = deps;
    this.#job = job;
    this.#lease = lease;
  }

  async run(): Promise<void> {
    const { observe, sellers, circuits, clock, uniware } = this.#deps;
    const job = this.#job;
    if (job.tookOver !== undefined)
      observe({ type: 'taken-over', job, maybeSent: job.tookOver === 'maybe-sent' });
    if (job.ledger === 'awaiting-order' && !(await this.#settleLedger())) return;

    const seller = await sellers.findById(job.sellerId);
    if (seller === undefined) {
      await this.#waitOrGiveUp('seller', job.createdAt.getTime() + this.#deps.settings.awaitSellerMs, {
        code: 'UNKNOWN_ORDER_SELLER',
        reason: `seller ${job.sellerId} is not registered, so its Uniware merchant id is unknown`,
      });
      return;
    }

    // An operator disabled the seller: held like an open circuit (still bounded by the age limit).
    if (seller.disabled !== undefined) {
      await this.#hold(new Date(clock.now().getTime() + this.#deps.settings.waitStepMs));
      return;
    }

    const admission = circuits.admit(job.sellerId, job.jobId, clock.now());
    if (admission.kind === 'hold') {
      await this.#hold(admission.until);
      return;
    }

    await this.#deps.rate.take();
    const attempt = job.attempts + 1;
    if (!(await this.#write(() => this.#deps.jobs.beginAttempt(job.fence, attempt, clock.now())))) return;
    const answer = await uniware.cancelOrder(seller.uniwareMerchantId, this.#job.request);
    const now = clock.now();
    const verdict = classifyUniwareAnswer(answer, now, { afterUnknownOutcome: job.unknownOutcomes > 0 });
    await this.#act(verdict, attempt, answerOf(answer, verdict));
  }

  /** @returns whether to go on and call Uniware. */
  async #settleLedger(): Promise<boolean> {
    const job = this.#job;
    const recheck = await this.#deps.recheckLedger(job);
    const now = this.#deps.clock.now();
    if (recheck.kind === 'order-unknown') {
      const until = job.awaitOrderUntil?.getTime() ?? now.getTime();
      if (now.getTime() < until) {
        await this.#release(Math.min(until, now.getTime() + this.#deps.settings.waitStepMs));
        this.#deps.observe({ type: 'waiting', job, waitingFor: 'order', untilMs: until });
        return false;
      }
      // The documented rule: an order the feed never brought is pushed as the event asked.
      return this.#resolve({ ledger: 'unverified', request: job.request });
    }
    if (recheck.nothingAccepted) {
      const written = await this.#settle({
        ...this.#unchanged(now),
        state: 'disagreed',
        finishedAt: now,
        lastError: recheck.resolution.deadLetter?.reason,
        deadLetter: recheck.resolution.deadLetter,
      });
      if (written) this.#deps.observe({ type: 'disagreed', job });
      return false;
    }
    return this.#resolve(recheck.resolution);
  }

  async #resolve(resolution: LedgerResolution): Promise<boolean> {
    if (!(await this.#write(() => this.#deps.jobs.resolveLedger(this.#job.fence, resolution)))) return false;
    if (resolution.deadLetter !== undefined) this.#deps.onDeadLetterStored?.();
    this.#job = { ...this.#job, ledger: resolution.ledger, request: resolution.request };
    return true;
  }

  async #act(verdict: DeliveryVerdict, attempt: number, answer: AttemptAnswer): Promise<void> {
    const { observe, circuits, clock } = this.#deps;
    const job = this.#job;
    const now = clock.now();
    const recorded = { attempt, endedAt: now, answer };
    switch (verdict.verdict) {
      case 'delivered':
        if (
          await this.#settle({
            ...this.#unchanged(now),
            state: 'delivered',
            finishedAt: now,
            answer: recorded,
          })
        ) {
          observe({ type: 'delivered', job, attempts: attempt });
        }
        if (circuits.succeeded(job.sellerId)) observe({ type: 'circuit-closed', sellerId: job.sellerId });
        return;
      case 'rejected':
      case 'probably-applied': {
        const rejected = verdict.verdict === 'rejected';
        const update: DeliveryJobUpdate = {
          ...this.#unchanged(now),
          state: verdict.verdict,
          lastError: verdict.message,
          finishedAt: now,
          answer: recorded,
          ...(rejected ? { deadLetter: { code: 'UNIWARE_REJECTED', reason: verdict.message, at: now } } : {}),
        };
        if (await this.#settle(update)) {
          observe(
            rejected
              ? { type: 'rejected', job, message: verdict.message }
              : { type: 'probably-applied', job, message: verdict.message },
          );
        }
        if (circuits.succeeded(job.sellerId)) observe({ type: 'circuit-closed', sellerId: job.sellerId });
        return;
      }
      case 'retryable':
        circuits.inconclusive(job.sellerId, job.jobId, now);
        await this.#retryOrGiveUp(attempt, {
          reason: verdict.reason,
          outcomeUnknown: verdict.outcomeUnknown,
          retryAfterMs: verdict.retryAfterMs,
          answer,
        });
        return;
      case 'auth-failure': {
        const circuit = circuits.refused(job.sellerId, job.jobId, now);
        if (circuit.opened) {
          observe({
            type: 'circuit-opened',
            sellerId: job.sellerId,
            httpStatus: verdict.httpStatus,
            message: verdict.message,
            pauseMs: circuit.pauseMs,
          });
        } else if (circuit.grew) {
          observe({
            type: 'circuit-refused-again',
            sellerId: job.sellerId,
            refusals: circuit.refusals,
            pauseMs: circuit.pauseMs,
          });
        }
        if (isPastMaxAge(this.#deps.settings.retry, job.createdAt, circuit.until)) {
          await this.#giveUp(
            {
              code: 'DELIVERY_GAVE_UP',
              reason: `gave up: Uniware still refuses our credentials for seller ${job.sellerId} (HTTP ${verdict.httpStatus}: ${verdict.message}) and the next probe would come past the age limit`,
            },
            { answer: recorded },
          );
          return;
        }
        // Not the job's fault: its attempt is recorded (not counted against its budget), and it
        // waits for the circuit.
        await this.#settle({
          ...this.#unchanged(now),
          nextAttemptAt: circuit.until,
          lastError: `HTTP ${verdict.httpStatus}: ${verdict.message}`,
          answer: recorded,
        });
        return;
      }
      default: {
        const exhaustive: never = verdict;
        throw new Error(`unhandled verdict ${JSON.stringify(exhaustive)}`);
      }
    }
  }

  async #retryOrGiveUp(
    attempt: number,
    failure: {
      readonly reason: string;
      readonly outcomeUnknown: boolean;
      readonly retryAfterMs: number | undefined;
      readonly answer: AttemptAnswer;
    },
  ): Promise<void> {
    const { clock, random, observe, settings } = this.#deps;
    const job = this.#job;
    const now = clock.now();
    const unknownOutcomes = job.unknownOutcomes + (failure.outcomeUnknown ? 1 : 0);
    // Calls our credentials were refused on are the circuit's business, not this job's budget.
    const spent = job.attemptLog.filter((record) => record.answer?.verdict !== 'auth-failure').length + 1;
    const plan = planRetry(
      settings.retry,
      { attempts: spent, since: job.createdAt },
      now,
      random(),
      failure.retryAfterMs,
    );
    const base = { ...this.#unchanged(now), unknownOutcomes };
    if (plan.action === 'retry') {
      const written = await this.#settle({
        ...base,
        nextAttemptAt: new Date(now.getTime() + plan.delayMs),
        lastError: failure.reason,
        answer: { attempt, endedAt: now, answer: { ...failure.answer, retryInMs: plan.delayMs } },
      });
      if (written) {
        observe({
          type: 'retry-scheduled',
          job,
          reason: failure.reason,
          delayMs: plan.delayMs,
          outcomeUnknown: failure.outcomeUnknown,
        });
      }
      return;
    }
    const reason = `${plan.reason}; last error: ${failure.reason}`;
    await this.#giveUp(
      { code: 'DELIVERY_GAVE_UP', reason },
      { unknownOutcomes, answer: { attempt, endedAt: now, answer: failure.answer } },
    );
  }

  /** The seller's circuit is open: wait for it without an attempt, unless the job is too old by then. */
  async #hold(until: Date): Promise<void> {
    const { settings, clock } = this.#deps;
    if (isPastMaxAge(settings.retry, this.#job.createdAt, until)) {
      const ageS = Math.round((clock.now().getTime() - this.#job.createdAt.getTime()) / 1000);
      await this.#giveUp({
        code: 'DELIVERY_GAVE_UP',
        reason: `gave up after ${ageS} s waiting for Uniware to accept our credentials for seller ${this.#job.sellerId} (the age limit is ${Math.round(settings.retry.maxAgeMs / 1000)} s)`,
      });
      return;
    }
    await this.#release(until.getTime());
  }

  async #waitOrGiveUp(
    waitingFor: 'seller',
    untilMs: number,
    giveUp: { readonly code: DeadLetterCode; readonly reason: string },
  ): Promise<void> {
    const now = this.#deps.clock.now().getTime();
    if (now < untilMs) {
      await this.#release(Math.min(untilMs, now + this.#deps.settings.waitStepMs));
      this.#deps.observe({ type: 'waiting', job: this.#job, waitingFor, untilMs });
      return;
    }
    await this.#giveUp(giveUp);
  }

  async #giveUp(
    letter: { readonly code: DeadLetterCode; readonly reason: string },
    extra: Partial<Pick<DeliveryJobUpdate, 'unknownOutcomes' | 'answer'>> = {},
  ): Promise<void> {
    const now = this.#deps.clock.now();
    const deadLetter: NewDeadLetter = { ...letter, at: now };
    const written = await this.#settle({
      ...this.#unchanged(now),
      ...extra,
      state: 'dead',
      lastError: letter.reason,
      finishedAt: now,
      deadLetter,
    });
    if (written)
      this.#deps.observe({ type: 'gave-up', job: this.#job, code: letter.code, reason: letter.reason });
  }

  #unchanged(now: Date): DeliveryJobUpdate {
    const job = this.#job;
    return {
      state: job.state,
      unknownOutcomes: job.unknownOutcomes,
      nextAttemptAt: job.nextAttemptAt < now ? now : job.nextAttemptAt,
      lastError: job.lastError,
      finishedAt: undefined,
    };
  }

  async #release(atMs: number): Promise<boolean> {
    const released = await this.#write(() => this.#deps.jobs.release(this.#job.fence, new Date(atMs)));
    if (released) this.#deps.onReturned?.(new Date(atMs));
    return released;
  }

  async #settle(update: DeliveryJobUpdate): Promise<boolean> {
    const settled = await this.#write(() => this.#deps.jobs.settle(this.#job.fence, update));
    if (settled && update.state === 'pending') this.#deps.onReturned?.(update.nextAttemptAt);
    if (settled && update.deadLetter !== undefined) this.#deps.onDeadLetterStored?.();
    return settled;
  }

  async #write(op: () => Promise<boolean>): Promise<boolean> {
    const written = await this.#lease.write(op, (error, retryInMs) =>
      this.#deps.observe({ type: 'record-failed', job: this.#job, error, retryInMs }),
    );
    if (!written && this.#lease.lost) this.#deps.observe({ type: 'lease-lost', job: this.#job });
    return written;
  }
}

const answerOf = (answer: UniwareAnswer, verdict: DeliveryVerdict): AttemptAnswer => {
  const message =
    verdict.verdict === 'retryable'
      ? verdict.reason
      : verdict.verdict === 'delivered'
        ? undefined
        : verdict.message;
  if (answer.kind === 'network-error') return { verdict: verdict.verdict, message };
  const body = answer.body;
  const uniwareStatus =
    typeof body === 'object' && body !== null && 'status' in body && typeof body.status === 'string'
      ? body.status
      : undefined;
  return { verdict: verdict.verdict, httpStatus: answer.httpStatus, uniwareStatus, message };
};
