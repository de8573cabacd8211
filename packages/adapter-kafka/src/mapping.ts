/**
 * The only place where contract shapes (what travels on Kafka) and domain shapes meet. The
 * contracts carry a `schemaVersion`; the domain never sees it.
 */
import type { DeliveryJob, StoredDeadLetter } from '@cancel-sync/application';
import {
  type DeliveryDeadLetterV1,
  type OrderCancelledV1,
  type OrderLifecycleV1,
  truncateReason,
} from '@cancel-sync/contracts';
import type { CancelledUnits, OrderCancelled, OrderSnapshot } from '@cancel-sync/domain';

const cancelledUnits = ({ orderItemId, productId, variantId, quantity }: CancelledUnits): CancelledUnits => ({
  ...(orderItemId === undefined ? {} : { orderItemId }),
  productId,
  variantId,
  quantity,
});

export const toOrderCancelled = (event: OrderCancelledV1): OrderCancelled => ({
  eventId: event.eventId,
  occurredAt: event.occurredAt,
  source: event.source,
  orderId: event.orderId,
  sellerId: event.sellerId,
  items: event.items.map(cancelledUnits),
  reason: event.reason,
});

export const toOrderCancelledV1 = (event: OrderCancelled): OrderCancelledV1 => ({
  schemaVersion: 1,
  eventId: event.eventId,
  occurredAt: event.occurredAt,
  source: event.source,
  orderId: event.orderId,
  sellerId: event.sellerId,
  items: event.items.map(cancelledUnits),
  reason: event.reason,
});

export const toOrderSnapshot = ({ order }: OrderLifecycleV1): OrderSnapshot => ({
  orderId: order.orderId,
  sellerId: order.sellerId,
  status: order.status,
  revision: order.revision,
  items: order.items.map((line) => ({
    orderItemId: line.orderItemId,
    productId: line.productId,
    variantId: line.variantId,
    quantity: line.quantity,
    ...(line.cancelledQuantity === undefined ? {} : { cancelledQuantity: line.cancelledQuantity }),
    status: line.status,
  })),
  ...(order.cancellationIds === undefined ? {} : { cancellationIds: order.cancellationIds }),
});

export const toDeliveryDeadLetterV1 = (job: DeliveryJob, letter: StoredDeadLetter): DeliveryDeadLetterV1 => {
  const firstAttemptAt = job.attemptLog[0]?.startedAt;
  return {
    schemaVersion: 1,
    eventId: job.jobId,
    code: letter.code,
    reason: truncateReason(letter.reason),
    orderId: job.orderId,
    sellerId: job.sellerId,
    source: job.source,
    request: {
      saleOrderCode: job.request.saleOrderCode,
      cancelledSkuCodes: job.request.cancelledSkuCodes.map(({ quantity, productId, variantId }) => ({
        quantity,
        productId,
        variantId,
      })),
      cancellationReason: job.request.cancellationReason,
    },
    attempts: job.attempts,
    unknownOutcomes: job.unknownOutcomes,
    ...(job.lastError === undefined ? {} : { lastError: truncateReason(job.lastError) }),
    createdAt: job.createdAt.toISOString(),
    ...(firstAttemptAt === undefined ? {} : { firstAttemptAt: firstAttemptAt.toISOString() }),
    ...(job.attemptLog.length === 0
      ? {}
      : {
          attemptLog: job.attemptLog.map((record) => ({
            attempt: record.attempt,
            startedAt: record.startedAt.toISOString(),
            ...(record.endedAt === undefined ? {} : { endedAt: record.endedAt.toISOString() }),
            outcome: record.answer?.verdict ?? 'unknown',
            ...(record.answer?.httpStatus === undefined ? {} : { httpStatus: record.answer.httpStatus }),
            ...(record.answer?.message === undefined
              ? {}
              : { message: truncateReason(record.answer.message) }),
          })),
        }),
    ...(letter.refusedLines === undefined
      ? {}
      : {
          refusedLines: letter.refusedLines.map(({ line, code, message }) => ({
            ...(line.orderItemId === undefined ? {} : { orderItemId: line.orderItemId }),
            productId: line.productId,
            variantId: line.variantId,
            quantity: line.quantity,
            code,
            message: truncateReason(message),
          })),
        }),
    failedAt: letter.at.toISOString(),
  };
};
