/** Valid events to start from; each test changes only what it is about. */
import { randomUUID } from 'node:crypto';
import type { DeliveryJob } from '@cancel-sync/application';
import type { OrderLifecycleV1 } from '@cancel-sync/contracts';
import type { OrderCancelled } from '@cancel-sync/domain';

export const anOrderCancelled = (overrides: Partial<OrderCancelled> = {}): OrderCancelled => ({
  eventId: randomUUID(),
  occurredAt: '2025-06-01T12:00:00.000Z',
  source: 'customer',
  orderId: 'SO-1',
  sellerId: 'seller-1',
  items: [
    { orderItemId: 'SO-1-1', productId: 'P-1', variantId: 'V-1', quantity: 1 },
    { productId: 'P-2', variantId: 'V-2', quantity: 2 },
  ],
  reason: 'Changed my mind',
  ...overrides,
});

export const anOrderLifecycle = (order: Partial<OrderLifecycleV1['order']> = {}): OrderLifecycleV1 => ({
  schemaVersion: 1,
  eventId: randomUUID(),
  type: 'order.updated',
  occurredAt: '2025-06-01T11:00:00Z',
  order: {
    orderId: 'SO-1',
    sellerId: 'seller-1',
    status: 'CREATED',
    revision: 3,
    items: [
      { orderItemId: 'SO-1-1', productId: 'P-1', variantId: 'V-1', quantity: 2, status: 'CREATED' },
      {
        orderItemId: 'SO-1-2',
        productId: 'P-2',
        variantId: 'V-2',
        quantity: 1,
        cancelledQuantity: 1,
        status: 'CANCELLED',
      },
    ],
    ...order,
  },
});

export const aDeliveryJob = (overrides: Partial<DeliveryJob> = {}): DeliveryJob => ({
  jobId: randomUUID(),
  orderId: 'SO-7',
  sellerId: 'seller-7',
  source: 'marketplace',
  request: {
    saleOrderCode: 'SO-7',
    cancelledSkuCodes: [{ quantity: 3, productId: 'P-1', variantId: 'V-1' }],
    cancellationReason: 'Out of stock',
  },
  lines: [{ orderItemId: 'SO-7-1', productId: 'P-1', variantId: 'V-1', quantity: 3 }],
  ledger: 'accepted',
  sequence: 42,
  createdAt: new Date('2025-06-01T12:00:00.000Z'),
  state: 'pending',
  attempts: 5,
  unknownOutcomes: 1,
  attemptLog: [
    {
      attempt: 1,
      owner: 'instance-a',
      startedAt: new Date('2025-06-01T12:00:01.000Z'),
      endedAt: new Date('2025-06-01T12:00:02.000Z'),
      answer: { verdict: 'retryable', httpStatus: 503, message: 'HTTP 503 from Uniware' },
    },
  ],
  deadLetters: [],
  nextAttemptAt: new Date('2025-06-01T12:10:00.000Z'),
  lastError: 'HTTP 503 from Uniware',
  ...overrides,
});
