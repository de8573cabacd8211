/** Valid events to start from; each test changes only what it is about. */
import type { DeliveryDeadLetterV1, OrderCancelledV1, OrderLifecycleV1 } from '../src/index.ts';

export const anOrderCancelled = (overrides: Partial<OrderCancelledV1> = {}): OrderCancelledV1 => ({
  schemaVersion: 1,
  eventId: '3f0b6a8e-2c4d-4e1f-9a7b-5c6d7e8f9a0b',
  occurredAt: '2025-06-01T12:00:00.000Z',
  source: 'customer',
  orderId: 'SO-1',
  sellerId: 'seller-1',
  items: [{ orderItemId: 'SO-1-1', productId: 'P-1', variantId: 'V-1', quantity: 1 }],
  reason: 'Changed my mind',
  ...overrides,
});

type Snapshot = OrderLifecycleV1['order'];

export const anOrderLifecycle = (
  overrides: Partial<OrderLifecycleV1> = {},
  order: Partial<Snapshot> = {},
): OrderLifecycleV1 => ({
  schemaVersion: 1,
  eventId: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
  type: 'order.created',
  occurredAt: '2025-06-01T11:00:00Z',
  order: {
    orderId: 'SO-1',
    sellerId: 'seller-1',
    status: 'CREATED',
    revision: 1,
    items: [{ orderItemId: 'SO-1-1', productId: 'P-1', variantId: 'V-1', quantity: 2, status: 'CREATED' }],
    ...order,
  },
  ...overrides,
});

/** The event as JSON with one property replaced or (when `value` is undefined) removed. */
export const jsonWith = (event: object, path: readonly (string | number)[], value: unknown): string => {
  const copy: unknown = JSON.parse(JSON.stringify(event));
  let target = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  const last = path.at(-1);
  if (last === undefined) throw new Error('empty path');
  if (value === undefined) delete target[last];
  else target[last] = value;
  return JSON.stringify(copy);
};

export const aDeliveryDeadLetter = (overrides: Partial<DeliveryDeadLetterV1> = {}): DeliveryDeadLetterV1 => ({
  schemaVersion: 1,
  eventId: '3f0b6a8e-2c4d-4e1f-9a7b-5c6d7e8f9a0b',
  code: 'DELIVERY_GAVE_UP',
  reason: 'gave up after 8 attempts',
  orderId: 'SO-1',
  sellerId: 'seller-1',
  source: 'customer',
  request: {
    saleOrderCode: 'SO-1',
    cancelledSkuCodes: [{ quantity: 1, productId: 'P-1', variantId: 'V-1' }],
    cancellationReason: 'Changed my mind',
  },
  attempts: 8,
  unknownOutcomes: 1,
  createdAt: '2025-06-01T12:00:00.000Z',
  failedAt: '2025-06-01T12:00:05.000Z',
  ...overrides,
});
