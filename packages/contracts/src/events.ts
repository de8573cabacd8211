/** The decoders and encoders of the event contracts and of the delivery dead letter. */
import { createDecoder, createEncoder, type Decoder, type Encoder } from './codec.ts';
import { DeliveryDeadLetterV1 } from './delivery-dead-letter.ts';
import { OrderCancelledV1 } from './order-cancelled.ts';
import { OrderLifecycleV1 } from './order-lifecycle.ts';

export const decodeOrderCancelled: Decoder<OrderCancelledV1> = createDecoder(OrderCancelledV1);
export const decodeOrderLifecycle: Decoder<OrderLifecycleV1> = createDecoder(OrderLifecycleV1);

export const encodeOrderCancelled: Encoder<OrderCancelledV1> = createEncoder(
  OrderCancelledV1,
  'order.cancelled v1 event',
);
export const encodeOrderLifecycle: Encoder<OrderLifecycleV1> = createEncoder(
  OrderLifecycleV1,
  'order.lifecycle v1 event',
);

export const decodeDeliveryDeadLetter: Decoder<DeliveryDeadLetterV1> = createDecoder(DeliveryDeadLetterV1);
export const encodeDeliveryDeadLetter: Encoder<DeliveryDeadLetterV1> = createEncoder(
  DeliveryDeadLetterV1,
  'order.cancelled.dlq delivery dead letter v1',
);
