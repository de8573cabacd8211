/** Object mothers: valid test data by default; a test states only what it cares about. */
import type { Seller } from '@cancel-sync/application';
import type { Order, OrderItem } from '@cancel-sync/domain';

export const PASSWORD = 'correct-horse-battery';

export const aSeller = (overrides: Partial<Seller> = {}): Seller => ({
  sellerId: 'seller-1',
  username: 'uniware-seller-1',
  uniwareMerchantId: 'merchant-1',
  passwordHash: `hashed(${PASSWORD})`,
  createdAt: new Date('2026-01-01T00:00:00.000Z'),
  passwordChangedAt: new Date('2026-01-01T00:00:00.000Z'),
  ...overrides,
});

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

export interface CancelLineBody {
  orderItemId: string;
  productId: string;
  variantId: string;
  quantity: number;
}

/** A request line cancelling `quantity` units of `item`, as Uniware sends it. */
export const aLineFor = (item: OrderItem, quantity = 1): CancelLineBody => ({
  orderItemId: item.orderItemId,
  productId: item.productId,
  variantId: item.variantId,
  quantity,
});

export const aCancelBody = (order: Pick<Order, 'orderId'>, lines: readonly CancelLineBody[]) => ({
  orderId: order.orderId,
  orderItems: [...lines],
});
