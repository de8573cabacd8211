/**
 * `keysConcurrently`: records of distinct keys of one partition are handled at once, the records of
 * one key stay in order, and no offset is committed past a record not done yet.
 */
import { decodeOrderCancelled, encodeOrderCancelled, type OrderCancelledV1 } from '@cancel-sync/contracts';
import type { OrderCancelled } from '@cancel-sync/domain';
import type { Kafka, Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createProducer,
  type EventConsumer,
  type EventConsumerOptions,
  startEventConsumer,
  toOrderCancelledV1,
} from '../src/index.ts';
import { freshGroup, freshTopic, gate, quickConsumer, testKafka, waitFor } from './kafka-test-kit.ts';
import { anOrderCancelled } from './mothers.ts';

let kafka: Kafka;
let producer: Producer;
const running: EventConsumer[] = [];

beforeAll(async () => {
  kafka = testKafka('consumer-keys');
  producer = createProducer(kafka);
  await producer.connect();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((consumer) => consumer.stop()));
});

afterAll(async () => {
  await producer?.disconnect();
});

const start = async (
  options: Omit<EventConsumerOptions<OrderCancelledV1>, 'kafka' | 'decode'>,
): Promise<EventConsumer> => {
  const consumer = await startEventConsumer({
    kafka,
    ...quickConsumer,
    decode: decodeOrderCancelled,
    ...options,
  });
  running.push(consumer);
  return consumer;
};

const recordValue = (event: OrderCancelled) => encodeOrderCancelled(toOrderCancelledV1(event));

const sendAll = (topic: string, events: readonly OrderCancelled[]) =>
  producer.send({
    topic,
    acks: -1,
    messages: events.map((event) => ({ key: event.orderId, value: recordValue(event), partition: 0 })),
  });

describe('handling distinct keys of one partition at once', () => {
  it("goes on with other keys while one key's record is under way, keeping each key's order", async () => {
    const topic = await freshTopic(kafka, 'keys', 1);
    const slow = gate();
    const handled: string[] = [];
    const blocked = anOrderCancelled({ orderId: 'SO-SLOW' });
    const afterBlocked = anOrderCancelled({ orderId: 'SO-SLOW' });
    const others = Array.from({ length: 6 }, (_, index) =>
      anOrderCancelled({ orderId: `SO-FAST-${index % 2}` }),
    );
    await start({
      groupId: freshGroup('keys'),
      topic,
      deadLetterTopic: await freshTopic(kafka, 'keys-dlq', 1),
      keysConcurrently: 4,
      handle: async (event) => {
        if (event.eventId === blocked.eventId) await slow.opened;
        handled.push(event.eventId);
      },
    });
    await sendAll(topic, [blocked, afterBlocked, ...others]);
    await waitFor(() => handled.length === others.length, 'the other keys handled');
    expect(handled).toEqual(others.map((event) => event.eventId));
    slow.release();
    await waitFor(() => handled.length === others.length + 2, "the slow key's records");
    expect(handled.slice(-2)).toEqual([blocked.eventId, afterBlocked.eventId]);
  });

  it('commits no offset past a record still under way: after a stop, it and what follows come back', async () => {
    const topic = await freshTopic(kafka, 'keys-commit', 1);
    const deadLetterTopic = await freshTopic(kafka, 'keys-commit-dlq', 1);
    const groupId = freshGroup('keys-commit');
    const first = anOrderCancelled({ orderId: 'SO-A' });
    const stuck = anOrderCancelled({ orderId: 'SO-B' });
    const later = anOrderCancelled({ orderId: 'SO-C' });
    const firstRun: string[] = [];
    let attempts = 0;
    const consumer = await start({
      groupId,
      topic,
      deadLetterTopic,
      keysConcurrently: 4,
      retryDelays: { initialDelayMs: 100, maxDelayMs: 100 },
      handle: async (event) => {
        if (event.eventId === stuck.eventId) {
          attempts += 1;
          throw new Error('still failing');
        }
        firstRun.push(event.eventId);
      },
    });
    await sendAll(topic, [first, stuck, later]);
    await waitFor(() => firstRun.length === 2 && attempts >= 2, 'the records around the stuck one');
    expect(firstRun).toEqual([first.eventId, later.eventId]);
    await consumer.stop();

    const secondRun: string[] = [];
    await start({
      groupId,
      topic,
      deadLetterTopic,
      keysConcurrently: 4,
      handle: async (event) => {
        secondRun.push(event.eventId);
      },
    });
    await waitFor(() => secondRun.length >= 2, 'the uncommitted records to come back');
    // The first record was committed; the stuck one and the one after it were not.
    expect(secondRun).toEqual([stuck.eventId, later.eventId]);
  });
});
