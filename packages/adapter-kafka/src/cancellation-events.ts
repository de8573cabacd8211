/** `CancellationEvents` on Kafka: domain `OrderCancelled` events published as `OrderCancelledV1`. */
import type { CancellationEvents } from '@cancel-sync/application';
import { encodeOrderCancelled, TOPICS } from '@cancel-sync/contracts';
import type { OrderCancelled } from '@cancel-sync/domain';
import type { Message } from 'kafkajs';
import { toOrderCancelledV1 } from './mapping.ts';
import { ACKS_ALL, ProducerHandle, type ProducerSource } from './producer.ts';
import { EVENT_HEADERS, JSON_CONTENT_TYPE } from './record-headers.ts';

/** Without a `producer`, an idempotent one is created: `connect()` before publishing, `disconnect()` at the end. */
export interface KafkaCancellationEventsOptions extends ProducerSource {
  /** Default `order.cancelled`. */
  readonly topic?: string | undefined;
  /** How long the broker may take to acknowledge, default 30 s. */
  readonly ackTimeoutMs?: number | undefined;
}

export const toOrderCancelledRecord = (event: OrderCancelled): Message => ({
  key: event.orderId,
  value: encodeOrderCancelled(toOrderCancelledV1(event)),
  headers: {
    [EVENT_HEADERS.eventId]: event.eventId,
    [EVENT_HEADERS.source]: event.source,
    [EVENT_HEADERS.contentType]: JSON_CONTENT_TYPE,
    [EVENT_HEADERS.schemaVersion]: '1',
  },
});

export class KafkaCancellationEvents implements CancellationEvents {
  readonly #producer: ProducerHandle;
  readonly #topic: string;
  readonly #ackTimeoutMs: number;

  constructor(options: KafkaCancellationEventsOptions) {
    this.#producer = new ProducerHandle(options);
    this.#topic = options.topic ?? TOPICS.orderCancelled;
    this.#ackTimeoutMs = options.ackTimeoutMs ?? 30_000;
  }

  connect(): Promise<void> {
    return this.#producer.connect();
  }

  disconnect(): Promise<void> {
    return this.#producer.disconnect();
  }

  /**
   * One produce call for the whole batch; resolves once the broker acknowledged every record.
   * @param headers added to every record (e.g. the W3C `traceparent` of the publishing span).
   */
  async publish(
    events: readonly OrderCancelled[],
    headers: Readonly<Record<string, string>> = {},
  ): Promise<void> {
    if (events.length === 0) return;
    // Encoding first: an event that breaks the contract is a bug, and none of the batch goes out.
    const messages = events.map((event) => {
      const record = toOrderCancelledRecord(event);
      return { ...record, headers: { ...record.headers, ...headers } };
    });
    await this.#producer.producer.send({
      topic: this.#topic,
      messages,
      acks: ACKS_ALL,
      timeout: this.#ackTimeoutMs,
    });
  }
}
