/**
 * Direct access to what the service uses — its database and topics — to arrange a test and to
 * check what it left behind, through the project's own adapters where they exist.
 */
import { createNodeCrypto } from '@cancel-sync/adapter-crypto';
import {
  connectMongo,
  createMongoStores,
  type MongoConnection,
  type MongoStores,
} from '@cancel-sync/adapter-mongodb';
import { registerSeller } from '@cancel-sync/application';
import type { Order } from '@cancel-sync/domain';
import { type Consumer, Kafka, logLevel, type Producer } from 'kafkajs';
import type { ServiceEnvironment } from './service-environment.ts';

export interface World {
  readonly mongo: MongoConnection;
  readonly stores: MongoStores;
  readonly kafka: Kafka;
  readonly producer: Producer;
  registerSeller(sellerId: string, password?: string): Promise<{ username: string; password: string }>;
  seedOrder(order: Order): Promise<void>;
  storedOrder(orderId: string): Promise<Order | undefined>;
  publish(topic: string, messages: readonly { key?: string; value: string | Buffer }[]): Promise<void>;
  /** Everything on `topic` from the start, read by a group of its own. */
  readTopic(topic: string): TopicReader;
  close(): Promise<void>;
}

export interface TopicReader {
  readonly messages: { key: string | undefined; value: string; headers: Record<string, string> }[];
  close(): Promise<void>;
}

const crypto = createNodeCrypto({ scryptCost: { N: 1024, r: 8, p: 1 } });

export const openWorld = async (env: ServiceEnvironment): Promise<World> => {
  const mongo = await connectMongo(env.MONGODB_URI ?? '', { dbName: env.MONGODB_DATABASE ?? '' });
  const stores = createMongoStores(mongo.db);
  await stores.ensureIndexes();
  const kafka = new Kafka({
    clientId: 'test-world',
    brokers: (env.KAFKA_BROKERS ?? '').split(','),
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer();
  await producer.connect();
  const readers: TopicReader[] = [];

  return {
    mongo,
    stores,
    kafka,
    producer,
    async registerSeller(sellerId, password = `${sellerId}-password-123`) {
      const username = `uc-${sellerId}`;
      const answer = await registerSeller({
        sellers: stores.sellers,
        tokens: stores.accessTokens,
        crypto,
        clock: { now: () => new Date() },
      })({
        sellerId,
        username,
        uniwareMerchantId: `merchant-${sellerId}`,
        password,
      });
      if (!answer.ok) throw new Error(`could not register ${sellerId}: ${answer.message}`);
      return { username, password };
    },
    async seedOrder(order) {
      const current = await stores.ledger.find(order.orderId);
      const written = await stores.ledger.write({
        expectedRevision: current?.order.revision,
        order: { ...order, revision: (current?.order.revision ?? 0) + 1 },
        now: new Date(),
      });
      if (written !== 'written') throw new Error(`could not seed ${order.orderId}`);
    },
    async storedOrder(orderId) {
      return (await stores.ledger.find(orderId))?.order;
    },
    async publish(topic, messages) {
      await producer.send({ topic, messages: messages.map((message) => ({ ...message })) });
    },
    readTopic(topic) {
      const messages: TopicReader['messages'] = [];
      const consumer: Consumer = kafka.consumer({ groupId: `reader-${topic}-${Math.random()}` });
      const started = (async () => {
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }) => {
            messages.push({
              key: message.key?.toString(),
              value: message.value?.toString() ?? '',
              headers: Object.fromEntries(
                Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
              ),
            });
          },
        });
      })();
      const reader = {
        messages,
        close: async () => {
          await started.catch(() => undefined);
          await consumer.disconnect();
        },
      };
      readers.push(reader);
      return reader;
    },
    async close() {
      await Promise.allSettled(readers.map((reader) => reader.close()));
      await producer.disconnect();
      await mongo.db.dropDatabase().catch(() => undefined);
      await mongo.close();
    },
  };
};
