import type { Order, OrderCancelled } from '@cancel-sync/domain';
import type { Seller } from '../src/index.ts';

export const anOrder = (overrides: Partial<Order> = {}): Order => ({
  orderId: 'SO-1',
  sellerId: 'seller-1',
  status: 'CREATED',
  revision: 1,
  sourceRevision: 1,
  items: [
    {
      orderItemId: 'item-1',
      productId: 'p-1',
      variantId: 'v-1',
      quantity: 10,
      cancelledQuantity: 0,
      status: 'CREATED',
    },
  ],
  ...overrides,
});

export const aSeller = (overrides: Partial<Seller> = {}): Seller => ({
  sellerId: 'seller-1',
  username: 'uniware-seller-1',
  uniwareMerchantId: 'merchant-1',
  passwordHash: 'hashed(correct horse battery)',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  passwordChangedAt: new Date('2026-01-01T00:00:00Z'),
  ...overrides,
});

export const anEvent = (overrides: Partial<OrderCancelled> = {}): OrderCancelled => ({
  eventId: '11111111-1111-4111-8111-111111111111',
  occurredAt: '2026-11-22T09:59:00.000Z',
  source: 'customer',
  orderId: 'SO-1',
  sellerId: 'seller-1',
  items: [{ orderItemId: 'item-1', productId: 'p-1', variantId: 'v-1', quantity: 2 }],
  reason: 'customer changed their mind',
  ...overrides,
});
