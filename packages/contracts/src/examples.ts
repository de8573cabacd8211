/** One valid example of each record, shown in the AsyncAPI document and checked by the tests. */
import type { DeadLetterHeadersV1 } from './dead-letter.ts';
import { deadLetterHeaders } from './dead-letter.ts';
import {
  type DeliveryDeadLetterHeadersV1,
  type DeliveryDeadLetterV1,
  deliveryDeadLetterHeaders,
} from './delivery-dead-letter.ts';
import type { OrderCancelledV1 } from './order-cancelled.ts';
import type { OrderLifecycleV1 } from './order-lifecycle.ts';

export const ORDER_CANCELLED_EXAMPLE: OrderCancelledV1 = {
  schemaVersion: 1,
  eventId: '0b8f3c5e-6a1d-4f7e-9c2b-3d4e5f6a7b8c',
  occurredAt: '2025-03-14T09:26:53.589Z',
  source: 'customer',
  orderId: 'SO-1042',
  sellerId: 'seller-7',
  items: [
    { orderItemId: 'SO-1042-1', productId: 'P-100', variantId: 'V-100-RED-M', quantity: 1 },
    { productId: 'P-200', variantId: 'V-200-STD', quantity: 2 },
  ],
  reason: 'Ordered by mistake',
};

export const ORDER_CANCELLED_FROM_UNICOMMERCE_EXAMPLE: OrderCancelledV1 = {
  ...ORDER_CANCELLED_EXAMPLE,
  eventId: '7d2e9a41-0c3b-4e58-a6f1-92b4c8d0e3f5',
  source: 'unicommerce',
  items: [{ orderItemId: 'SO-1042-1', productId: 'P-100', variantId: 'V-100-RED-M', quantity: 1 }],
  reason: 'Out of stock at the warehouse',
};

export const ORDER_LIFECYCLE_EXAMPLE: OrderLifecycleV1 = {
  schemaVersion: 1,
  eventId: 'c4a1e2b3-5d6f-4a7b-8c9d-0e1f2a3b4c5d',
  type: 'order.updated',
  occurredAt: '2025-03-14T09:20:00Z',
  order: {
    orderId: 'SO-1042',
    sellerId: 'seller-7',
    status: 'CREATED',
    revision: 3,
    items: [
      {
        orderItemId: 'SO-1042-1',
        productId: 'P-100',
        variantId: 'V-100-RED-M',
        quantity: 2,
        cancelledQuantity: 0,
        status: 'CREATED',
      },
      {
        orderItemId: 'SO-1042-2',
        productId: 'P-200',
        variantId: 'V-200-STD',
        quantity: 2,
        status: 'CREATED',
      },
    ],
  },
};

/** An order.cancelled value refused for a fractional quantity. */
export const DEAD_LETTER_VALUE_EXAMPLE = JSON.stringify({
  ...ORDER_CANCELLED_EXAMPLE,
  items: [{ productId: 'P-100', variantId: 'V-100-RED-M', quantity: 1.5 }],
});

export const DEAD_LETTER_HEADERS_EXAMPLE: DeadLetterHeadersV1 = deadLetterHeaders({
  reason: '/items/0/quantity: Expected integer',
  code: 'SCHEMA_VIOLATION',
  sourceTopic: 'order.cancelled',
  sourcePartition: 3,
  sourceOffset: '18442',
  failedAt: new Date('2025-03-14T09:27:01.004Z'),
});

/** The cancellation of ORDER_CANCELLED_EXAMPLE, refused by Uniware because the SKU was dispatched. */
export const DELIVERY_DEAD_LETTER_EXAMPLE: DeliveryDeadLetterV1 = {
  schemaVersion: 1,
  eventId: ORDER_CANCELLED_EXAMPLE.eventId,
  code: 'UNIWARE_REJECTED',
  reason: 'Uniware: Sale order item SO-1042-1 is already dispatched',
  orderId: ORDER_CANCELLED_EXAMPLE.orderId,
  sellerId: ORDER_CANCELLED_EXAMPLE.sellerId,
  source: ORDER_CANCELLED_EXAMPLE.source,
  request: {
    saleOrderCode: ORDER_CANCELLED_EXAMPLE.orderId,
    cancelledSkuCodes: [
      { quantity: 1, productId: 'P-100', variantId: 'V-100-RED-M' },
      { quantity: 2, productId: 'P-200', variantId: 'V-200-STD' },
    ],
    cancellationReason: ORDER_CANCELLED_EXAMPLE.reason,
  },
  attempts: 1,
  unknownOutcomes: 0,
  createdAt: '2025-03-14T09:26:54.120Z',
  firstAttemptAt: '2025-03-14T09:26:54.310Z',
  failedAt: '2025-03-14T09:26:55.002Z',
};

export const DELIVERY_DEAD_LETTER_HEADERS_EXAMPLE: DeliveryDeadLetterHeadersV1 = deliveryDeadLetterHeaders({
  reason: DELIVERY_DEAD_LETTER_EXAMPLE.reason,
  code: DELIVERY_DEAD_LETTER_EXAMPLE.code,
  sourceTopic: 'order.cancelled',
  failedAt: new Date(DELIVERY_DEAD_LETTER_EXAMPLE.failedAt),
});
