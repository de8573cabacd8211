/** `order.cancelled`: units of an order were cancelled, by whom and why. Kafka key: `orderId`. */
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

export const CANCELLATION_SOURCES = ['customer', 'marketplace', 'unicommerce'] as const;
export type CancellationSource = (typeof CANCELLATION_SOURCES)[number];

/** Uniware refuses a cancellation without a reason, so an empty one is refused here already. */
export const REASON_MAX_LENGTH = 1000;

export const CancelledItemV1 = Type.Object(
  {
    orderItemId: Type.Optional(
      Identifier(
        'Order item id',
        'The order line, when the canceller knows it. Absent when cancelling by product: the units are then allocated to lines of the same product and variant.',
      ),
    ),
    productId: ProductId(),
    variantId: VariantId(),
    quantity: Quantity('Quantity', 'Units cancelled on this line.'),
  },
  { title: 'Cancelled item', description: 'Units of one product and variant that were cancelled.' },
);

export const OrderCancelledV1 = Type.Object(
  {
    schemaVersion: SchemaVersion1(),
    eventId: EventId('Redeliveries of the same event carry the same id.'),
    occurredAt: OccurredAt('When the cancellation happened.'),
    source: StringEnum(CANCELLATION_SOURCES, {
      title: 'Source',
      description:
        'Who cancelled: "customer" (the buyer), "marketplace" (the marketplace or the seller on it), "unicommerce" (made in Uniware and relayed by cancel-sync).',
    }),
    orderId: OrderId(' Also the Kafka message key.'),
    sellerId: SellerId(),
    items: Type.Array(CancelledItemV1, {
      minItems: 1,
      maxItems: ITEMS_MAX,
      title: 'Items',
      description: `The cancelled units, 1 to ${ITEMS_MAX} lines.`,
    }),
    reason: Type.String({
      minLength: 1,
      maxLength: REASON_MAX_LENGTH,
      title: 'Reason',
      description: `Why the units were cancelled, 1 to ${REASON_MAX_LENGTH} characters; Uniware requires it (cancellationReason).`,
    }),
  },
  {
    $id: 'urn:cancel-sync:event:order.cancelled:v1',
    title: 'OrderCancelledV1',
    description:
      'Units of an order were cancelled. Topic "order.cancelled", Kafka key = orderId. Unknown properties are allowed for forward compatibility and ignored by consumers.',
  },
);

export type CancelledItemV1 = Static<typeof CancelledItemV1>;
export type OrderCancelledV1 = Static<typeof OrderCancelledV1>;
