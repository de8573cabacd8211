import type { CancelLine, CancellationSource, RefusalCode, UniwareCancelRequest } from '@cancel-sync/domain';

/** A cancellation to push to Uniware, stored before the Kafka offset of its event is committed. */

/** Why a delivery ends in a dead letter (the codes of `DeliveryDeadLetterV1`). */
export const DEAD_LETTER_CODES = [
  'UNIWARE_REJECTED',
  'DELIVERY_GAVE_UP',
  'UNKNOWN_ORDER_SELLER',
  'LEDGER_DISAGREES',
] as const;
export type DeadLetterCode = (typeof DEAD_LETTER_CODES)[number];

export const DELIVERY_JOB_STATES = [
  'pending',
  'delivered',
  'rejected',
  /** A repeat after an unknown outcome was refused because the units were cancelled already. */
  'probably-applied',
  /** The ledger refused every line: nothing was pushed. */
  'disagreed',
  'dead',
] as const;
export type DeliveryJobState = (typeof DELIVERY_JOB_STATES)[number];

/**
 * What the ledger said of the event: every line `accepted`, `partly` accepted (only the accepted
 * units are pushed), or the order is not known yet (`awaiting-order`, checked again at delivery
 * until the wait runs out; then the event is pushed as it is, `unverified`).
 */
export type LedgerCheck = 'accepted' | 'partly' | 'awaiting-order' | 'unverified';

export interface RefusedLine {
  readonly line: CancelLine;
  readonly code: RefusalCode;
  readonly message: string;
}

export interface NewDeadLetter {
  readonly code: DeadLetterCode;
  readonly reason: string;
  readonly at: Date;
  /** For `LEDGER_DISAGREES`: the lines the ledger refused and why. */
  readonly refusedLines?: readonly RefusedLine[] | undefined;
}

/** A dead letter is stored with the job's state first, and published from there (at least once). */
export interface StoredDeadLetter extends NewDeadLetter {
  readonly publishedAt?: Date | undefined;
}

/** What one call to Uniware ended with, as kept on the job. */
export interface AttemptAnswer {
  readonly verdict: 'delivered' | 'rejected' | 'probably-applied' | 'retryable' | 'auth-failure' | 'unknown';
  readonly httpStatus?: number | undefined;
  readonly uniwareStatus?: string | undefined;
  readonly message?: string | undefined;
  readonly retryInMs?: number | undefined;
}

export interface AttemptRecord {
  /** 1 for the first call. */
  readonly attempt: number;
  readonly owner: string;
  readonly startedAt: Date;
  readonly endedAt?: Date | undefined;
  /** Absent while the call is under way, or when its holder stopped before recording it. */
  readonly answer?: AttemptAnswer | undefined;
}

export interface NewDeliveryJob {
  /** The event id: a job exists at most once per event. */
  readonly jobId: string;
  readonly orderId: string;
  readonly sellerId: string;
  readonly source: CancellationSource;
  /** The event's lines as published. */
  readonly lines: readonly CancelLine[];
  /** What is sent to Uniware: the units the ledger accepted. */
  readonly request: UniwareCancelRequest;
  readonly ledger: LedgerCheck;
  /** With `awaiting-order`: until when the order feed is waited for. */
  readonly awaitOrderUntil?: Date | undefined;
  /** Position among the jobs of its order (the event's Kafka offset); they go out in this order. */
  readonly sequence: number;
  readonly createdAt: Date;
  /** A job that needs no call (`disagreed`) is stored final. Default `pending`. */
  readonly state?: DeliveryJobState | undefined;
  readonly deadLetter?: NewDeadLetter | undefined;
  /** W3C trace context of the event's processing, so later attempts join the same trace. */
  readonly traceparent?: string | undefined;
}

/**
 * An operator sent a final job out again (audited; see `operations/replay-dead-letter.ts`). The
 * attempts before it are kept here, so the job's own log and attempt budget start afresh.
 */
export interface JobReplay {
  /** Also the id of the audit record. */
  readonly replayId: string;
  readonly at: Date;
  readonly operator: string;
  readonly reason: string;
  readonly forced: boolean;
  /** The state the job was replayed from. */
  readonly fromState: DeliveryJobState;
  /** What was sent before, when the replay changed it (a forced `LEDGER_DISAGREES` replay). */
  readonly previousRequest?: UniwareCancelRequest | undefined;
  readonly previousAttempts: readonly AttemptRecord[];
}

export interface DeliveryJob extends Omit<NewDeliveryJob, 'state' | 'deadLetter'> {
  readonly state: DeliveryJobState;
  /** Calls started to Uniware so far. */
  readonly attempts: number;
  /** Calls that ended without an answer after the request may have reached Uniware. */
  readonly unknownOutcomes: number;
  /** When the job is due (again). */
  readonly nextAttemptAt: Date;
  readonly lastError?: string | undefined;
  readonly finishedAt?: Date | undefined;
  readonly attemptLog: readonly AttemptRecord[];
  readonly deadLetters: readonly StoredDeadLetter[];
  readonly lease?: { readonly owner: string; readonly until: Date; readonly token: number } | undefined;
  /** Operator replays, oldest first; absent or empty when never replayed. */
  readonly replays?: readonly JobReplay[] | undefined;
}

/**
 * Proof of holding a job's lease: every write a holder makes is conditional on it, so a holder
 * whose lease ran out and was taken over can never overwrite the newer holder's state.
 */
export interface LeaseFence {
  readonly jobId: string;
  readonly owner: string;
  /** The job's claim count when this lease was taken; each claim makes a new one. */
  readonly token: number;
}

/** A job as leased by a claim. */
export interface ClaimedJob extends DeliveryJob {
  readonly fence: LeaseFence;
  /**
   * How the previous holder left it, when it held a lease that ran out unsettled: `maybe-sent` when
   * it had started a call (counted in `unknownOutcomes` already), `never-sent` when it had not.
   */
  readonly tookOver?: 'maybe-sent' | 'never-sent' | undefined;
}

export interface JobClaim {
  readonly owner: string;
  readonly now: Date;
  readonly leaseUntil: Date;
  readonly excludeSellerIds: readonly string[];
}

/** The outcome of an attempt (or of a decision without a call), recorded as the lease ends. */
export interface DeliveryJobUpdate {
  readonly state: DeliveryJobState;
  readonly unknownOutcomes: number;
  readonly nextAttemptAt: Date;
  readonly lastError?: string | undefined;
  readonly finishedAt?: Date | undefined;
  /** The answer of the call this holder started (`beginAttempt`), recorded on its attempt. */
  readonly answer?:
    | { readonly attempt: number; readonly endedAt: Date; readonly answer: AttemptAnswer }
    | undefined;
  readonly deadLetter?: NewDeadLetter | undefined;
}

/** The ledger looked at an `awaiting-order` job again and found the order. */
export interface LedgerResolution {
  readonly ledger: LedgerCheck;
  readonly request: UniwareCancelRequest;
  readonly deadLetter?: NewDeadLetter | undefined;
}

/** The lease a process takes on a job in the same write that stores it (see `enqueueClaimed`). */
export interface StoreClaim {
  readonly owner: string;
  readonly leaseUntil: Date;
}

export interface DeliveryJobs {
  /** `'duplicate'` when a job with this id exists already (the event was seen before). */
  enqueue(job: NewDeliveryJob): Promise<'enqueued' | 'duplicate'>;
  /**
   * Stores a new pending job already leased by `claim.owner` (its first claim, fence token 1), so
   * that the process storing it calls Uniware at once without a claim. When an earlier job of its
   * order is still pending, that one goes first: the job is stored free instead, as by `enqueue`
   * (`'enqueued'`). Optional: without it the dispatcher stores with `enqueue` and claims later.
   */
  enqueueClaimed?(job: NewDeliveryJob, claim: StoreClaim): Promise<ClaimedJob | 'enqueued' | 'duplicate'>;
  /**
   * Leases up to `limit` pending due jobs, at most one per order and only each order's head (its
   * pending job of lowest sequence), none of an excluded seller. An expired lease is taken over.
   */
  claimDue(claim: JobClaim, limit: number): Promise<readonly ClaimedJob[]>;
  /** Extends the lease; `false` if the fence no longer holds (the lease was taken over). */
  renew(fence: LeaseFence, leaseUntil: Date): Promise<boolean>;
  /**
   * Records "attempt N started" before the call, so that a takeover can tell a call that may have
   * gone out from one that never did. `false` if the fence no longer holds: do not call.
   */
  beginAttempt(fence: LeaseFence, attempt: number, at: Date): Promise<boolean>;
  /** Stores what the ledger now says of an `awaiting-order` job, keeping the lease. */
  resolveLedger(fence: LeaseFence, resolution: LedgerResolution): Promise<boolean>;
  /** Records the outcome and ends the lease; `false` if the fence no longer holds. */
  settle(fence: LeaseFence, update: DeliveryJobUpdate): Promise<boolean>;
  /** Ends the lease without an attempt (e.g. the seller's circuit is open). */
  release(fence: LeaseFence, nextAttemptAt: Date): Promise<boolean>;
  find(jobId: string): Promise<DeliveryJob | undefined>;
  countByState(): Promise<Record<DeliveryJobState, number>>;
}
