/** fast-check arbitraries of valid events, within every limit of the schemas. */
import fc from 'fast-check';
import {
  CANCELLATION_SOURCES,
  LIFECYCLE_EVENT_TYPES,
  ORDER_ITEM_STATUSES,
  ORDER_STATUSES,
  type OrderCancelledV1,
  type OrderLifecycleV1,
} from '../src/index.ts';

// Up to 64 code points is at most 128 UTF-16 units, the length the schemas limit.
const id = fc.string({ unit: 'binary', minLength: 1, maxLength: 64 });
const quantity = fc.integer({ min: 1, max: 1_000_000 });
const instant = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
  .map((date) => date.toISOString());

export const anyOrderCancelled: fc.Arbitrary<OrderCancelledV1> = fc.record({
  schemaVersion: fc.constant(1 as const),
  eventId: fc.uuid(),
  occurredAt: instant,
  source: fc.constantFrom(...CANCELLATION_SOURCES),
  orderId: id,
  sellerId: id,
  items: fc.array(
    fc.record(
      { orderItemId: id, productId: id, variantId: id, quantity },
      { requiredKeys: ['productId', 'variantId', 'quantity'] },
    ),
    { minLength: 1, maxLength: 20 },
  ),
  reason: fc.string({ unit: 'binary', minLength: 1, maxLength: 500 }),
});

export const anyOrderLifecycle: fc.Arbitrary<OrderLifecycleV1> = fc.record({
  schemaVersion: fc.constant(1 as const),
  eventId: fc.uuid(),
  type: fc.constantFrom(...LIFECYCLE_EVENT_TYPES),
  occurredAt: instant,
  order: fc.record({
    orderId: id,
    sellerId: id,
    status: fc.constantFrom(...ORDER_STATUSES),
    revision: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    items: fc.array(
      fc.record(
        {
          orderItemId: id,
          productId: id,
          variantId: id,
          quantity,
          cancelledQuantity: fc.integer({ min: 0, max: 1_000_000 }),
          status: fc.constantFrom(...ORDER_ITEM_STATUSES),
        },
        { requiredKeys: ['orderItemId', 'productId', 'variantId', 'quantity', 'status'] },
      ),
      { minLength: 1, maxLength: 20 },
    ),
  }),
});
