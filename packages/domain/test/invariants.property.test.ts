import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CancelLine,
  decideCancellation,
  ORDER_ITEM_STATUSES,
  ORDER_STATUSES,
  type Order,
  type OrderItem,
  summarize,
} from '../src/index.ts';
import { aCommand } from '../src/testing/index.ts';

const RUNS = { numRuns: 1000 };

const itemArbitrary = (index: number): fc.Arbitrary<OrderItem> =>
  fc
    .record({
      quantity: fc.integer({ min: 1, max: 6 }),
      cancelledRatio: fc.double({ min: 0, max: 1, noNaN: true }),
      status: fc.constantFrom(...ORDER_ITEM_STATUSES),
      productId: fc.constantFrom('p-1', 'p-2'),
    })
    .map(({ quantity, cancelledRatio, status, productId }) => {
      const cancelledQuantity = Math.floor(quantity * cancelledRatio);
      return {
        orderItemId: `item-${index}`,
        productId,
        variantId: 'v',
        quantity,
        cancelledQuantity,
        status: cancelledQuantity === quantity ? 'CANCELLED' : status,
      };
    });

const orderArbitrary: fc.Arbitrary<Order> = fc
  .integer({ min: 1, max: 5 })
  .chain((count) => fc.tuple(...Array.from({ length: count }, (_, index) => itemArbitrary(index))))
  .chain((items) =>
    fc.constantFrom(...ORDER_STATUSES).map((status) => ({
      orderId: 'SO-1',
      sellerId: 'seller-1',
      status,
      revision: 1,
      sourceRevision: 1,
      items,
    })),
  );

/** Lines that mostly name real items, sometimes unknown ones, with valid and invalid quantities. */
const linesArbitrary = (order: Order): fc.Arbitrary<CancelLine[]> => {
  const line = fc.record({
    item: fc.constantFrom(...order.items, undefined),
    byProduct: fc.boolean(),
    quantity: fc.oneof(fc.integer({ min: -1, max: 7 }), fc.constant(0.5)),
  });
  return fc.array(line, { minLength: 1, maxLength: 6 }).map((drawn) =>
    drawn.map(({ item, byProduct, quantity }) => ({
      orderItemId: byProduct ? undefined : (item?.orderItemId ?? 'unknown-item'),
      productId: item?.productId ?? 'p-1',
      variantId: item?.variantId ?? 'v',
      quantity,
    })),
  );
};

const orderAndRequests = orderArbitrary.chain((order) =>
  fc.tuple(fc.constant(order), fc.array(linesArbitrary(order), { minLength: 1, maxLength: 8 })),
);

describe('invariants of the cancellation rules', () => {
  it('for any sequence of requests, cancelledQuantity never exceeds quantity and never goes down', () => {
    fc.assert(
      fc.property(orderAndRequests, ([initial, requests]) => {
        let order = initial;
        for (const lines of requests) {
          const next = decideCancellation(order, aCommand(order, lines)).order ?? order;
          next.items.forEach((item, index) => {
            expect(item.cancelledQuantity).toBeLessThanOrEqual(item.quantity);
            expect(item.cancelledQuantity).toBeGreaterThanOrEqual(order.items[index]?.cancelledQuantity ?? 0);
          });
          order = next;
        }
      }),
      RUNS,
    );
  });

  it('the aggregate status always agrees with the list of failed lines', () => {
    fc.assert(
      fc.property(orderAndRequests, ([order, requests]) => {
        for (const lines of requests) {
          const { status, failedItems } = summarize(
            decideCancellation(order, aCommand(order, lines)).outcomes,
          );
          const expected =
            failedItems.length === 0
              ? 'SUCCESS'
              : failedItems.length === lines.length
                ? 'FAILED'
                : 'PARTIAL_SUCCESS';
          expect(status).toBe(expected);
        }
      }),
      RUNS,
    );
  });

  it('a request never cancels more than the remaining units, and announces exactly what it cancelled', () => {
    fc.assert(
      fc.property(orderAndRequests, ([order, [lines = []]]) => {
        const decision = decideCancellation(order, aCommand(order, lines));
        const after = decision.order ?? order;
        let cancelledNow = 0;
        order.items.forEach((before, index) => {
          const delta = (after.items[index]?.cancelledQuantity ?? 0) - before.cancelledQuantity;
          expect(delta).toBeLessThanOrEqual(before.quantity - before.cancelledQuantity);
          cancelledNow += delta;
        });
        const announced = decision.event?.items.reduce((sum, units) => sum + units.quantity, 0) ?? 0;
        expect(announced).toBe(cancelledNow);
        expect(decision.order === undefined).toBe(cancelledNow === 0);
      }),
      RUNS,
    );
  });

  it('a refused request leaves the order exactly as it was', () => {
    fc.assert(
      fc.property(orderAndRequests, ([order, [lines = []]]) => {
        const decision = decideCancellation(order, aCommand(order, lines));
        if (decision.outcomes.every((outcome) => !outcome.applied)) {
          expect(decision.order).toBeUndefined();
          expect(decision.event).toBeUndefined();
        } else {
          expect(decision.order?.revision).toBe(order.revision + 1);
        }
      }),
      RUNS,
    );
  });
});
