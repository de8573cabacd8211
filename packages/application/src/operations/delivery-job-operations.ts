/** What operators read of delivery jobs and the one write they make to one: a replay. */
import type { UniwareCancelRequest } from '@cancel-sync/domain';
import type {
  DeadLetterCode,
  DeliveryJob,
  DeliveryJobState,
  JobReplay,
  LedgerCheck,
} from '../ports/delivery-jobs.ts';

export interface JobFilter {
  readonly states?: readonly DeliveryJobState[] | undefined;
  readonly sellerId?: string | undefined;
  /** Only jobs carrying a dead letter with one of these codes. */
  readonly deadLetterCodes?: readonly DeadLetterCode[] | undefined;
  /** Stored at or after this. */
  readonly createdSince?: Date | undefined;
  /** Stored before this (older than an age). */
  readonly createdBefore?: Date | undefined;
  readonly limit: number;
}

/**
 * A compare-and-set that sends a final job out again: it holds only while the job is still in
 * `from.state` with `from.replays` replays, so of two replays racing for one job one wins.
 */
export interface ReplayWrite {
  readonly jobId: string;
  readonly from: {
    readonly state: DeliveryJobState;
    readonly replays: number;
    readonly unknownOutcomes: number;
  };
  readonly replay: JobReplay;
  /** Due at once. */
  readonly now: Date;
  /** Replaces what is sent (a forced `LEDGER_DISAGREES` replay pushes the refused lines). */
  readonly request?: UniwareCancelRequest | undefined;
  readonly ledger?: LedgerCheck | undefined;
}

export interface DeliveryJobOperations {
  find(jobId: string): Promise<DeliveryJob | undefined>;
  /** Newest first. */
  list(filter: JobFilter): Promise<readonly DeliveryJob[]>;
  /** Every job of an order, in sequence. */
  forOrder(orderId: string): Promise<readonly DeliveryJob[]>;
  /** `false` when the job was not as expected any more (another replay, or it changed). */
  replay(write: ReplayWrite): Promise<boolean>;
}

/** The states a dead letter is stored with. */
export const DEAD_LETTER_STATES: readonly DeliveryJobState[] = ['rejected', 'dead', 'disagreed'];
