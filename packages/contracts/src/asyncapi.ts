/**
 * The AsyncAPI 3.0 document of cancel-sync's Kafka side: which topics exist, what travels on them,
 * and what cancel-sync itself receives and sends.
 */
import { asyncApiComponents, KAFKA_BINDING_VERSION } from './asyncapi-components.ts';
import { TOPICS, type Topic } from './topics.ts';

const channel = (
  topic: Topic,
  title: string,
  description: string,
  messages: Readonly<Record<string, string>>,
) => ({
  address: topic,
  title,
  description,
  messages: Object.fromEntries(
    Object.entries(messages).map(([id, component]) => [id, { $ref: `#/components/messages/${component}` }]),
  ),
  bindings: { kafka: { topic, bindingVersion: KAFKA_BINDING_VERSION } },
});

const operation = (
  action: 'send' | 'receive',
  channelId: string,
  messageIds: readonly string[],
  summary: string,
  description: string,
) => ({
  action,
  channel: { $ref: `#/channels/${channelId}` },
  summary,
  description,
  messages: messageIds.map((id) => ({ $ref: `#/channels/${channelId}/messages/${id}` })),
});

const channels = {
  orderCancelled: channel(
    TOPICS.orderCancelled,
    'Order cancellations',
    'Every cancellation of order units, whoever made it. Key: orderId.',
    {
      orderCancelledV1: 'OrderCancelledV1',
      orderCancelledV1FromUnicommerce: 'OrderCancelledV1FromUnicommerce',
    },
  ),
  orderLifecycle: channel(
    TOPICS.orderLifecycle,
    'Order feed',
    "The marketplace's order snapshots, from which cancel-sync builds its order ledger. Key: orderId.",
    { orderLifecycleV1: 'OrderLifecycleV1' },
  ),
  orderCancelledDeadLetter: channel(
    TOPICS.orderCancelledDeadLetter,
    'Dead letters of order.cancelled',
    'Records of order.cancelled that could not be decoded, copied unchanged (dlq-code INVALID_JSON or SCHEMA_VIOLATION), and cancellations that will not be delivered to Uniware, as DeliveryDeadLetterV1 (dlq-code UNIWARE_REJECTED, DELIVERY_GAVE_UP or UNKNOWN_ORDER_SELLER). The dlq-* headers say why.',
    { deadLetter: 'DeadLetter', deliveryDeadLetterV1: 'DeliveryDeadLetterV1' },
  ),
  orderLifecycleDeadLetter: channel(
    TOPICS.orderLifecycleDeadLetter,
    'Dead letters of order.lifecycle',
    'Records of order.lifecycle that could not be handled, with the dlq-* headers saying why.',
    { deadLetter: 'DeadLetter' },
  ),
};

const operations = {
  receiveOrderCancelled: operation(
    'receive',
    'orderCancelled',
    ['orderCancelledV1'],
    'Relay cancellations to Uniware.',
    'Cancellations made on the marketplace are sent to Uniware. Duplicates (same eventId) are harmless.',
  ),
  receiveOrderLifecycle: operation(
    'receive',
    'orderLifecycle',
    ['orderLifecycleV1'],
    'Keep the order ledger up to date.',
    'A snapshot replaces the ledger entry unless its revision is not above the one already applied; duplicates and older revisions are ignored. order.lifecycle and order.cancelled are consumed independently, so a snapshot may arrive before or after the events it counts: publishers name in order.cancellationIds every cancellation (order.cancelled eventId, including those cancel-sync announced) that their cancelledQuantity counts. cancel-sync then counts each cancellation once: a named event adds nothing when it arrives, and an event it applied that the snapshot does not name is added on top of the snapshot. Without order.cancellationIds a snapshot is merged by taking the larger count, which counts twice a cancellation whose event arrives after a snapshot that already counted it.',
  ),
  sendOrderCancelledFromUnicommerce: operation(
    'send',
    'orderCancelled',
    ['orderCancelledV1FromUnicommerce'],
    'Announce cancellations made in Uniware.',
    'cancel-sync publishes the cancellations it learns from Uniware, with source "unicommerce".',
  ),
  sendOrderCancelledDeadLetter: operation(
    'send',
    'orderCancelledDeadLetter',
    ['deadLetter', 'deliveryDeadLetterV1'],
    'Set aside order.cancelled records that cannot be handled.',
    'Invalid records are copied here unchanged so the partition can move on; cancellations Uniware refused or never accepted are described here as DeliveryDeadLetterV1.',
  ),
  sendOrderLifecycleDeadLetter: operation(
    'send',
    'orderLifecycleDeadLetter',
    ['deadLetter'],
    'Set aside order.lifecycle records that cannot be handled.',
    'Invalid records are copied here so the partition can move on.',
  ),
};

export const asyncApiDocument = () => ({
  asyncapi: '3.0.0',
  info: {
    title: 'cancel-sync events',
    version: '1.0.0',
    description:
      "Kafka contracts of cancel-sync, which keeps order cancellations in sync between the marketplace and Unicommerce's Uniware. Every record is keyed by orderId. Within a schemaVersion only additive changes are made; consumers ignore unknown properties.",
  },
  defaultContentType: 'application/json',
  channels,
  operations,
  components: asyncApiComponents(),
});
