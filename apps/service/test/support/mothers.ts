import { randomUUID } from 'node:crypto';
import type { Order, OrderItem } from '@cancel-sync/domain';

export const anItem = (overrides: Partial<OrderItem> = {}): OrderItem => ({
  orderItemId: 'item-1',
  productId: 'prod-1',
  variantId: 'var-1',
  quantity: 10,
  cancelledQuantity: 0,
  status: 'CREATED',
  ...overrides,
});

export const anOrder = (overrides: Partial<Order> = {}): Order => ({
  orderId: `SO-${randomUUID().slice(0, 8)}`,
  sellerId: 'seller-1',
  status: 'CREATED',
  revision: 1,
  sourceRevision: 1,
  items: [anItem()],
  ...overrides,
});

/** An `order.cancelled` event as a marketplace service publishes it (contract v1). */
export const aCancelledEvent = (overrides: Record<string, unknown> = {}) => ({
  schemaVersion: 1,
  eventId: randomUUID(),
  occurredAt: new Date().toISOString(),
  source: 'customer',
  orderId: `SO-${randomUUID().slice(0, 8)}`,
  sellerId: 'seller-1',
  items: [{ orderItemId: 'item-1', productId: 'prod-1', variantId: 'var-1', quantity: 1 }],
  reason: 'customer changed their mind',
  ...overrides,
});

/** An `order.lifecycle` snapshot of a one-item order as the order service publishes it (contract v1). */
export const aLifecycleSnapshot = (
  orderId: string,
  { quantity = 2, cancelledQuantity = 0 }: { quantity?: number; cancelledQuantity?: number } = {},
) => ({
  schemaVersion: 1,
  eventId: randomUUID(),
  type: 'order.created',
  occurredAt: new Date().toISOString(),
  order: {
    orderId,
    sellerId: 'seller-1',
    status: 'CREATED',
    revision: 1,
    items: [
      {
        orderItemId: 'item-1',
        productId: 'prod-1',
        variantId: 'var-1',
        quantity,
        cancelledQuantity,
        status: 'CREATED',
      },
    ],
  },
});
