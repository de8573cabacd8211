/**
 * `order.lifecycle`: the marketplace's order feed, one full snapshot of an order per event, from
 * which the order ledger is built. Kafka key: `orderId`.
 */
import { type Static, Type } from '@sinclair/typebox';
import {
  EventId,
  Identifier,
  ITEMS_MAX,
  OccurredAt,
  OrderId,
  ProductId,
  Quantity,
  SchemaVersion1,
  SellerId,
  VariantId,
} from './fields.ts';
import { StringEnum } from './string-enum.ts';

export const LIFECYCLE_EVENT_TYPES = ['order.created', 'order.updated'] as const;
export type LifecycleEventType = (typeof LIFECYCLE_EVENT_TYPES)[number];

export const ORDER_STATUSES = ['PENDING_VERIFICATION', 'CREATED', 'COMPLETE', 'CANCELLED'] as const;
export type OrderStatusV1 = (typeof ORDER_STATUSES)[number];

export const ORDER_ITEM_STATUSES = [
  'CREATED',
  'CANCELLED',
  'DISPATCHED',
  'DELIVERED',
  'RETURN_REQUESTED',
  'COURIER_RETURN',
] as const;
export type OrderItemStatusV1 = (typeof ORDER_ITEM_STATUSES)[number];

/** JSON numbers above 2^53 - 1 lose precision in JavaScript and many other parsers. */
const REVISION_MAX = Number.MAX_SAFE_INTEGER;

/** Cancellations one snapshot can name: far above any real order's, well within the 1 MiB value. */
export const CANCELLATION_IDS_MAX = 10_000;

export const OrderLineV1 = Type.Object(
  {
    orderItemId: Identifier('Order item id', 'The order line; unique within the order.'),
    productId: ProductId(),
    variantId: VariantId(),
    quantity: Quantity('Quantity', 'Units ordered on this line.'),
    cancelledQuantity: Type.Optional(
      Quantity(
        'Cancelled quantity',
        'Units of this line cancelled so far, never above quantity. Absent means 0.',
        0,
      ),
    ),
    status: StringEnum(ORDER_ITEM_STATUSES, { title: 'Item status', description: 'Where this line stands.' }),
  },
  { title: 'Order line', description: 'One line of the order as the marketplace sees it now.' },
);

export const OrderSnapshotV1 = Type.Object(
  {
    orderId: OrderId(' Also the Kafka message key.'),
    sellerId: SellerId(),
    status: StringEnum(ORDER_STATUSES, { title: 'Order status', description: 'Where the order stands.' }),
    revision: Type.Integer({
      minimum: 1,
      maximum: REVISION_MAX,
      title: 'Revision',
      description:
        "The publisher's revision of this order, strictly increasing per order. Consumers ignore a snapshot whose revision is not above the last one they applied.",
    }),
    items: Type.Array(OrderLineV1, {
      minItems: 1,
      maxItems: ITEMS_MAX,
      title: 'Items',
      description: `All lines of the order, 1 to ${ITEMS_MAX}.`,
    }),
    cancellationIds: Type.Optional(
      Type.Array(Type.String({ format: 'uuid' }), {
        maxItems: CANCELLATION_IDS_MAX,
        title: 'Cancellations counted',
        description:
          'The eventId of every order.cancelled event whose units the cancelledQuantity of this snapshot counts, from any source, including the ones cancel-sync announced (source unicommerce); every one so far, not only the latest. Consumers then count each cancellation once: an event named here adds nothing when it arrives, and an event applied but not named here is added on top of this snapshot. Absent: the publisher does not say, and consumers take the larger of its cancelledQuantity and their own count. Duplicates are harmless.',
      }),
    ),
  },
  { title: 'Order snapshot', description: 'The whole order as the marketplace sees it at this revision.' },
);

export const OrderLifecycleV1 = Type.Object(
  {
    schemaVersion: SchemaVersion1(),
    eventId: EventId('Redeliveries of the same event carry the same id; a duplicate is harmless.'),
    type: StringEnum(LIFECYCLE_EVENT_TYPES, {
      title: 'Type',
      description: 'Whether the order was just created or changed; both carry the full order.',
    }),
    occurredAt: OccurredAt('When the order reached this revision.'),
    order: OrderSnapshotV1,
  },
  {
    $id: 'urn:cancel-sync:event:order.lifecycle:v1',
    title: 'OrderLifecycleV1',
    description:
      'A full snapshot of an order from the marketplace. Topic "order.lifecycle", Kafka key = order.orderId. Consumers must treat duplicates as harmless and ignore snapshots older than (or as old as) the revision they already applied. Unknown properties are allowed for forward compatibility and ignored by consumers.',
  },
);

export type OrderLineV1 = Static<typeof OrderLineV1>;
export type OrderSnapshotV1 = Static<typeof OrderSnapshotV1>;
export type OrderLifecycleV1 = Static<typeof OrderLifecycleV1>;
