/**
 * `DeadLetters` on Kafka: deliveries that will never reach Uniware are described as
 * `DeliveryDeadLetterV1` on `order.cancelled.dlq`, keyed by order id, next to the undecodable
 * records of the same topic (those keep their raw value; the `dlq-code` header tells them apart).
 */
import type {
  DeadLetters,
  JobDeadLetter,
  ParkedRecord,
  ParkedRecordPublisher,
} from '@cancel-sync/application';
import {
  deadLetterHeaders,
  deliveryDeadLetterHeaders,
  encodeDeliveryDeadLetter,
  TOPICS,
} from '@cancel-sync/contracts';
import { toDeliveryDeadLetterV1 } from './mapping.ts';
import { ACKS_ALL, ProducerHandle, type ProducerSource } from './producer.ts';

/** Without a `producer`, an idempotent one is created: `connect()` before publishing, `disconnect()` at the end. */
export interface KafkaDeadLettersOptions extends ProducerSource {
  /** Default `order.cancelled.dlq`. */
  readonly topic?: string | undefined;
  /** Named in the `dlq-source-topic` header; default `order.cancelled`. */
  readonly sourceTopic?: string | undefined;
  readonly ackTimeoutMs?: number | undefined;
}

export class KafkaDeadLetters implements DeadLetters {
  readonly #producer: ProducerHandle;
  readonly #topic: string;
  readonly #sourceTopic: string;
  readonly #ackTimeoutMs: number;

  constructor(options: KafkaDeadLettersOptions) {
    this.#producer = new ProducerHandle(options);
    this.#topic = options.topic ?? TOPICS.orderCancelledDeadLetter;
    this.#sourceTopic = options.sourceTopic ?? TOPICS.orderCancelled;
    this.#ackTimeoutMs = options.ackTimeoutMs ?? 30_000;
  }

  connect(): Promise<void> {
    return this.#producer.connect();
  }

  disconnect(): Promise<void> {
    return this.#producer.disconnect();
  }

  /** One send for the batch; resolves once every letter is acknowledged by the broker. */
  async publish(letters: readonly JobDeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.#producer.producer.send({
      topic: this.#topic,
      acks: ACKS_ALL,
      timeout: this.#ackTimeoutMs,
      messages: letters.map(({ job, letter }) => ({
        key: job.orderId,
        value: encodeDeliveryDeadLetter(toDeliveryDeadLetterV1(job, letter)),
        // No dlq-source-partition/offset: the delivery outlived the record it came from.
        headers: {
          ...deliveryDeadLetterHeaders({
            reason: letter.reason,
            code: letter.code,
            sourceTopic: this.#sourceTopic,
            failedAt: letter.at,
          }),
        },
      })),
    });
  }
}

/**
 * Parked records on Kafka: each goes to the dead-letter topic of the topic it came from, as the
 * poison records do: same key, same value byte for byte, the original headers, plus `dlq-*` headers
 * with code `HANDLER_FAILED`.
 */
export class KafkaParkedRecordPublisher implements ParkedRecordPublisher {
  readonly #producer: ProducerHandle;
  readonly #deadLetterTopicOf: (topic: string) => string;

  constructor(options: ProducerSource & { readonly deadLetterTopicOf: (topic: string) => string }) {
    this.#producer = new ProducerHandle(options);
    this.#deadLetterTopicOf = options.deadLetterTopicOf;
  }

  connect(): Promise<void> {
    return this.#producer.connect();
  }

  disconnect(): Promise<void> {
    return this.#producer.disconnect();
  }

  async publish(records: readonly ParkedRecord[]): Promise<void> {
    for (const record of records) {
      await this.#producer.producer.send({
        topic: this.#deadLetterTopicOf(record.topic),
        acks: ACKS_ALL,
        messages: [
          {
            key: record.key,
            value: record.value === null ? null : Buffer.from(record.value),
            headers: {
              ...record.headers,
              ...deadLetterHeaders({
                reason: record.reason,
                code: 'HANDLER_FAILED',
                sourceTopic: record.topic,
                sourcePartition: record.partition,
                sourceOffset: record.offset,
                failedAt: record.parkedAt,
              }),
            },
          },
        ],
      });
    }
  }
}
