/**
 * The whole service as a separate process against the real stack and the Uniware sandbox:
 * inbound POST /orders/cancel throughput and latency (new requests and retries), outbound
 * order.cancelled → Uniware throughput and end-to-end latency, and the service's memory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createNodeCrypto } from '@cancel-sync/adapter-crypto';
import { connectMongo, createMongoStores } from '@cancel-sync/adapter-mongodb';
import { registerSeller } from '@cancel-sync/application';
import type { Stack } from '@cancel-sync/devstack';
import { startSandbox } from '@cancel-sync/uc-sandbox';
import { Kafka, logLevel } from 'kafkajs';
import { round, rssMiB, summary } from './stats.ts';

const serviceDir = fileURLToPath(new URL('../apps/service/', import.meta.url));

const spawnService = (env: Record<string, string>): Promise<{ child: ChildProcess; httpUrl: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['src/main.ts'], {
      cwd: serviceDir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const started = /"httpUrl":"([^"]+)"[^\n]*"cancel-sync started"/.exec(buffered);
      if (started?.[1] !== undefined) resolve({ child, httpUrl: started[1] });
      if (buffered.length > 1_000_000) buffered = buffered.slice(-10_000);
    });
    child.once('exit', (code) => reject(new Error(`the service exited with ${code}`)));
  });

/** Runs `total` requests with `concurrency` in flight; returns latencies (ms) and elapsed seconds. */
const load = async (total: number, concurrency: number, send: (index: number) => Promise<number>) => {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const index = next++;
        const before = performance.now();
        const status = await send(index);
        latencies.push(performance.now() - before);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    requestsPerSecond: round(total / seconds, 0),
    latencyMs: summary(latencies),
    statuses: Object.fromEntries(statuses),
  };
};

export const benchService = async (
  stack: Stack,
  sizes: { requests: number; concurrency: number; events: number },
) => {
  const sandbox = await startSandbox({ logLevel: 'silent', maxRecordedCalls: sizes.events + 1000 });
  const suffix = randomUUID().slice(0, 8);
  const env = {
    MONGODB_URI: stack.mongodbUri,
    MONGODB_DATABASE: `bench_${suffix}`,
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    KAFKA_GROUP_ID: `bench-${suffix}`,
    TOPIC_ORDER_CANCELLED: `order.cancelled.bench.${suffix}`,
    TOPIC_ORDER_CANCELLED_DLQ: `order.cancelled.dlq.bench.${suffix}`,
    TOPIC_ORDER_LIFECYCLE: `order.lifecycle.bench.${suffix}`,
    TOPIC_ORDER_LIFECYCLE_DLQ: `order.lifecycle.dlq.bench.${suffix}`,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    METRICS_ENABLED: 'false',
    LOG_LEVEL: 'info',
    UC_BASE_URL: sandbox.url,
    UC_CLIENT_ID: 'sandbox-client',
    UC_SECURITY_KEY: 'sandbox-security-key',
    UC_REQUESTS_PER_SECOND: '100000',
    UC_MAX_CONCURRENCY: '32',
    DELIVERY_POLL_INTERVAL_MS: '20',
    OUTBOX_POLL_INTERVAL_MS: '20',
  };
  const mongo = await connectMongo(stack.mongodbUri, { dbName: env.MONGODB_DATABASE });
  const stores = createMongoStores(mongo.db);
  await stores.ensureIndexes();
  const crypto = createNodeCrypto();
  await registerSeller({
    sellers: stores.sellers,
    tokens: stores.accessTokens,
    crypto,
    clock: { now: () => new Date() },
  })({
    sellerId: 'seller-1',
    username: 'bench-seller',
    uniwareMerchantId: 'bench-merchant',
    password: 'a-bench-password',
  });
  const orders = Array.from({ length: 200 }, (_, index) => `SO-B${index}`);
  for (const orderId of orders) {
    await stores.ledger.write({
      expectedRevision: undefined,
      order: {
        orderId,
        sellerId: 'seller-1',
        status: 'CREATED',
        revision: 1,
        sourceRevision: 1,
        items: [
          {
            orderItemId: 'i-1',
            productId: 'p-1',
            variantId: 'v-1',
            quantity: 1_000_000,
            cancelledQuantity: 0,
            status: 'CREATED',
          },
        ],
      },
      now: new Date(),
    });
  }

  const { child, httpUrl } = await spawnService(env);
  const pid = child.pid ?? 0;
  try {
    const rssAtStart = await rssMiB(pid);
    const tokenAnswer = await fetch(`${httpUrl}/authToken?username=bench-seller&password=a-bench-password`);
    const { accessToken } = (await tokenAnswer.json()) as { accessToken: string };
    const cancel = async (orderId: string, key?: string) => {
      const response = await fetch(`${httpUrl}/orders/cancel`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          apikey: accessToken,
          ...(key === undefined ? {} : { 'idempotency-key': key }),
        },
        body: JSON.stringify({
          orderId,
          orderItems: [{ orderItemId: 'i-1', productId: 'p-1', variantId: 'v-1', quantity: 1 }],
        }),
      });
      await response.arrayBuffer();
      return response.status;
    };
    // Warm-up: connections, JIT, the replay entries used by the retry phase.
    await load(400, sizes.concurrency, (index) =>
      cancel(orders[index % orders.length] ?? '', `warm-${index}`),
    );
    for (const orderId of orders) await cancel(orderId);

    const fresh = await load(sizes.requests, sizes.concurrency, (index) =>
      cancel(orders[index % orders.length] ?? '', randomUUID()),
    );
    const retries = await load(sizes.requests, sizes.concurrency, (index) =>
      cancel(orders[index % orders.length] ?? ''),
    );
    const rssAfterInbound = await rssMiB(pid);

    // Outbound: events published at once, delivered through the sandbox.
    const kafka = new Kafka({ clientId: 'bench', brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    sandbox.state.calls.clear();
    const publishedAt = new Map<string, number>();
    const started = performance.now();
    for (let from = 0; from < sizes.events; from += 500) {
      const batch = Array.from({ length: Math.min(500, sizes.events - from) }, (_, offset) => {
        const orderId = `SO-OUT-${from + offset}`;
        publishedAt.set(orderId, Date.now());
        return {
          key: orderId,
          value: JSON.stringify({
            schemaVersion: 1,
            eventId: randomUUID(),
            occurredAt: new Date().toISOString(),
            source: 'customer',
            orderId,
            sellerId: 'seller-1',
            items: [{ productId: 'p-1', variantId: 'v-1', quantity: 1 }],
            reason: 'bench',
          }),
        };
      });
      await producer.send({ topic: env.TOPIC_ORDER_CANCELLED, messages: batch });
    }
    await producer.disconnect();
    for (;;) {
      if ((await stores.deliveryJobs.countByState()).delivered >= sizes.events) break;
      if (performance.now() - started > 300_000) throw new Error('outbound bench did not finish in 300 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const outboundSeconds = (performance.now() - started) / 1000;
    const endToEnd = sandbox.state.calls
      .list()
      .map((call) => Date.parse(call.receivedAt) - (publishedAt.get(call.saleOrderCode ?? '') ?? Number.NaN))
      .filter((ms) => Number.isFinite(ms));
    const rssAfterOutbound = await rssMiB(pid);

    return {
      inbound: {
        concurrency: sizes.concurrency,
        newCancellations: fresh,
        identicalRetries: retries,
        retryToNewThroughputRatio: round(retries.requestsPerSecond / fresh.requestsPerSecond, 2),
      },
      outbound: {
        events: sizes.events,
        eventsPerSecond: round(sizes.events / outboundSeconds, 0),
        publishToUniwareMs: summary(endToEnd),
      },
      serviceRssMiB: { atStart: rssAtStart, afterInbound: rssAfterInbound, afterOutbound: rssAfterOutbound },
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await mongo.db.dropDatabase().catch(() => undefined);
    await mongo.close();
    await sandbox.close();
  }
};
