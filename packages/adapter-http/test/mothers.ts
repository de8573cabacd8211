/** Object mothers: valid test data by default; a test states only what it cares about. */
import type { Seller } from '@cancel-sync/application';

import type { Order, OrderItem } from '@cancel-sync/domain';

export { anItem, anOrder } from '@cancel-sync/domain/testing';

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
