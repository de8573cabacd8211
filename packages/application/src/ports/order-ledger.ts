import type { CancellationResult, CancellationStatus, Order, OrderCancelled } from '@cancel-sync/domain';
import type { CancellationRecord } from './cancellation-records.ts';
import type { RelaySource } from './relay-source.ts';

/** A cancellation request remembered on its order, so that a retry of it is answered, not re-applied. */
export interface RememberedRequest {
  readonly requestId: string;
  /** Digest of the seller and the canonical body (or `event:<id>` for events). */
  readonly fingerprint: string;
  readonly idempotencyKey?: string | undefined;
  readonly receivedAt: Date;
  /** After this it is forgotten. */
  readonly expiresAt: Date;
  /** `FAILED` requests applied nothing: the ledger keeps only the latest of them (see `OrderLedger`). */
  readonly status: CancellationStatus;
  /** The history record holding the whole answer, given back to a retry. */
  readonly recordId?: string | undefined;
  /** The whole answer; only on requests remembered before answers were read from the history. */
  readonly result?: CancellationResult | undefined;
}

export interface LedgerEntry {
  readonly order: Order;
  readonly rememberedRequests: readonly RememberedRequest[];
  /** History records written with a ledger change and not yet copied to the history. */
  readonly pendingRecords: readonly CancellationRecord[];
}

export interface LedgerWrite {
  /** The revision the writer read; `undefined` to create the order. */
  readonly expectedRevision: number | undefined;
  /** The order as it is to be stored. */
  readonly order: Order;
  readonly remember?: RememberedRequest | undefined;
  /** Put in the outbox by the same atomic write as the order change. */
  readonly announce?: OrderCancelled | undefined;
  /**
   * The writer's instance publishes `announce` itself, at once (see `AnnounceAtOnce`): relays leave
   * it alone until `until`, and publish it as any other after that (its writer died or could not).
   */
  readonly announceHere?: { readonly owner: string; readonly until: Date } | undefined;
  /** The history record of this change, kept on the order by the same atomic write. */
  readonly record?: CancellationRecord | undefined;
  /** Remembered requests that expired before this are dropped by the write. */
  readonly now: Date;
  /**
   * The remembered requests as the writer read them (the write is conditional on the revision it
   * read, so they are what is stored): lets the write drop the expired ones in its own update.
   * Without it they are dropped by an update of their own, sent before the write.
   */
  readonly readRemembered?: readonly RememberedRequest[] | undefined;
  /**
   * After this write the order holds only its latest `keepRecords` history records: the older
   * ones are in the history already (the writer copied them first). Absent: none is dropped.
   */
  readonly keepRecords?: number | undefined;
}

/** Refusals remembered per order, at most: the oldest are forgotten first. */
export const MAX_REMEMBERED_REFUSALS = 200;
/** Requests that applied something and are still within their window, per order, at most. */
export const MAX_REMEMBERED_APPLIED = 500;
/**
 * History records an inbound cancellation leaves on its order before they are copied to the
 * history in a batch (a 100-line record is about 14 KB: a dozen keep the order well within bounds).
 */
export const HISTORY_HELD_ON_ORDER = 12;

export interface ReadOptions {
  readonly signal?: AbortSignal | undefined;
}

/**
 * The order ledger. A write is one atomic, conditional update of one order document: the order, the
 * remembered request and the outbox entry change together or not at all.
 *
 * What an order holds is bounded: of the remembered requests that applied nothing (`FAILED`) only
 * the latest `MAX_REMEMBERED_REFUSALS` are kept (forgetting one is safe: judged again it changes
 * nothing it would not have changed the first time); the use case refuses to apply more than
 * `MAX_REMEMBERED_APPLIED` requests within their window rather than forget one of them.
 */
export interface OrderLedger {
  /** `signal` aborts the read (a read changes nothing, so it is safe to give up). */
  find(orderId: string, options?: ReadOptions): Promise<LedgerEntry | undefined>;
  /** `'conflict'` when the stored revision is not the expected one (or the order already exists). */
  write(change: LedgerWrite): Promise<'written' | 'conflict'>;
  /** Drops pending history records once they are in the history. */
  forgetRecords(orderId: string, recordIds: readonly string[]): Promise<void>;
}

/** An announcement as the outbox keeps it: with the trace of the request that wrote it. */
export interface OutboxEntry {
  readonly event: OrderCancelled;
  readonly traceparent?: string | undefined;
}

/** Announcements written by the ledger and not yet published, claimed one order at a time. */
export interface Outbox extends RelaySource<OutboxEntry> {
  /**
   * Announcements of one order written with `announceHere` were published by their writer: they
   * leave the outbox in one update (and the order stops being due when nothing else is there).
   */
  publishedHere(orderId: string, eventIds: readonly string[]): Promise<void>;
}
