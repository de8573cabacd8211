/** The reusable parts of the AsyncAPI document: payload and header schemas, and the messages. */
import { DeadLetterHeadersV1 } from './dead-letter.ts';
import { DeliveryDeadLetterHeadersV1, DeliveryDeadLetterV1 } from './delivery-dead-letter.ts';
import {
  DEAD_LETTER_HEADERS_EXAMPLE,
  DEAD_LETTER_VALUE_EXAMPLE,
  DELIVERY_DEAD_LETTER_EXAMPLE,
  DELIVERY_DEAD_LETTER_HEADERS_EXAMPLE,
  ORDER_CANCELLED_EXAMPLE,
  ORDER_CANCELLED_FROM_UNICOMMERCE_EXAMPLE,
  ORDER_LIFECYCLE_EXAMPLE,
} from './examples.ts';
import { ID_MAX_LENGTH } from './fields.ts';
import { plainSchema } from './json-schema.ts';
import { OrderCancelledV1 } from './order-cancelled.ts';
import { OrderLifecycleV1 } from './order-lifecycle.ts';

/** The version of the AsyncAPI Kafka bindings the `bindings` objects follow. */
export const KAFKA_BINDING_VERSION = '0.5.0';

const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const keyedByOrderId = { kafka: { key: schemaRef('OrderIdKey'), bindingVersion: KAFKA_BINDING_VERSION } };

const schemas = {
  OrderCancelledV1: plainSchema(OrderCancelledV1),
  OrderLifecycleV1: plainSchema(OrderLifecycleV1),
  DeadLetterHeadersV1: plainSchema(DeadLetterHeadersV1),
  DeliveryDeadLetterV1: plainSchema(DeliveryDeadLetterV1),
  DeliveryDeadLetterHeadersV1: plainSchema(DeliveryDeadLetterHeadersV1),
  OrderIdKey: {
    type: 'string',
    minLength: 1,
    maxLength: ID_MAX_LENGTH,
    description:
      "The Kafka record key: the order's id (Uniware's saleOrderCode), UTF-8. Keeps every event of an order on one partition, in order.",
  },
};

const messages = {
  OrderCancelledV1: {
    name: 'OrderCancelledV1',
    title: 'Order cancelled (v1)',
    summary: 'Units of an order were cancelled.',
    contentType: 'application/json',
    payload: schemaRef('OrderCancelledV1'),
    bindings: keyedByOrderId,
    examples: [{ name: 'customerCancelsTwoLines', payload: ORDER_CANCELLED_EXAMPLE }],
  },
  OrderCancelledV1FromUnicommerce: {
    name: 'OrderCancelledV1FromUnicommerce',
    title: 'Order cancelled in Uniware (v1)',
    summary: 'An OrderCancelledV1 whose source is "unicommerce": the cancellation was made in Uniware.',
    contentType: 'application/json',
    payload: {
      allOf: [
        schemaRef('OrderCancelledV1'),
        { type: 'object', required: ['source'], properties: { source: { const: 'unicommerce' } } },
      ],
    },
    bindings: keyedByOrderId,
    examples: [{ name: 'cancelledInUniware', payload: ORDER_CANCELLED_FROM_UNICOMMERCE_EXAMPLE }],
  },
  OrderLifecycleV1: {
    name: 'OrderLifecycleV1',
    title: 'Order lifecycle (v1)',
    summary: 'A full snapshot of an order from the marketplace, at a revision.',
    contentType: 'application/json',
    payload: schemaRef('OrderLifecycleV1'),
    bindings: keyedByOrderId,
    examples: [{ name: 'orderUpdated', payload: ORDER_LIFECYCLE_EXAMPLE }],
  },
  DeadLetter: {
    name: 'DeadLetter',
    title: 'Dead letter',
    summary: 'A record that could not be handled, copied with its key and value unchanged.',
    contentType: 'application/octet-stream',
    headers: schemaRef('DeadLetterHeadersV1'),
    payload: {
      description:
        'The original record value, byte for byte: it may be absent, empty, or not JSON at all (see dlq-code).',
    },
    bindings: {
      kafka: {
        key: { type: 'string', description: 'The original record key, unchanged (normally the orderId).' },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
    examples: [
      {
        name: 'schemaViolation',
        headers: DEAD_LETTER_HEADERS_EXAMPLE,
        payload: DEAD_LETTER_VALUE_EXAMPLE,
      },
    ],
  },
  DeliveryDeadLetterV1: {
    name: 'DeliveryDeadLetterV1',
    title: 'Delivery dead letter (v1)',
    summary:
      'A cancellation cancel-sync will not deliver to Uniware: refused, given up, or for nobody known.',
    contentType: 'application/json',
    headers: schemaRef('DeliveryDeadLetterHeadersV1'),
    payload: schemaRef('DeliveryDeadLetterV1'),
    bindings: keyedByOrderId,
    examples: [
      {
        name: 'uniwareRejected',
        headers: DELIVERY_DEAD_LETTER_HEADERS_EXAMPLE,
        payload: DELIVERY_DEAD_LETTER_EXAMPLE,
      },
    ],
  },
};

export const asyncApiComponents = () => ({ schemas, messages });
