import type { CancelLine, CancellationSource, CancellationStatus, RefusalCode } from '@cancel-sync/domain';

/** The history of cancellation requests: who asked what of which order, when, and what came of it. */
export interface CancellationRecord {
  /** Unique key of the record (the request id is the caller's and may repeat). */
  readonly recordId: string;
  /** The `X-Request-Id` of the request's answer (the event id for events). */
  readonly requestId: string;
  readonly sellerId: string;
  readonly orderId: string;
  readonly source: CancellationSource;
  readonly receivedAt: Date;
  readonly idempotencyKey?: string | undefined;
  /** Set when this request was answered from an earlier identical one and changed nothing. */
  readonly replayOf?: string | undefined;
  readonly status: CancellationStatus;
  readonly lines: readonly {
    readonly line: CancelLine;
    readonly outcome: 'APPLIED' | RefusalCode;
    readonly message?: string | undefined;
  }[];
}

export interface CancellationRecords {
  /** Idempotent on `recordId`. */
  append(record: CancellationRecord): Promise<void>;
  /** Idempotent on `recordId`; one round trip for all of them. */
  appendAll(records: readonly CancellationRecord[]): Promise<void>;
  /** The record with this id, if it has been copied to the history. */
  find(recordId: string): Promise<CancellationRecord | undefined>;
  /**
   * Oldest first. Includes the records still held by the order's own document (written with the
   * ledger change and not yet copied here): the history is derivable from the ledger write.
   */
  forOrder(sellerId: string, orderId: string): Promise<readonly CancellationRecord[]>;
}
