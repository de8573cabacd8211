/**
 * The outbound baseline, run as its own process: a bare kafkajs consumer that calls Uniware (the
 * sandbox) with undici, BASELINE_IN_FLIGHT (64) calls at once over as many connections. No ledger,
 * no job store, no retries: the least that turns an order.cancelled record into a Uniware call.
 * Env: BASELINE_KAFKA_BROKERS, BASELINE_TOPIC, BASELINE_GROUP_ID, BASELINE_UC_BASE_URL,
 * BASELINE_MERCHANT_ID. Prints `{"url": ...}` once its consumer has joined; GET /memory answers
 * `process.memoryUsage()`.
 */
import { createServer } from 'node:http';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'undici';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
};
const inFlight = Number(process.env.BASELINE_IN_FLIGHT ?? 64);
const merchantId = process.env.BASELINE_MERCHANT_ID ?? 'bench-merchant';
const uniware = new Pool(env('BASELINE_UC_BASE_URL'), { connections: inFlight, pipelining: 1 });

/** At most `inFlight` calls at once, across every partition. */
let running = 0;
const waiting: (() => void)[] = [];
const slot = async (): Promise<void> => {
  if (running < inFlight) {
    running += 1;
    return;
  }
  await new Promise<void>((resolve) => waiting.push(resolve));
};
const release = () => {
  const next = waiting.shift();
  if (next === undefined) running -= 1;
  else next();
};

interface CancelledEvent {
  orderId: string;
  items: { productId: string; variantId: string; quantity: number }[];
  reason: string;
}
const call = async (event: CancelledEvent): Promise<void> => {
  const { body } = await uniware.request({
    method: 'POST',
    path: '/uc/v1/order/cancel',
    headers: {
      'content-type': 'application/json',
      clientid: 'sandbox-client',
      merchantid: merchantId,
      securitykey: 'sandbox-security-key',
    },
    body: JSON.stringify({
      saleOrderCode: event.orderId,
      cancelledSkuCodes: event.items,
      cancellationReason: event.reason,
    }),
  });
  await body.text();
};

const kafka = new Kafka({
  clientId: 'bench-baseline',
  brokers: env('BASELINE_KAFKA_BROKERS').split(','),
  logLevel: logLevel.NOTHING,
});
const consumer = kafka.consumer({ groupId: env('BASELINE_GROUP_ID') });
await consumer.connect();
await consumer.subscribe({ topic: env('BASELINE_TOPIC'), fromBeginning: true });
const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
await consumer.run({
  partitionsConsumedConcurrently: 16,
  eachBatchAutoResolve: false,
  eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
    await Promise.all(
      batch.messages.map(async (message) => {
        await slot();
        try {
          await call(JSON.parse(message.value?.toString() ?? '{}') as CancelledEvent);
        } finally {
          release();
        }
      }),
    );
    const last = batch.messages.at(-1);
    if (last !== undefined) resolveOffset(last.offset);
    await heartbeat();
  },
});
await joined;

const server = createServer((_request, response) => {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify(process.memoryUsage()));
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
process.on('SIGTERM', () => {
  void consumer
    .disconnect()
    .then(() => uniware.close())
    .then(() => process.exit(0));
});
