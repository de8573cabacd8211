/**
 * A cancellation that will never reach Uniware: Uniware refused it, cancel-sync gave up retrying, or
 * the order or its seller is unknown. Unlike a record that could not be decoded (copied unchanged),
 * it is published to `order.cancelled.dlq` as this JSON document, keyed by orderId, so that people
 * and tools can see what was asked of Uniware and how it went.
 */
import { type Static, Type } from '@sinclair/typebox';
import {
  DEAD_LETTER_CODE_MEANINGS,
  DEAD_LETTER_HEADERS,
  DEAD_LETTER_REASON_MAX_LENGTH,
  truncate,
} from './dead-letter.ts';
import {
  Identifier,
  ITEMS_MAX,
  OrderId,
  ProductId,
  QUANTITY_MAX,
  SchemaVersion1,
  SellerId,
  UTC_SUFFIX_PATTERN,
  VariantId,
} from './fields.ts';
import { CANCELLATION_SOURCES, REASON_MAX_LENGTH } from './order-cancelled.ts';
import { StringEnum } from './string-enum.ts';

/** The dead-letter codes a delivery can end with (the others are for records that did not decode). */
export const DELIVERY_DEAD_LETTER_CODES = [
  'UNIWARE_REJECTED',
  'DELIVERY_GAVE_UP',
  'UNKNOWN_ORDER_SELLER',
  'LEDGER_DISAGREES',
] as const;
export type DeliveryDeadLetterCode = (typeof DELIVERY_DEAD_LETTER_CODES)[number];

/** Kafka headers besides the `dlq-*` ones that say what the value of a delivery dead letter is. */
export const DELIVERY_DEAD_LETTER_CONTENT_HEADERS = {
  contentType: 'content-type',
  schemaVersion: 'schema-version',
} as const;

/** Units of one SKU merged over the event's lines, so up to ITEMS_MAX lines of QUANTITY_MAX each. */
const MERGED_QUANTITY_MAX = ITEMS_MAX * QUANTITY_MAX;

const Timestamp = (title: string, description: string) =>
  Type.String({
    format: 'date-time',
    pattern: UTC_SUFFIX_PATTERN,
    title,
    description: `${description} RFC 3339 date-time in UTC.`,
  });

const Count = (title: string, description: string) =>
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, title, description });

export const UniwareCancelledSkuV1 = Type.Object(
  {
    quantity: Type.Integer({
      minimum: 1,
      maximum: MERGED_QUANTITY_MAX,
      title: 'Quantity',
      description: 'Units of this SKU to cancel, summed over the lines of the event.',
    }),
    productId: ProductId(),
    variantId: VariantId(),
  },
  { title: 'Cancelled SKU', description: "One entry of Uniware's cancelledSkuCodes." },
);

export const UniwareCancelRequestV1 = Type.Object(
  {
    saleOrderCode: OrderId(),
    cancelledSkuCodes: Type.Array(UniwareCancelledSkuV1, {
      minItems: 0,
      maxItems: ITEMS_MAX,
      title: 'Cancelled SKU codes',
      description:
        'The units to cancel, one entry per product and variant: only those the ledger accepted. Empty in a LEDGER_DISAGREES letter whose every line was refused (nothing was sent).',
    }),
    cancellationReason: Type.String({
      minLength: 1,
      maxLength: REASON_MAX_LENGTH,
      title: 'Cancellation reason',
      description: 'The reason sent to Uniware.',
    }),
  },
  {
    title: 'Uniware cancel request',
    description: "The body cancel-sync sends to Uniware's POST /uc/v1/order/cancel.",
  },
);

export const AttemptV1 = Type.Object(
  {
    attempt: Type.Integer({
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      title: 'Attempt',
      description: '1 for the first call.',
    }),
    startedAt: Timestamp('Started at', 'When the call was started.'),
    endedAt: Type.Optional(Timestamp('Ended at', 'When its answer was recorded.')),
    outcome: Type.String({
      maxLength: 40,
      title: 'Outcome',
      description:
        'delivered, rejected, probably-applied, retryable, auth-failure, or unknown (the caller stopped mid-call, or the answer never came).',
    }),
    httpStatus: Type.Optional(
      Type.Integer({
        minimum: 100,
        maximum: 599,
        title: 'HTTP status',
        description: "Uniware's HTTP status; absent when no answer came (a timeout or a dropped connection).",
      }),
    ),
    message: Type.Optional(
      Type.String({
        maxLength: DEAD_LETTER_REASON_MAX_LENGTH,
        title: 'Message',
        description: "Uniware's message or the error.",
      }),
    ),
  },
  { title: 'Attempt', description: 'One call to Uniware and what came back.' },
);

export const RefusedLineV1 = Type.Object(
  {
    orderItemId: Type.Optional(
      Type.String({
        maxLength: 200,
        title: 'Order item id',
        description: "The line's order item, when the event named one.",
      }),
    ),
    productId: ProductId(),
    variantId: VariantId(),
    quantity: Type.Integer({
      minimum: 0,
      maximum: QUANTITY_MAX,
      title: 'Quantity',
      description: 'The units the event asked to cancel on this line.',
    }),
    code: Type.String({
      maxLength: 60,
      title: 'Code',
      description: "The ledger's refusal code, e.g. QUANTITY_EXCEEDS_CANCELLABLE or ITEM_NOT_CANCELLABLE.",
    }),
    message: Type.String({
      maxLength: DEAD_LETTER_REASON_MAX_LENGTH,
      title: 'Message',
      description: 'Why the ledger refused the line, for humans.',
    }),
  },
  { title: 'Refused line', description: 'A line of the event the order ledger refused.' },
);

export const DeliveryDeadLetterV1 = Type.Object(
  {
    schemaVersion: SchemaVersion1(),
    eventId: Identifier(
      'Event id',
      'The eventId of the order.cancelled event this delivery came from; also the id of the delivery job. A delivery is dead-lettered at most once per event, but a redelivery of this record carries the same id.',
    ),
    code: StringEnum(DELIVERY_DEAD_LETTER_CODES, {
      title: 'Code',
      description: `Why the delivery ended here; the same as the dlq-code header. ${DELIVERY_DEAD_LETTER_CODES.map((code) => `${code}: ${DEAD_LETTER_CODE_MEANINGS[code]}`).join(' ')}`,
    }),
    reason: Type.String({
      maxLength: DEAD_LETTER_REASON_MAX_LENGTH,
      title: 'Reason',
      description: `Why, for humans (Uniware's message, or the retry budget that ran out); the same as the dlq-reason header, at most ${DEAD_LETTER_REASON_MAX_LENGTH} characters.`,
    }),
    orderId: OrderId(' Also the Kafka message key.'),
    sellerId: SellerId(),
    source: StringEnum(CANCELLATION_SOURCES, {
      title: 'Source',
      description: 'Who cancelled, as in the order.cancelled event.',
    }),
    request: UniwareCancelRequestV1,
    attempts: Count('Attempts', 'Calls made to Uniware for this delivery before it was dead-lettered.'),
    unknownOutcomes: Count(
      'Unknown outcomes',
      'Calls that ended without an answer after the request may have reached Uniware: when above 0, Uniware may have cancelled the units after all.',
    ),
    lastError: Type.Optional(
      Type.String({
        maxLength: DEAD_LETTER_REASON_MAX_LENGTH,
        title: 'Last error',
        description: `The error of the last failed call, if any, at most ${DEAD_LETTER_REASON_MAX_LENGTH} characters.`,
      }),
    ),
    createdAt: Timestamp('Created at', 'When cancel-sync accepted the event and stored the delivery.'),
    firstAttemptAt: Type.Optional(
      Timestamp('First attempt at', 'When Uniware was first called; absent if it never was.'),
    ),
    attemptLog: Type.Optional(
      Type.Array(AttemptV1, {
        maxItems: 50,
        title: 'Attempt log',
        description: 'Every call made to Uniware (the last 50), in order, with what came back.',
      }),
    ),
    refusedLines: Type.Optional(
      Type.Array(RefusedLineV1, {
        maxItems: ITEMS_MAX,
        title: 'Refused lines',
        description: 'With LEDGER_DISAGREES: the lines of the event the ledger refused, and why.',
      }),
    ),
    failedAt: Timestamp(
      'Failed at',
      'When the delivery was given up on; the same as the dlq-failed-at header.',
    ),
  },
  {
    $id: 'urn:cancel-sync:dead-letter:delivery:v1',
    title: 'DeliveryDeadLetterV1',
    description:
      'A cancellation cancel-sync will not deliver to Uniware, published to "order.cancelled.dlq" with Kafka key = orderId and dlq-code UNIWARE_REJECTED, DELIVERY_GAVE_UP, UNKNOWN_ORDER_SELLER or LEDGER_DISAGREES. Records of that topic with dlq-code INVALID_JSON or SCHEMA_VIOLATION are copies of undecodable records instead. Unknown properties are allowed for forward compatibility and ignored by consumers.',
  },
);

export type UniwareCancelledSkuV1 = Static<typeof UniwareCancelledSkuV1>;
export type UniwareCancelRequestV1 = Static<typeof UniwareCancelRequestV1>;
export type DeliveryDeadLetterV1 = Static<typeof DeliveryDeadLetterV1>;

export const DeliveryDeadLetterHeadersV1 = Type.Object(
  {
    [DEAD_LETTER_HEADERS.reason]: Type.String({
      maxLength: DEAD_LETTER_REASON_MAX_LENGTH,
      title: 'Reason',
      description: 'Why the delivery was dead-lettered, for humans; the same as the reason in the value.',
    }),
    [DEAD_LETTER_HEADERS.code]: StringEnum(DELIVERY_DEAD_LETTER_CODES, {
      title: 'Code',
      description: 'Why the delivery was dead-lettered, for machines; the same as the code in the value.',
    }),
    [DEAD_LETTER_HEADERS.sourceTopic]: Type.String({
      minLength: 1,
      title: 'Source topic',
      description:
        'The topic the cancellation came from (order.cancelled). There is no dlq-source-partition or dlq-source-offset: the delivery outlived its record.',
    }),
    [DEAD_LETTER_HEADERS.failedAt]: Timestamp('Failed at', 'When the delivery was given up on.'),
    [DELIVERY_DEAD_LETTER_CONTENT_HEADERS.contentType]: Type.Literal('application/json', {
      title: 'Content type',
      description: 'The value is a DeliveryDeadLetterV1 JSON document.',
    }),
    [DELIVERY_DEAD_LETTER_CONTENT_HEADERS.schemaVersion]: Type.Literal('1', {
      title: 'Schema version',
      description: 'The schemaVersion of the value, in decimal.',
    }),
  },
  {
    $id: 'urn:cancel-sync:headers:delivery-dead-letter:v1',
    title: 'DeliveryDeadLetterHeadersV1',
    description: 'Headers of a DeliveryDeadLetterV1 record on order.cancelled.dlq.',
  },
);
export type DeliveryDeadLetterHeadersV1 = Static<typeof DeliveryDeadLetterHeadersV1>;

export interface DeliveryDeadLetterHeaderFields {
  readonly reason: string;
  readonly code: DeliveryDeadLetterCode;
  readonly sourceTopic: string;
  readonly failedAt: Date;
}

/** The headers to put on a delivery dead letter; cuts a long reason as `deadLetterHeaders` does. */
export const deliveryDeadLetterHeaders = (
  fields: DeliveryDeadLetterHeaderFields,
): DeliveryDeadLetterHeadersV1 => ({
  [DEAD_LETTER_HEADERS.reason]: truncateReason(fields.reason),
  [DEAD_LETTER_HEADERS.code]: fields.code,
  [DEAD_LETTER_HEADERS.sourceTopic]: fields.sourceTopic,
  [DEAD_LETTER_HEADERS.failedAt]: fields.failedAt.toISOString(),
  [DELIVERY_DEAD_LETTER_CONTENT_HEADERS.contentType]: 'application/json',
  [DELIVERY_DEAD_LETTER_CONTENT_HEADERS.schemaVersion]: '1',
});

/** Cuts a reason or an error to the length the dead-letter headers and values allow. */
export const truncateReason = (text: string): string => truncate(text, DEAD_LETTER_REASON_MAX_LENGTH);
