/**
 * The dead-letter copy of a record that could not be decoded: same key, same value byte for byte,
 * the original headers, plus the `dlq-*` headers of the contract saying why and where from.
 */
import { type DecodeFailureCode, deadLetterHeaders } from '@cancel-sync/contracts';
import type { KafkaMessage, Message } from 'kafkajs';
import type { RecordPosition } from './observations.ts';

export const deadLetterRecord = (
  message: KafkaMessage,
  position: RecordPosition,
  failure: { readonly code: DecodeFailureCode; readonly message: string },
  failedAt: Date,
): Message => ({
  key: message.key,
  value: message.value,
  headers: {
    ...message.headers,
    ...deadLetterHeaders({
      reason: failure.message,
      code: failure.code,
      sourceTopic: position.topic,
      sourcePartition: position.partition,
      sourceOffset: position.offset,
      failedAt,
    }),
  },
});
