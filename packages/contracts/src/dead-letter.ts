/**
 * The dead-letter convention for `order.cancelled.dlq` and `order.lifecycle.dlq`: a record that
 * could not be handled is copied there with its key and value unchanged, plus the headers below
 * saying why and where it came from. Kafka header values are strings here (UTF-8 bytes on the wire).
 */
import { type Static, Type } from '@sinclair/typebox';
import { UTC_SUFFIX_PATTERN } from './fields.ts';
import { StringEnum } from './string-enum.ts';

export const DEAD_LETTER_HEADERS = {
  reason: 'dlq-reason',
  code: 'dlq-code',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  failedAt: 'dlq-failed-at',
} as const;
export type DeadLetterHeaderName = (typeof DEAD_LETTER_HEADERS)[keyof typeof DEAD_LETTER_HEADERS];

export const DEAD_LETTER_CODES = [
  'INVALID_JSON',
  'SCHEMA_VIOLATION',
  'UNIWARE_REJECTED',
  'DELIVERY_GAVE_UP',
  'UNKNOWN_ORDER_SELLER',
  'LEDGER_DISAGREES',
  'HANDLER_FAILED',
] as const;
export type DeadLetterCode = (typeof DEAD_LETTER_CODES)[number];

/** What each code means; published in the AsyncAPI document and the README. */
export const DEAD_LETTER_CODE_MEANINGS: Readonly<Record<DeadLetterCode, string>> = {
  INVALID_JSON: 'The value is absent, empty, not UTF-8 or not JSON.',
  SCHEMA_VIOLATION: "The value is JSON but breaks the topic's schema (or exceeds 1 MiB).",
  UNIWARE_REJECTED: 'Uniware refused the cancellation for good; retrying cannot help.',
  DELIVERY_GAVE_UP: 'Uniware could not be reached or kept failing until the retries ran out.',
  UNKNOWN_ORDER_SELLER:
    'The seller is not registered with cancel-sync (no Uniware merchant id to send it for) and was not registered within DELIVERY_AWAIT_LEDGER_SECONDS. (An order the ledger does not know is waited for the same time, then pushed as the event asked.)',
  LEDGER_DISAGREES:
    'The order ledger refused some or all lines of the event (refusedLines says which and why): those units are not pushed to Uniware; the accepted ones are.',
  HANDLER_FAILED:
    'The record decoded, but handling it kept failing for a reason of its own (not infrastructure being down) until the attempts ran out: it was parked, with the original bytes, and its partition moved on.',
};

/** Long reasons (a whole error chain) are cut so a header stays readable. */
export const DEAD_LETTER_REASON_MAX_LENGTH = 1000;

const DECIMAL = '^(?:0|[1-9][0-9]*)$';

export const DeadLetterHeadersV1 = Type.Object(
  {
    [DEAD_LETTER_HEADERS.reason]: Type.String({
      maxLength: DEAD_LETTER_REASON_MAX_LENGTH,
      title: 'Reason',
      description: 'Why the record was dead-lettered, for humans.',
    }),
    [DEAD_LETTER_HEADERS.code]: StringEnum(DEAD_LETTER_CODES, {
      title: 'Code',
      description: `Why the record was dead-lettered, for machines. ${DEAD_LETTER_CODES.map((code) => `${code}: ${DEAD_LETTER_CODE_MEANINGS[code]}`).join(' ')}`,
    }),
    [DEAD_LETTER_HEADERS.sourceTopic]: Type.String({
      minLength: 1,
      title: 'Source topic',
      description: 'The topic the record was read from.',
    }),
    [DEAD_LETTER_HEADERS.sourcePartition]: Type.String({
      pattern: DECIMAL,
      title: 'Source partition',
      description: 'The partition the record was read from, in decimal.',
    }),
    [DEAD_LETTER_HEADERS.sourceOffset]: Type.String({
      pattern: DECIMAL,
      title: 'Source offset',
      description: 'The offset of the record in its source partition, in decimal.',
    }),
    [DEAD_LETTER_HEADERS.failedAt]: Type.String({
      format: 'date-time',
      pattern: UTC_SUFFIX_PATTERN,
      title: 'Failed at',
      description: 'When the record was given up on, RFC 3339 date-time in UTC.',
    }),
  },
  {
    $id: 'urn:cancel-sync:headers:dead-letter:v1',
    title: 'DeadLetterHeadersV1',
    description:
      'Headers added to a dead-lettered record. Other headers of the original record (trace context, for example) may be carried over; do not rely on them.',
  },
);
export type DeadLetterHeadersV1 = Static<typeof DeadLetterHeadersV1>;

export interface DeadLetter {
  readonly reason: string;
  readonly code: DeadLetterCode;
  readonly sourceTopic: string;
  readonly sourcePartition: number;
  /** KafkaJS hands offsets over as strings; they can exceed 2^53. */
  readonly sourceOffset: string | bigint;
  readonly failedAt: Date;
}

/** The headers to put on a dead-lettered record; the key and value are copied unchanged. */
export const deadLetterHeaders = (letter: DeadLetter): DeadLetterHeadersV1 => ({
  [DEAD_LETTER_HEADERS.reason]: truncate(letter.reason, DEAD_LETTER_REASON_MAX_LENGTH),
  [DEAD_LETTER_HEADERS.code]: letter.code,
  [DEAD_LETTER_HEADERS.sourceTopic]: letter.sourceTopic,
  [DEAD_LETTER_HEADERS.sourcePartition]: String(letter.sourcePartition),
  [DEAD_LETTER_HEADERS.sourceOffset]: String(letter.sourceOffset),
  [DEAD_LETTER_HEADERS.failedAt]: letter.failedAt.toISOString(),
});

export const truncate = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;
