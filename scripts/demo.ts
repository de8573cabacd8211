/**
 * The first run of `pnpm start`: when the database has no seller yet, a demo seller and demo orders
 * are put in place (the orders through the order feed, as the marketplace would), and a short
 * "try it" is printed whose commands work as printed.
 */
import { createNodeCrypto } from '@cancel-sync/adapter-crypto';
import { COLLECTIONS, connectMongo, createMongoStores } from '@cancel-sync/adapter-mongodb';
import { registerSeller } from '@cancel-sync/application';
import { encodeOrderLifecycle } from '@cancel-sync/contracts';
import { Kafka, logLevel } from 'kafkajs';

export const DEMO = {
  sellerId: 'demo-seller',
  username: 'uc-demo',
  password: 'demo-password-change-me',
  merchantId: 'demo-merchant',
  orders: ['SO-DEMO-1', 'SO-DEMO-2', 'SO-DEMO-3'],
} as const;

export interface DemoTarget {
  readonly mongodbUri: string;
  readonly database: string;
  readonly kafkaBrokers: readonly string[];
  readonly lifecycleTopic: string;
}

/** @returns false when the database already had a seller (nothing is changed then). */
export const seedDemo = async (target: DemoTarget): Promise<boolean> => {
  const mongo = await connectMongo(target.mongodbUri, { dbName: target.database });
  try {
    if ((await mongo.db.collection(COLLECTIONS.sellers).estimatedDocumentCount()) > 0) return false;
    const stores = createMongoStores(mongo.db);
    await stores.ensureIndexes();
    const registered = await registerSeller({
      sellers: stores.sellers,
      tokens: stores.accessTokens,
      crypto: createNodeCrypto(),
      clock: { now: () => new Date() },
    })({
      sellerId: DEMO.sellerId,
      username: DEMO.username,
      uniwareMerchantId: DEMO.merchantId,
      password: DEMO.password,
    });
    if (!registered.ok) throw new Error(`could not register the demo seller: ${registered.message}`);
  } finally {
    await mongo.close();
  }
  const producer = new Kafka({
    clientId: 'demo',
    brokers: [...target.kafkaBrokers],
    logLevel: logLevel.NOTHING,
  }).producer();
  await producer.connect();
  try {
    await producer.send({
      topic: target.lifecycleTopic,
      messages: DEMO.orders.map((orderId) => ({
        key: orderId,
        value: encodeOrderLifecycle({
          schemaVersion: 1,
          eventId: crypto.randomUUID(),
          occurredAt: new Date().toISOString(),
          type: 'order.created',
          order: {
            orderId,
            sellerId: DEMO.sellerId,
            status: 'CREATED',
            revision: 1,
            items: [
              {
                orderItemId: `${orderId}-1`,
                productId: 'P-TEE',
                variantId: 'V-M',
                quantity: 3,
                status: 'CREATED',
              },
              {
                orderItemId: `${orderId}-2`,
                productId: 'P-MUG',
                variantId: 'V-STD',
                quantity: 1,
                status: 'CREATED',
              },
            ],
          },
        }),
      })),
    });
  } finally {
    await producer.disconnect();
  }
  return true;
};

/** The commands to paste, for the addresses this run uses. */
export const tryIt = (api: string, sandbox: string | undefined, cancelledTopic: string): string[] => {
  const topic = cancelledTopic === 'order.cancelled' ? '' : ` --topic ${cancelledTopic}`;
  return [
    'Try it (a demo seller and the orders SO-DEMO-1..3 are in place):',
    `  TOKEN=$(curl -s '${api}/authToken?username=${DEMO.username}&password=${DEMO.password}' | python3 -c 'import sys, json; print(json.load(sys.stdin)["accessToken"])')`,
    `  curl -s -X POST ${api}/orders/cancel -H "apiKey: $TOKEN" -H 'content-type: application/json' -d '{"orderId":"SO-DEMO-1","orderItems":[{"orderItemId":"SO-DEMO-1-1","productId":"P-TEE","variantId":"V-M","quantity":1}]}'`,
    `  ./pnpm dev:events cancel --order-id SO-DEMO-2 --seller-id ${DEMO.sellerId} --item SO-DEMO-2-1:P-TEE:V-M:2${topic}`,
    ...(sandbox === undefined
      ? []
      : [`  sleep 2; curl -s '${sandbox}/__sandbox/calls?saleOrderCode=SO-DEMO-2'`]),
  ];
};
