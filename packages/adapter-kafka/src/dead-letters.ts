/**
 * `DeadLetters` on Kafka: deliveries that will never reach Uniware are described as
 * `DeliveryDeadLetterV1` on `order.cancelled.dlq`, keyed by order id, next to the undecodable
 * records of the same topic (those keep their raw value; the `dlq-code` header tells them apart).
 */
import type { DeadLetterCode, DeadLetters, DeliveryJob } from '@cancel-sync/application';
import { deliveryDeadLetterHeaders, encodeDeliveryDeadLetter, TOPICS } from '@cancel-sync/contracts';
import { toDeliveryDeadLetterV1 } from './mapping.ts';
import { ACKS_ALL, ProducerHandle, type ProducerSource } from './producer.ts';

/** Without a `producer`, an idempotent one is created: `connect()` before publishing, `disconnect()` at the end. */
export interface KafkaDeadLettersOptions extends ProducerSource {
  /** Default `order.cancelled.dlq`. */
  readonly topic?: string | undefined;
  /** Named in the `dlq-source-topic` header; default `order.cancelled`. */
  readonly sourceTopic?: string | undefined;
  /** When the delivery is given up on; default the system clock. */
  readonly now?: (() => Date) | undefined;
  readonly ackTimeoutMs?: number | undefined;
}

export class KafkaDeadLetters implements DeadLetters {
  readonly #producer: ProducerHandle;
  readonly #topic: string;
  readonly #sourceTopic: string;
  readonly #now: () => Date;
  readonly #ackTimeoutMs: number;

  constructor(options: KafkaDeadLettersOptions) {
    this.#producer = new ProducerHandle(options);
    this.#topic = options.topic ?? TOPICS.orderCancelledDeadLetter;
    this.#sourceTopic = options.sourceTopic ?? TOPICS.orderCancelled;
    this.#now = options.now ?? (() => new Date());
    this.#ackTimeoutMs = options.ackTimeoutMs ?? 30_000;
  }

  connect(): Promise<void> {
    return this.#producer.connect();
  }

  disconnect(): Promise<void> {
    return this.#producer.disconnect();
  }

  async publish(job: DeliveryJob, code: DeadLetterCode, reason: string): Promise<void> {
    const failedAt = this.#now();
    const letter = toDeliveryDeadLetterV1(job, code, reason, failedAt);
    await this.#producer.producer.send({
      topic: this.#topic,
      acks: ACKS_ALL,
      timeout: this.#ackTimeoutMs,
      messages: [
        {
          key: job.orderId,
          value: encodeDeliveryDeadLetter(letter),
          // No dlq-source-partition/offset: the delivery outlived the record it came from.
          headers: {
            ...deliveryDeadLetterHeaders({ reason, code, sourceTopic: this.#sourceTopic, failedAt }),
          },
        },
      ],
    });
  }
}
