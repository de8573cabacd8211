/** A service environment of its own: its database, topics and consumer group, on a given stack. */
import { randomUUID } from 'node:crypto';

export type ServiceEnvironment = Record<string, string>;

export const serviceEnvironment = (
  stack: { readonly kafkaBrokers: readonly string[]; readonly mongodbUri: string },
  uniwareUrl: string,
  overrides: ServiceEnvironment = {},
): ServiceEnvironment => {
  const { kafkaBrokers, mongodbUri } = stack;
  const suffix = randomUUID().slice(0, 8);
  return {
    MONGODB_URI: mongodbUri,
    MONGODB_DATABASE: `cs_${suffix}`,
    KAFKA_BROKERS: kafkaBrokers.join(','),
    KAFKA_GROUP_ID: `cancel-sync-${suffix}`,
    KAFKA_TOPIC_PARTITIONS: '3',
    TOPIC_ORDER_CANCELLED: `order.cancelled.${suffix}`,
    TOPIC_ORDER_CANCELLED_DLQ: `order.cancelled.dlq.${suffix}`,
    TOPIC_ORDER_LIFECYCLE: `order.lifecycle.${suffix}`,
    TOPIC_ORDER_LIFECYCLE_DLQ: `order.lifecycle.dlq.${suffix}`,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: 'silent',
    UC_BASE_URL: uniwareUrl,
    UC_CLIENT_ID: 'sandbox-client',
    UC_SECURITY_KEY: 'sandbox-security-key',
    UC_RESPONSE_TIMEOUT_MS: '2000',
    UC_CONNECT_TIMEOUT_MS: '1000',
    UC_REQUESTS_PER_SECOND: '1000',
    UC_MAX_CONCURRENCY: '16',
    DELIVERY_LEASE_MS: '5000',
    DELIVERY_LEASE_RENEW_MS: '1000',
    // Events here are mostly for orders the ledger never heard of: pushed at once, as asked.
    DELIVERY_AWAIT_LEDGER_SECONDS: '0',
    SHUTDOWN_DRAIN_MS: '0',
    DELIVERY_POLL_INTERVAL_MS: '50',
    DELIVERY_BASE_DELAY_MS: '50',
    DELIVERY_MAX_DELAY_MS: '500',
    OUTBOX_POLL_INTERVAL_MS: '50',
    ...overrides,
  };
};
