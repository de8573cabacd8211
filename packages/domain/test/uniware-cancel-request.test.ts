import { describe, expect, it } from 'vitest';
import { type OrderCancelled, toUniwareCancelRequest } from '../src/index.ts';

const anEvent = (items: OrderCancelled['items']): OrderCancelled => ({
  eventId: 'e-1',
  occurredAt: '2026-11-22T10:00:00.000Z',
  source: 'customer',
  orderId: 'SO-9',
  sellerId: 'seller-1',
  items,
  reason: 'customer changed their mind',
});

describe("an order.cancelled event as Uniware's cancel request", () => {
  it('maps the order, every SKU and the reason', () => {
    const request = toUniwareCancelRequest(
      anEvent([
        { orderItemId: 'i-1', productId: 'p-1', variantId: 'v-1', quantity: 1 },
        { productId: 'p-2', variantId: 'v-2', quantity: 2 },
      ]),
    );
    expect(request).toEqual({
      saleOrderCode: 'SO-9',
      cancelledSkuCodes: [
        { quantity: 1, productId: 'p-1', variantId: 'v-1' },
        { quantity: 2, productId: 'p-2', variantId: 'v-2' },
      ],
      cancellationReason: 'customer changed their mind',
    });
  });

  it('merges lines of the same product and variant, keeping different variants apart', () => {
    const request = toUniwareCancelRequest(
      anEvent([
        { orderItemId: 'i-1', productId: 'p-1', variantId: 'v-1', quantity: 1 },
        { orderItemId: 'i-2', productId: 'p-1', variantId: 'v-2', quantity: 1 },
        { orderItemId: 'i-3', productId: 'p-1', variantId: 'v-1', quantity: 4 },
      ]),
    );
    expect(request.cancelledSkuCodes).toEqual([
      { quantity: 5, productId: 'p-1', variantId: 'v-1' },
      { quantity: 1, productId: 'p-1', variantId: 'v-2' },
    ]);
  });

  it('does not confuse ids that only collide when concatenated', () => {
    const request = toUniwareCancelRequest(
      anEvent([
        { productId: 'a-b', variantId: 'c', quantity: 1 },
        { productId: 'a', variantId: 'b-c', quantity: 1 },
      ]),
    );
    expect(request.cancelledSkuCodes).toHaveLength(2);
  });
});
