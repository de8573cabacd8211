export type { Decoder, Encoder } from './codec.ts';
export {
  DEAD_LETTER_CODE_MEANINGS,
  DEAD_LETTER_CODES,
  DEAD_LETTER_HEADERS,
  DEAD_LETTER_REASON_MAX_LENGTH,
  type DeadLetter,
  type DeadLetterCode,
  type DeadLetterHeaderName,
  DeadLetterHeadersV1,
  deadLetterHeaders,
} from './dead-letter.ts';
export { type DecodeFailureCode, type DecodeResult, MAX_VALUE_BYTES } from './decode-result.ts';
export {
  DELIVERY_DEAD_LETTER_CODES,
  DELIVERY_DEAD_LETTER_CONTENT_HEADERS,
  type DeliveryDeadLetterCode,
  type DeliveryDeadLetterHeaderFields,
  DeliveryDeadLetterHeadersV1,
  DeliveryDeadLetterV1,
  deliveryDeadLetterHeaders,
  truncateReason,
  UniwareCancelledSkuV1,
  UniwareCancelRequestV1,
} from './delivery-dead-letter.ts';
export {
  decodeDeliveryDeadLetter,
  decodeOrderCancelled,
  decodeOrderLifecycle,
  encodeDeliveryDeadLetter,
  encodeOrderCancelled,
  encodeOrderLifecycle,
} from './events.ts';
export { ID_MAX_LENGTH, ITEMS_MAX, QUANTITY_MAX } from './fields.ts';
export { isDateTime, isUuid, registerFormats } from './formats.ts';
export {
  CANCELLATION_SOURCES,
  type CancellationSource,
  CancelledItemV1,
  OrderCancelledV1,
  REASON_MAX_LENGTH,
} from './order-cancelled.ts';
export {
  LIFECYCLE_EVENT_TYPES,
  type LifecycleEventType,
  ORDER_ITEM_STATUSES,
  ORDER_STATUSES,
  type OrderItemStatusV1,
  OrderLifecycleV1,
  OrderLineV1,
  OrderSnapshotV1,
  type OrderStatusV1,
} from './order-lifecycle.ts';
export { TOPICS, type Topic } from './topics.ts';
