/**
 * Puts a parked record back on the topic it came from: same key, same value byte for byte, the
 * original headers plus the ones naming the replay. The consumers handle it like any record and
 * de-duplicate by event id.
 */
import type { ParkedRecord, RecordRepublisher } from '@cancel-sync/application';
import { ACKS_ALL, ProducerHandle, type ProducerSource } from './producer.ts';

export class KafkaRecordRepublisher implements RecordRepublisher {
  readonly #producer: ProducerHandle;

  constructor(options: ProducerSource) {
    this.#producer = new ProducerHandle(options);
  }

  connect(): Promise<void> {
    return this.#producer.connect();
  }

  disconnect(): Promise<void> {
    return this.#producer.disconnect();
  }

  async republish(record: ParkedRecord, headers: Readonly<Record<string, string>>): Promise<void> {
    await this.#producer.producer.send({
      topic: record.topic,
      acks: ACKS_ALL,
      messages: [
        {
          key: record.key,
          value: record.value === null ? null : Buffer.from(record.value),
          headers: { ...record.headers, ...headers },
        },
      ],
    });
  }
}
