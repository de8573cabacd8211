import { decodeOrderCancelled } from '@cancel-sync/contracts';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaCancellationEvents, toOrderCancelledV1 } from '../src/index.ts';
import { countRecords, freshTopic, header, readRecords, testKafka } from './kafka-test-kit.ts';
import { anOrderCancelled } from './mothers.ts';

let kafka: Kafka;
let events: KafkaCancellationEvents;
let topic: string;

beforeAll(async () => {
  kafka = testKafka('publisher');
  topic = await freshTopic(kafka, 'order-cancelled');
  events = new KafkaCancellationEvents({ kafka, topic });
  await events.connect();
});

afterAll(async () => {
  await events?.disconnect();
});

describe('KafkaCancellationEvents', () => {
  it('publishes OrderCancelledV1 records keyed by order id, with headers, that decode to the same event', async () => {
    const first = anOrderCancelled({ orderId: 'SO-A', source: 'unicommerce' });
    const second = anOrderCancelled({
      orderId: 'SO-B',
      sellerId: 'seller-2',
      items: [first.items[1] ?? fail()],
    });
    const third = anOrderCancelled({ orderId: 'SO-A', reason: 'Customer called' });

    await events.publish([first, second, third]);

    const records = await readRecords(kafka, topic, 3);
    expect(records).toHaveLength(3);
    const byEventId = new Map(records.map((record) => [header(record.headers, 'event-id'), record]));
    for (const event of [first, second, third]) {
      const record = byEventId.get(event.eventId) ?? fail(`no record for ${event.eventId}`);
      expect(record.key?.toString()).toBe(event.orderId);
      expect(header(record.headers, 'source')).toBe(event.source);
      expect(header(record.headers, 'content-type')).toBe('application/json');
      expect(header(record.headers, 'schema-version')).toBe('1');
      const decoded = decodeOrderCancelled(record.value);
      expect(decoded).toEqual({ ok: true, value: { schemaVersion: 1, ...event } });
      expect(decoded).toEqual({ ok: true, value: toOrderCancelledV1(event) });
    }
    // Same key, same partition, in publishing order.
    const orderA = records.filter((record) => record.key?.toString() === 'SO-A');
    expect(new Set(orderA.map((record) => record.partition)).size).toBe(1);
    expect(orderA.map((record) => header(record.headers, 'event-id'))).toEqual([
      first.eventId,
      third.eventId,
    ]);
  });

  it('publishes nothing for an empty batch, and nothing of a batch holding an invalid event', async () => {
    const emptyTopic = await freshTopic(kafka, 'order-cancelled-empty');
    const guarded = new KafkaCancellationEvents({ kafka, topic: emptyTopic });
    await guarded.connect();
    try {
      await guarded.publish([]);
      await expect(guarded.publish([anOrderCancelled(), anOrderCancelled({ items: [] })])).rejects.toThrow(
        /refusing to encode an invalid order.cancelled v1 event: \/items/,
      );
      expect(await countRecords(kafka, emptyTopic)).toBe(0);
    } finally {
      await guarded.disconnect();
    }
  });
});

function fail(message = 'unexpected'): never {
  throw new Error(message);
}
