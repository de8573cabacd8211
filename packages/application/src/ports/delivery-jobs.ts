import type { CancellationSource, UniwareCancelRequest } from '@cancel-sync/domain';

/** A cancellation to push to Uniware, stored before the Kafka offset of its event is committed. */

export const DELIVERY_JOB_STATES = ['pending', 'delivered', 'rejected', 'dead'] as const;
export type DeliveryJobState = (typeof DELIVERY_JOB_STATES)[number];

export interface NewDeliveryJob {
  /** The event id: a job exists at most once per event. */
  readonly jobId: string;
  readonly orderId: string;
  readonly sellerId: string;
  readonly source: CancellationSource;
  readonly request: UniwareCancelRequest;
  /** Position among the jobs of its order (the event's Kafka offset); they go out in this order. */
  readonly sequence: number;
  readonly createdAt: Date;
}

export interface DeliveryJob extends NewDeliveryJob {
  readonly state: DeliveryJobState;
  /** Calls made to Uniware so far. */
  readonly attempts: number;
  /** Calls that ended without an answer after the request may have reached Uniware. */
  readonly unknownOutcomes: number;
  readonly firstAttemptAt?: Date | undefined;
  /** When the job is due (again). */
  readonly nextAttemptAt: Date;
  readonly lastError?: string | undefined;
  readonly finishedAt?: Date | undefined;
  readonly lease?: { readonly owner: string; readonly until: Date } | undefined;
  /**
   * Set on a claimed job whose previous lease ran out unsettled: its holder stopped (or stalled)
   * during a call, which may have reached Uniware.
   */
  readonly takenOverFrom?: { readonly owner: string; readonly until: Date } | undefined;
}

export type DeliveryJobUpdate = Pick<
  DeliveryJob,
  'state' | 'attempts' | 'unknownOutcomes' | 'firstAttemptAt' | 'nextAttemptAt' | 'lastError' | 'finishedAt'
>;

export interface DeliveryJobs {
  /** `'duplicate'` when a job with this id exists already (the event was seen before). */
  enqueue(job: NewDeliveryJob): Promise<'enqueued' | 'duplicate'>;
  /**
   * Leases to `owner` until `leaseUntil` the pending job that has been due longest, among those
   * whose order has no earlier pending job and whose seller is not excluded. A lease that expired
   * (its holder crashed) is taken over, and the returned job says so in `takenOverFrom`. The
   * returned job carries the new lease. `undefined` when nothing is due.
   */
  claimNext(claim: {
    readonly owner: string;
    readonly now: Date;
    readonly leaseUntil: Date;
    readonly excludeSellerIds: readonly string[];
  }): Promise<DeliveryJob | undefined>;
  /** Like `claimNext`, for up to `limit` jobs at once (at most one per order). */
  claimDue(
    claim: {
      readonly owner: string;
      readonly now: Date;
      readonly leaseUntil: Date;
      readonly excludeSellerIds: readonly string[];
    },
    limit: number,
  ): Promise<readonly DeliveryJob[]>;
  /** Records the result of an attempt and ends the lease; `false` if `owner` no longer held it. */
  settle(jobId: string, owner: string, update: DeliveryJobUpdate): Promise<boolean>;
  /** Ends the lease without counting an attempt (e.g. the seller's circuit is open). */
  release(jobId: string, owner: string, nextAttemptAt: Date): Promise<boolean>;
  find(jobId: string): Promise<DeliveryJob | undefined>;
  countByState(): Promise<Record<DeliveryJobState, number>>;
}
