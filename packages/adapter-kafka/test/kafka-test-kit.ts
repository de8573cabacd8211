/** A real broker for the tests: fresh topics and groups per test, and readers that wait, never sleep. */
import { uniqueName } from '@cancel-sync/devstack';
import type { IHeaders, Kafka } from 'kafkajs';
import { inject } from 'vitest';
import { createKafkaClient, type EventConsumerOptions, ensureTopics } from '../src/index.ts';

export const brokers = (): string[] => inject('stack').kafkaBrokers;

export const testKafka = (name = 'adapter-kafka-test'): Kafka =>
  createKafkaClient({ clientId: uniqueName(name), brokers: brokers(), logLevel: 'error' });

export const freshTopic = async (kafka: Kafka, prefix: string, numPartitions = 3): Promise<string> => {
  const topic = uniqueName(prefix);
  await ensureTopics(kafka, [{ topic, numPartitions }]);
  return topic;
};

export const freshGroup = (prefix = 'group'): string => uniqueName(prefix);

/** Joins and rebalances take seconds on a small machine; these keep them short but safe. */
export const quickConsumer = {
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  maxWaitTimeMs: 250,
  retryDelays: { initialDelayMs: 50, maxDelayMs: 500 },
} satisfies Partial<EventConsumerOptions<unknown>>;

export const waitFor = async (
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 45_000,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

export interface ReadRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
}

/** Every record on the topic, from the beginning, once there are at least `count`. */
export const readRecords = async (kafka: Kafka, topic: string, count: number): Promise<ReadRecord[]> => {
  const consumer = kafka.consumer({
    groupId: uniqueName('reader'),
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: 250,
  });
  const records: ReadRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        records.push({
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers: message.headers ?? {},
        });
      },
    });
    await waitFor(() => records.length >= count, `${count} records on ${topic}`);
    return records;
  } finally {
    await consumer.disconnect();
  }
};

/** How many records the topic holds, from the partitions' offsets: no consumer group needed. */
export const countRecords = async (kafka: Kafka, topic: string): Promise<number> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
  } finally {
    await admin.disconnect();
  }
};

export const header = (headers: IHeaders, name: string): string | undefined => headers[name]?.toString();

/** Resolves when `release` is called; for handlers that must hang or be let go on cue. */
export const gate = (): { readonly opened: Promise<void>; readonly release: () => void } => {
  let release = (): void => undefined;
  const opened = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { opened, release };
};
