/** How an order, its remembered requests and its outbox are stored: one `orders` document per order. */
import type { LedgerEntry, RememberedRequest } from '@cancel-sync/application';
import type {
  CancellationResult,
  CancellationSource,
  CancellationStatus,
  CancelledUnits,
  FailedItem,
  Order,
  OrderCancelled,
  OrderItem,
  OrderItemStatus,
  OrderStatus,
  RefusalCode,
} from '@cancel-sync/domain';
import { optional } from '../optional.ts';
import {
  type CancellationRecordDocument,
  fromDocument as recordFromDocument,
} from '../records/cancellation-record-document.ts';
import type { RelayLeaseDocument } from '../relay-claims.ts';

export interface OrderItemDocument {
  orderItemId: string;
  productId: string;
  variantId: string;
  quantity: number;
  cancelledQuantity: number;
  status: OrderItemStatus;
}

export interface FailedItemDocument {
  orderItemId: string;
  code: RefusalCode;
  errorMessage: string;
}

export interface RememberedRequestDocument {
  requestId: string;
  fingerprint: string;
  idempotencyKey?: string;
  receivedAt: Date;
  expiresAt: Date;
  /** Absent on requests remembered with their whole `result`. */
  status?: CancellationStatus;
  recordId?: string;
  /** Only on requests remembered before answers were read from the history. */
  result?: { status: CancellationStatus; failedItems: FailedItemDocument[] };
}

export interface CancelledUnitsDocument {
  orderItemId?: string;
  productId: string;
  variantId: string;
  quantity: number;
}

export interface OutboxEventDocument {
  eventId: string;
  /** The event's own ISO-8601 text, given back unchanged. */
  occurredAt: string;
  /** The same instant as a BSON date: what the outbox sorts on. */
  at: Date;
  source: CancellationSource;
  orderId: string;
  sellerId: string;
  items: CancelledUnitsDocument[];
  reason: string;
  /** The W3C trace context of the request that wrote it, for the relay's span to join. */
  traceparent?: string;
  /** Its writer's instance publishes it itself: relays leave it alone until `until`. */
  here?: { owner: string; until: Date };
}

export interface AppliedCancellationDocument {
  cancellationId: string;
  items: CancelledUnitsDocument[];
}

/** The fields of an order that a ledger write replaces. */
export interface OrderFields {
  sellerId: string;
  status: OrderStatus;
  revision: number;
  sourceRevision: number;
  items: OrderItemDocument[];
  /** Cancellations applied here and not yet named by a snapshot (absent: none). */
  appliedCancellations?: AppliedCancellationDocument[];
  /** Cancellations the last snapshot named (absent: none). */
  reflectedCancellationIds?: string[];
}

export interface OrderDocument extends OrderFields {
  /** The order id (Uniware's `saleOrderCode`). */
  _id: string;
  /** Remembered requests that applied something (and legacy ones of any kind). */
  rememberedRequests: RememberedRequestDocument[];
  /** Remembered requests that applied nothing: only the latest `MAX_REMEMBERED_REFUSALS` (absent: none). */
  rememberedRefusals?: RememberedRequestDocument[];
  /** Announcements written with the order change and not yet published, in write order. */
  outbox: OutboxEventDocument[];
  /** While the outbox has entries: when its oldest became due. The relay's claims range over it. */
  outboxDueAt?: Date;
  /** While a relay publishes this outbox. */
  outboxLease?: RelayLeaseDocument;
  /**
   * History records written with the order change and not yet copied to `cancellation_records`
   * (absent on documents written before records went with the write).
   */
  pendingRecords?: CancellationRecordDocument[];
}

const itemToDocument = (item: OrderItem): OrderItemDocument => ({
  orderItemId: item.orderItemId,
  productId: item.productId,
  variantId: item.variantId,
  quantity: item.quantity,
  cancelledQuantity: item.cancelledQuantity,
  status: item.status,
});

export const orderFieldsToDocument = (order: Order): OrderFields => ({
  sellerId: order.sellerId,
  status: order.status,
  revision: order.revision,
  sourceRevision: order.sourceRevision,
  items: order.items.map(itemToDocument),
  // `$set` replaces both lists whole: written as empty rather than left as they were.
  appliedCancellations: (order.appliedCancellations ?? []).map((applied) => ({
    cancellationId: applied.cancellationId,
    items: applied.items.map(unitsToDocument),
  })),
  reflectedCancellationIds: [...(order.reflectedCancellationIds ?? [])],
});

const failedItemToDocument = (item: FailedItem): FailedItemDocument => ({
  orderItemId: item.orderItemId,
  code: item.code,
  errorMessage: item.errorMessage,
});

const resultToDocument = (result: CancellationResult): RememberedRequestDocument['result'] => ({
  status: result.status,
  failedItems: result.failedItems.map(failedItemToDocument),
});

export const rememberedToDocument = (request: RememberedRequest): RememberedRequestDocument => ({
  requestId: request.requestId,
  fingerprint: request.fingerprint,
  ...optional('idempotencyKey', request.idempotencyKey),
  receivedAt: request.receivedAt,
  expiresAt: request.expiresAt,
  status: request.status,
  ...optional('recordId', request.recordId),
  ...(request.result === undefined ? {} : { result: resultToDocument(request.result) }),
});

const unitsToDocument = (units: CancelledUnits): CancelledUnitsDocument => ({
  ...optional('orderItemId', units.orderItemId),
  productId: units.productId,
  variantId: units.variantId,
  quantity: units.quantity,
});

export const eventToDocument = (event: OrderCancelled, traceparent?: string): OutboxEventDocument => {
  const at = new Date(event.occurredAt);
  if (Number.isNaN(at.getTime())) {
    throw new RangeError(`event ${event.eventId} has an occurredAt that is not a date: ${event.occurredAt}`);
  }
  return {
    eventId: event.eventId,
    occurredAt: event.occurredAt,
    at,
    source: event.source,
    orderId: event.orderId,
    sellerId: event.sellerId,
    items: event.items.map(unitsToDocument),
    reason: event.reason,
    ...optional('traceparent', traceparent),
  };
};

export const toDocument = (
  order: Order,
  remembered: readonly RememberedRequest[],
  outbox: readonly OutboxEventDocument[],
  pendingRecords: readonly CancellationRecordDocument[] = [],
): OrderDocument => ({
  _id: order.orderId,
  ...orderFieldsToDocument(order),
  rememberedRequests: remembered.filter((request) => request.status !== 'FAILED').map(rememberedToDocument),
  rememberedRefusals: remembered.filter((request) => request.status === 'FAILED').map(rememberedToDocument),
  outbox: [...outbox],
  ...(outbox[0] === undefined ? {} : { outboxDueAt: outbox[0].at }),
  pendingRecords: [...pendingRecords],
});

const itemFromDocument = (item: OrderItemDocument): OrderItem => ({
  orderItemId: item.orderItemId,
  productId: item.productId,
  variantId: item.variantId,
  quantity: item.quantity,
  cancelledQuantity: item.cancelledQuantity,
  status: item.status,
});

const rememberedFromDocument = (request: RememberedRequestDocument): RememberedRequest => ({
  requestId: request.requestId,
  fingerprint: request.fingerprint,
  ...optional('idempotencyKey', request.idempotencyKey),
  receivedAt: request.receivedAt,
  expiresAt: request.expiresAt,
  status: request.status ?? request.result?.status ?? 'FAILED',
  ...optional('recordId', request.recordId),
  ...(request.result === undefined
    ? {}
    : {
        result: {
          status: request.result.status,
          failedItems: request.result.failedItems.map((item) => ({
            orderItemId: item.orderItemId,
            code: item.code,
            errorMessage: item.errorMessage,
          })),
        },
      }),
});

const unitsFromDocument = (units: CancelledUnitsDocument): CancelledUnits => ({
  ...optional('orderItemId', units.orderItemId),
  productId: units.productId,
  variantId: units.variantId,
  quantity: units.quantity,
});

export const eventFromDocument = (event: OutboxEventDocument): OrderCancelled => ({
  eventId: event.eventId,
  occurredAt: event.occurredAt,
  source: event.source,
  orderId: event.orderId,
  sellerId: event.sellerId,
  items: event.items.map((units) => ({
    ...optional('orderItemId', units.orderItemId),
    productId: units.productId,
    variantId: units.variantId,
    quantity: units.quantity,
  })),
  reason: event.reason,
});

/** The outbox is left out: it belongs to the `Outbox` port, not to the ledger's entry. */
export const fromDocument = (
  document: Omit<OrderDocument, 'outbox' | 'outboxDueAt' | 'outboxLease'>,
): LedgerEntry => ({
  order: {
    orderId: document._id,
    sellerId: document.sellerId,
    status: document.status,
    revision: document.revision,
    sourceRevision: document.sourceRevision,
    items: document.items.map(itemFromDocument),
    ...((document.appliedCancellations ?? []).length === 0
      ? {}
      : {
          appliedCancellations: (document.appliedCancellations ?? []).map((applied) => ({
            cancellationId: applied.cancellationId,
            items: applied.items.map(unitsFromDocument),
          })),
        }),
    ...((document.reflectedCancellationIds ?? []).length === 0
      ? {}
      : { reflectedCancellationIds: [...(document.reflectedCancellationIds ?? [])] }),
  },
  rememberedRequests: [...document.rememberedRequests, ...(document.rememberedRefusals ?? [])].map(
    rememberedFromDocument,
  ),
  pendingRecords: (document.pendingRecords ?? []).map(recordFromDocument),
});
