import { type Consumer, type IHeaders, Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../src/index.ts';

/**
 * The operations the service relies on, against whatever broker the stack provides (on machines
 * without Docker: the embedded Kafka 4.x, which is also how its compatibility with kafkajs 2.2.4 is
 * checked).
 */
const { kafkaBrokers } = inject('stack');
const kafka = new Kafka({
  clientId: uniqueName('devstack-kafka-test'),
  brokers: kafkaBrokers,
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();
const producer = kafka.producer({ allowAutoTopicCreation: false });

beforeAll(async () => {
  await Promise.all([admin.connect(), producer.connect()]);
});

afterAll(async () => {
  await Promise.all([admin.disconnect(), producer.disconnect()]);
});

type Received = { offset: string; value: string; headers: IHeaders };

/**
 * Runs `consumer` until `count` messages have arrived, committing each offset by hand as soon as it
 * is handled (autoCommit off), so that what is committed is exactly what was seen.
 */
async function consume(consumer: Consumer, topic: string, count: number): Promise<Received[]> {
  const received: Received[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`received ${received.length} of ${count} messages within 30 s`)),
      30_000,
    );
    consumer
      .run({
        autoCommit: false,
        eachMessage: async ({ partition, message }: { partition: number; message: KafkaMessage }) => {
          received.push({
            offset: message.offset,
            value: message.value?.toString() ?? '',
            headers: message.headers ?? {},
          });
          await consumer.commitOffsets([
            { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
          ]);
          if (received.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  return received;
}

describe('Kafka from the stack', () => {
  it('creates a topic through the admin API and reports its metadata', async () => {
    const topic = uniqueName('devstack-admin');
    await expect(
      admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true }),
    ).resolves.toBe(true);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics).toHaveLength(1);
    expect(metadata.topics[0]?.name).toBe(topic);
    expect(metadata.topics[0]?.partitions.map((partition) => partition.partitionId).sort()).toEqual([0, 1]);
  });

  it('delivers through a consumer group with headers intact, and a second member resumes after the committed offset', async () => {
    const topic = uniqueName('devstack-orders');
    const groupId = uniqueName('devstack-group');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });

    await producer.send({
      topic,
      messages: [
        { key: 'order-1', value: 'first', headers: { 'correlation-id': 'c-1', attempt: '1' } },
        {
          key: 'order-2',
          value: 'second',
          headers: { 'correlation-id': 'c-2', binary: Buffer.from([0, 255, 7]) },
        },
        { key: 'order-3', value: 'third' },
      ],
    });

    const first = kafka.consumer({ groupId });
    await first.connect();
    await first.subscribe({ topic, fromBeginning: true });
    const firstBatch = await consume(first, topic, 3);
    await first.disconnect();

    expect(firstBatch.map((message) => message.value)).toEqual(['first', 'second', 'third']);
    expect(firstBatch[0]?.headers['correlation-id']?.toString()).toBe('c-1');
    expect(firstBatch[0]?.headers.attempt?.toString()).toBe('1');
    expect(firstBatch[1]?.headers['correlation-id']?.toString()).toBe('c-2');
    expect(firstBatch[1]?.headers.binary).toEqual(Buffer.from([0, 255, 7]));
    expect(firstBatch[2]?.headers).toEqual({});

    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(committed).toEqual([{ topic, partitions: [{ partition: 0, offset: '3', metadata: null }] }]);

    await producer.send({ topic, messages: [{ value: 'fourth' }, { value: 'fifth' }] });

    // Same group, fromBeginning: a committed offset wins over it, so the first three must not come back.
    const second = kafka.consumer({ groupId });
    await second.connect();
    await second.subscribe({ topic, fromBeginning: true });
    const secondBatch = await consume(second, topic, 2);
    await second.disconnect();

    expect(secondBatch.map((message) => message.value)).toEqual(['fourth', 'fifth']);
    expect(secondBatch.map((message) => message.offset)).toEqual(['3', '4']);
  });

  it('creates a topic on first use when a producer writes to it', async () => {
    const topic = uniqueName('devstack-auto');
    const autoProducer = kafka.producer({ allowAutoTopicCreation: true });
    await autoProducer.connect();
    try {
      const [record] = await autoProducer.send({ topic, messages: [{ value: 'hello' }] });
      expect(record?.errorCode).toBe(0);
    } finally {
      await autoProducer.disconnect();
    }
    await expect(admin.listTopics()).resolves.toContain(topic);
  });
});
