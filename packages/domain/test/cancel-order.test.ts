import { describe, expect, it } from 'vitest';
import { type CancellationDecision, decideCancellation, type RefusalCode, summarize } from '../src/index.ts';
import { aCommand, aLineFor, anItem, anOrder } from '../src/testing/index.ts';

const refusalCodes = (decision: CancellationDecision): (RefusalCode | 'applied')[] =>
  decision.outcomes.map((outcome) => (outcome.applied ? 'applied' : outcome.refusal.code));

describe('cancelling units of an order', () => {
  it('applies a line: the units are cancelled, the revision bumped and the event announced', () => {
    // Given an order with one item of 3 units
    const item = anItem({ quantity: 3 });
    const order = anOrder({ items: [item], revision: 7 });
    // When 2 units are cancelled
    const decision = decideCancellation(order, aCommand(order, [aLineFor(item, 2)]));
    // Then the item keeps 1 unit, stays CREATED, and the order moves to revision 8
    expect(refusalCodes(decision)).toEqual(['applied']);
    expect(decision.order?.items[0]).toMatchObject({ cancelledQuantity: 2, status: 'CREATED' });
    expect(decision.order).toMatchObject({ status: 'CREATED', revision: 8 });
    expect(decision.event).toEqual({
      eventId: '00000000-0000-4000-8000-000000000001',
      occurredAt: '2026-11-22T10:00:00.000Z',
      source: 'unicommerce',
      orderId: 'SO-1',
      sellerId: 'seller-1',
      items: [{ orderItemId: 'item-1', productId: 'prod-1', variantId: 'var-1', quantity: 2 }],
      reason: 'cancelled by the seller in Uniware',
    });
  });

  it('cancels the item when its last unit goes, and the order when its last item goes', () => {
    const first = anItem({ orderItemId: 'a', quantity: 2, cancelledQuantity: 1 });
    const second = anItem({ orderItemId: 'b', productId: 'prod-2', quantity: 1 });
    const order = anOrder({ items: [first, second] });

    const partly = decideCancellation(order, aCommand(order, [aLineFor(first, 1)]));
    expect(partly.order?.items.map((item) => item.status)).toEqual(['CANCELLED', 'CREATED']);
    expect(partly.order?.status).toBe('CREATED');

    const fully = decideCancellation(order, aCommand(order, [aLineFor(first, 1), aLineFor(second, 1)]));
    expect(fully.order?.items.map((item) => item.status)).toEqual(['CANCELLED', 'CANCELLED']);
    expect(fully.order?.status).toBe('CANCELLED');
  });

  it('cancels a PENDING_VERIFICATION order like a CREATED one', () => {
    const order = anOrder({ status: 'PENDING_VERIFICATION' });
    const decision = decideCancellation(order, aCommand(order, [aLineFor(anItem(), 1)]));
    expect(refusalCodes(decision)).toEqual(['applied']);
  });

  it('a refused line does not stop the others', () => {
    const good = anItem({ orderItemId: 'good', quantity: 2 });
    const delivered = anItem({ orderItemId: 'gone', status: 'DELIVERED' });
    const order = anOrder({ items: [good, delivered] });
    const decision = decideCancellation(
      order,
      aCommand(order, [
        aLineFor(delivered, 1),
        aLineFor(good, 2),
        { ...aLineFor(good), orderItemId: 'nope' },
      ]),
    );
    expect(refusalCodes(decision)).toEqual(['ITEM_NOT_CANCELLABLE', 'applied', 'ITEM_NOT_FOUND']);
    expect(decision.event?.items).toEqual([aLineFor(good, 2)]);
    expect(summarize(decision.outcomes).status).toBe('PARTIAL_SUCCESS');
  });

  it('changes nothing and announces nothing when every line is refused', () => {
    const order = anOrder();
    const decision = decideCancellation(order, aCommand(order, [aLineFor(anItem(), 99)]));
    expect(decision.order).toBeUndefined();
    expect(decision.event).toBeUndefined();
  });

  it('allocates a line without an item id over the matching items, oldest first', () => {
    const older = anItem({ orderItemId: 'a', quantity: 2, cancelledQuantity: 1 });
    const newer = anItem({ orderItemId: 'b', quantity: 5 });
    const order = anOrder({ items: [older, newer] });
    const decision = decideCancellation(
      order,
      aCommand(order, [{ productId: 'prod-1', variantId: 'var-1', quantity: 3 }], { source: 'customer' }),
    );
    expect(decision.event?.items).toEqual([
      { orderItemId: 'a', productId: 'prod-1', variantId: 'var-1', quantity: 1 },
      { orderItemId: 'b', productId: 'prod-1', variantId: 'var-1', quantity: 2 },
    ]);
    expect(decision.order?.items.map((item) => item.cancelledQuantity)).toEqual([2, 2]);
  });
});

describe('refusals, one per code', () => {
  const item = anItem({ quantity: 3 });
  const order = anOrder({ items: [item] });

  const refusalOf = (decision: CancellationDecision) => {
    const [outcome] = decision.outcomes;
    if (outcome === undefined || outcome.applied) throw new Error('expected a refused line');
    return outcome.refusal;
  };

  it('ORDER_NOT_FOUND when there is no such order', () => {
    const refusal = refusalOf(decideCancellation(undefined, aCommand(order, [aLineFor(item)])));
    expect(refusal).toEqual({ code: 'ORDER_NOT_FOUND', message: 'order SO-1 not found' });
  });

  it("ORDER_NOT_FOUND, with the same message, for another seller's order", () => {
    const refusal = refusalOf(
      decideCancellation(order, aCommand(order, [aLineFor(item)], { sellerId: 'seller-2' })),
    );
    expect(refusal).toEqual({ code: 'ORDER_NOT_FOUND', message: 'order SO-1 not found' });
  });

  it.each(['COMPLETE', 'CANCELLED'] as const)('ORDER_NOT_CANCELLABLE when the order is %s', (status) => {
    const closed = anOrder({ status, items: [item] });
    const refusal = refusalOf(decideCancellation(closed, aCommand(closed, [aLineFor(item)])));
    expect(refusal.code).toBe('ORDER_NOT_CANCELLABLE');
    expect(refusal.message).toContain(status);
  });

  it('ITEM_NOT_FOUND when the order has no such item', () => {
    const refusal = refusalOf(
      decideCancellation(order, aCommand(order, [{ ...aLineFor(item), orderItemId: 'x' }])),
    );
    expect(refusal).toEqual({ code: 'ITEM_NOT_FOUND', message: 'order item x not found in the order' });
  });

  it('ITEM_NOT_FOUND when no item has the product and variant of a line without an item id', () => {
    const line = { productId: 'other', variantId: 'var-1', quantity: 1 };
    expect(refusalOf(decideCancellation(order, aCommand(order, [line]))).code).toBe('ITEM_NOT_FOUND');
  });

  it.each([
    ['product', { productId: 'prod-9' }],
    ['variant', { variantId: 'var-9' }],
  ])('ITEM_MISMATCH when the %s does not match the item', (_, change) => {
    const refusal = refusalOf(decideCancellation(order, aCommand(order, [{ ...aLineFor(item), ...change }])));
    expect(refusal.code).toBe('ITEM_MISMATCH');
    expect(refusal.message).toContain('item-1');
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])(
    'INVALID_QUANTITY for %s',
    (quantity) => {
      const refusal = refusalOf(decideCancellation(order, aCommand(order, [aLineFor(item, quantity)])));
      expect(refusal.code).toBe('INVALID_QUANTITY');
    },
  );

  it('QUANTITY_EXCEEDS_CANCELLABLE when more units are asked than remain', () => {
    const partly = anOrder({ items: [anItem({ quantity: 3, cancelledQuantity: 2 })] });
    const refusal = refusalOf(decideCancellation(partly, aCommand(partly, [aLineFor(item, 2)])));
    expect(refusal).toEqual({
      code: 'QUANTITY_EXCEEDS_CANCELLABLE',
      message: 'cannot cancel 2 unit(s) of item-1: only 1 unit(s) can still be cancelled',
    });
  });

  it.each(['DISPATCHED', 'DELIVERED', 'RETURN_REQUESTED', 'COURIER_RETURN', 'CANCELLED'] as const)(
    'ITEM_NOT_CANCELLABLE when the item is %s',
    (status) => {
      const other = anItem({ orderItemId: 'other' });
      const withItem = anOrder({ items: [anItem({ status }), other] });
      const refusal = refusalOf(decideCancellation(withItem, aCommand(withItem, [aLineFor(item)])));
      expect(refusal.code).toBe('ITEM_NOT_CANCELLABLE');
    },
  );

  it('DUPLICATE_ITEM for every line naming an item more than once, applying the rest', () => {
    const other = anItem({ orderItemId: 'other', productId: 'prod-2' });
    const twoItems = anOrder({ items: [item, other] });
    const decision = decideCancellation(
      twoItems,
      aCommand(twoItems, [aLineFor(item, 1), aLineFor(other, 1), aLineFor(item, 1)]),
    );
    expect(refusalCodes(decision)).toEqual(['DUPLICATE_ITEM', 'applied', 'DUPLICATE_ITEM']);
    expect(decision.order?.items[0]?.cancelledQuantity).toBe(0);
  });
});
