import type { DeadLetterCode } from './dead-letter.ts';

/** The ways a record value can fail to decode; both are also dead-letter codes. */
export type DecodeFailureCode = Extract<DeadLetterCode, 'INVALID_JSON' | 'SCHEMA_VIOLATION'>;

export type DecodeResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: DecodeFailureCode; readonly message: string };

/** Kafka's default record limit is about 1 MB; nothing larger is a real event. */
export const MAX_VALUE_BYTES = 1024 * 1024;
