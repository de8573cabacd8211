/** The producer behind every record this adapter writes: events and dead letters alike. */
import { type Kafka, Partitioners, type Producer, type RetryOptions } from 'kafkajs';
import { DEFAULT_RETRY } from './kafka-client.ts';

/** Every send waits for all in-sync replicas: nothing counts as published before that. */
export const ACKS_ALL = -1;

/**
 * An idempotent producer: a retried send cannot duplicate or reorder records within a partition.
 * KafkaJS retries an idempotent send forever by default, which would hang `publish` (and shutdown)
 * while the cluster is down; here retries are bounded (about a minute) so the caller sees an error
 * and retries in its own loop. KafkaJS then warns that this "may invalidate EoS guarantees": a
 * send given up on and made again can duplicate records, which every consumer here tolerates, so
 * that known warning is logged at debug (see `kafka-log.ts`). The partitioner is named: KafkaJS's
 * default since 2.0 (murmur2, as the Java client), which keys by `orderId` as every other producer.
 */
export const createProducer = (kafka: Kafka, options: { readonly retry?: RetryOptions } = {}): Producer =>
  kafka.producer({
    idempotent: true,
    createPartitioner: Partitioners.DefaultPartitioner,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    retry: { ...DEFAULT_RETRY, ...options.retry },
  });

export interface ProducerSource {
  /** Used to create (and own) a producer when none is given. */
  readonly kafka: Kafka;
  /** A producer shared with other parts; the caller connects and disconnects it. */
  readonly producer?: Producer | undefined;
}

/** A producer that is either owned (connected and disconnected here) or borrowed (left alone). */
export class ProducerHandle {
  readonly producer: Producer;
  readonly #owned: boolean;

  constructor(source: ProducerSource) {
    this.#owned = source.producer === undefined;
    this.producer = source.producer ?? createProducer(source.kafka);
  }

  async connect(): Promise<void> {
    if (this.#owned) await this.producer.connect();
  }

  async disconnect(): Promise<void> {
    if (this.#owned) await this.producer.disconnect();
  }
}
