/** How a cancellation record is stored: one `cancellation_records` document per request. */
import type { CancellationRecord } from '@cancel-sync/application';
import type { CancellationSource, CancellationStatus, RefusalCode } from '@cancel-sync/domain';
import { optional } from '../optional.ts';

export interface CancelLineDocument {
  orderItemId?: string;
  productId: string;
  variantId: string;
  quantity: number;
}

export interface RecordLineDocument {
  line: CancelLineDocument;
  outcome: 'APPLIED' | RefusalCode;
  message?: string;
}

export interface CancellationRecordDocument {
  /** The record id. */
  _id: string;
  /** The request's `X-Request-Id`; absent on records written when the request id was the `_id`. */
  requestId?: string;
  sellerId: string;
  orderId: string;
  source: CancellationSource;
  receivedAt: Date;
  idempotencyKey?: string;
  replayOf?: string;
  status: CancellationStatus;
  lines: RecordLineDocument[];
}

/** A recorded line is stored as it is, without the optional fields it does not have. */
const copyLine = ({ line, outcome, message }: RecordLineDocument): RecordLineDocument => ({
  line: {
    ...optional('orderItemId', line.orderItemId),
    productId: line.productId,
    variantId: line.variantId,
    quantity: line.quantity,
  },
  outcome,
  ...optional('message', message),
});

export const toDocument = (record: CancellationRecord): CancellationRecordDocument => ({
  _id: record.recordId,
  requestId: record.requestId,
  sellerId: record.sellerId,
  orderId: record.orderId,
  source: record.source,
  receivedAt: record.receivedAt,
  ...optional('idempotencyKey', record.idempotencyKey),
  ...optional('replayOf', record.replayOf),
  status: record.status,
  lines: record.lines.map(copyLine),
});

export const fromDocument = (document: CancellationRecordDocument): CancellationRecord => ({
  recordId: document._id,
  requestId: document.requestId ?? document._id,
  sellerId: document.sellerId,
  orderId: document.orderId,
  source: document.source,
  receivedAt: document.receivedAt,
  ...optional('idempotencyKey', document.idempotencyKey),
  ...optional('replayOf', document.replayOf),
  status: document.status,
  lines: document.lines.map(copyLine),
});
