/**
 * The service's environment in a benchmark: a database, topics and consumer group of its own on the
 * stack, the sandbox as Uniware with no rate limit and `inFlight` calls at once (as many connections),
 * then `settings`, then BENCH_SERVICE_ENV (`NAME=value,NAME=value`), which wins.
 */
import { randomUUID } from 'node:crypto';

export const benchServiceEnvironment = (
  stack: { readonly kafkaBrokers: readonly string[]; readonly mongodbUri: string },
  uniwareUrl: string,
  options: { readonly name: string; readonly inFlight: number; readonly settings?: Record<string, string> },
): { readonly suffix: string; readonly env: Record<string, string> } => {
  const suffix = randomUUID().slice(0, 8);
  const { name, inFlight } = options;
  return {
    suffix,
    env: {
      MONGODB_URI: stack.mongodbUri,
      MONGODB_DATABASE: `bench_${name}_${suffix}`,
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      KAFKA_GROUP_ID: `bench-${name}-${suffix}`,
      TOPIC_ORDER_CANCELLED: `order.cancelled.${name}.${suffix}`,
      TOPIC_ORDER_CANCELLED_DLQ: `order.cancelled.dlq.${name}.${suffix}`,
      TOPIC_ORDER_LIFECYCLE: `order.lifecycle.${name}.${suffix}`,
      TOPIC_ORDER_LIFECYCLE_DLQ: `order.lifecycle.dlq.${name}.${suffix}`,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      METRICS_PORT: '0',
      LOG_LEVEL: 'info',
      UC_BASE_URL: uniwareUrl,
      UC_CLIENT_ID: 'sandbox-client',
      UC_SECURITY_KEY: 'sandbox-security-key',
      UC_REQUESTS_PER_SECOND: '100000',
      UC_MAX_CONCURRENCY: String(inFlight),
      UC_CONNECTIONS: String(inFlight),
      ...options.settings,
      ...Object.fromEntries(
        (process.env.BENCH_SERVICE_ENV ?? '')
          .split(',')
          .filter((pair) => pair.includes('='))
          .map((pair) => [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1).trim()]),
      ),
    },
  };
};

/** An `order.cancelled` record of one unit of seller-1's order, keyed by the order as producers do. */
export const orderCancelledRecord = (orderId: string, reason: string): { key: string; value: string } => ({
  key: orderId,
  value: JSON.stringify({
    schemaVersion: 1,
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    source: 'customer',
    orderId,
    sellerId: 'seller-1',
    items: [{ productId: 'p-1', variantId: 'v-1', quantity: 1 }],
    reason,
  }),
});
