import { describe, expect, it } from 'vitest';
import { applySnapshot, type OrderSnapshot } from '../src/index.ts';
import { anItem, anOrder } from '../src/testing/index.ts';

const aSnapshot = (overrides: Partial<OrderSnapshot> = {}): OrderSnapshot => ({
  orderId: 'SO-1',
  sellerId: 'seller-1',
  status: 'CREATED',
  revision: 2,
  items: [{ orderItemId: 'item-1', productId: 'prod-1', variantId: 'var-1', quantity: 3, status: 'CREATED' }],
  ...overrides,
});

describe('building the ledger from the order feed', () => {
  it('creates an order from its first snapshot', () => {
    const decision = applySnapshot(undefined, aSnapshot({ revision: 1 }));
    expect(decision).toEqual({
      applied: true,
      order: anOrder({ revision: 1, sourceRevision: 1, items: [anItem({ quantity: 3 })] }),
    });
  });

  it('replaces the order with a newer snapshot and bumps our own revision', () => {
    const current = anOrder({ revision: 4, sourceRevision: 1 });
    const decision = applySnapshot(current, aSnapshot({ revision: 2, status: 'COMPLETE' }));
    expect(decision).toMatchObject({
      applied: true,
      order: { status: 'COMPLETE', revision: 5, sourceRevision: 2 },
    });
  });

  it.each([1, 2])(
    'ignores a snapshot of revision %i when revision 2 was applied (duplicate or older)',
    (revision) => {
      const current = anOrder({ sourceRevision: 2 });
      expect(applySnapshot(current, aSnapshot({ revision }))).toEqual({ applied: false, reason: 'stale' });
    },
  );

  it('keeps units this service cancelled that the snapshot has not caught up with', () => {
    const current = anOrder({ items: [anItem({ quantity: 3, cancelledQuantity: 3, status: 'CANCELLED' })] });
    const decision = applySnapshot(current, aSnapshot({ revision: 5 }));
    expect(decision).toMatchObject({
      applied: true,
      order: { status: 'CANCELLED', items: [{ cancelledQuantity: 3, status: 'CANCELLED' }] },
    });
  });

  it('never records more cancelled units than were ordered', () => {
    const snapshot = aSnapshot({
      items: [
        {
          orderItemId: 'item-1',
          productId: 'p',
          variantId: 'v',
          quantity: 2,
          cancelledQuantity: 9,
          status: 'CREATED',
        },
      ],
    });
    const decision = applySnapshot(undefined, snapshot);
    expect(decision.applied && decision.order.items[0]?.cancelledQuantity).toBe(2);
  });
});
