/** Object mothers: small builders of valid domain data for tests of any package; a test states only what it cares about. */
import type { CancelLine, CancelOrder, Order, OrderItem } from '../index.ts';

export const anItem = (overrides: Partial<OrderItem> = {}): OrderItem => ({
  orderItemId: 'item-1',
  productId: 'prod-1',
  variantId: 'var-1',
  quantity: 3,
  cancelledQuantity: 0,
  status: 'CREATED',
  ...overrides,
});

export const anOrder = (overrides: Partial<Order> = {}): Order => ({
  orderId: 'SO-1',
  sellerId: 'seller-1',
  status: 'CREATED',
  revision: 1,
  sourceRevision: 1,
  items: [anItem()],
  ...overrides,
});

/** A line cancelling `quantity` units of the given item, matching its product and variant. */
export const aLineFor = (item: OrderItem, quantity = 1): CancelLine => ({
  orderItemId: item.orderItemId,
  productId: item.productId,
  variantId: item.variantId,
  quantity,
});

export const aCommand = (
  order: Order,
  lines: readonly CancelLine[],
  overrides: Partial<CancelOrder> = {},
): CancelOrder => ({
  sellerId: order.sellerId,
  orderId: order.orderId,
  lines,
  source: 'unicommerce',
  reason: 'cancelled by the seller in Uniware',
  eventId: '00000000-0000-4000-8000-000000000001',
  at: new Date('2026-11-22T10:00:00.000Z'),
  ...overrides,
});
