/**
 * The `consumer` role: `order.cancelled` becomes delivery jobs, `order.lifecycle` builds the ledger.
 * Each topic has a group of its own (a shared group would hand a member partitions of a topic it
 * does not consume); a record whose handling keeps failing is parked, never retried for ever.
 */
import { startOrderCancelledConsumer, startOrderLifecycleConsumer } from '@cancel-sync/adapter-kafka';
import { isStoreUnavailable } from '@cancel-sync/adapter-mongodb';
import { applyOrderSnapshot, type ParkedRecord, WriteConflictError } from '@cancel-sync/application';
import type { Kafka } from 'kafkajs';
import { consumerLog } from '../consumer-log.ts';
import { tracedRecord } from '../traced.ts';
import { clock, type RoleContext } from './context.ts';

export const startConsumers = async (
  { config, logger, metrics, lifecycle, stores, accept, wake }: RoleContext,
  kafka: Kafka,
): Promise<void> => {
  const { env } = config;
  const log = logger.child({ part: 'consumer' });
  const options = (topic: string, deadLetterTopic: string, group: string) => ({
    kafka,
    groupId: `${env.KAFKA_GROUP_ID}.${group}`,
    topic,
    deadLetterTopic,
    partitionsConsumedConcurrently: env.KAFKA_PARTITIONS_CONCURRENTLY,
    sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
    observe: consumerLog(log, metrics, topic),
    aroundRecord: tracedRecord(`${env.KAFKA_GROUP_ID}.${group}`),
    park: {
      store: async (record: ParkedRecord) => {
        await stores.parkedRecords.park(record);
        wake.relays();
      },
      maxAttempts: env.CONSUMER_MAX_RECORD_ATTEMPTS,
      // The database being unreachable, or the order busy under other writers, is waited out.
      isTransient: (error: unknown) => isStoreUnavailable(error) || error instanceof WriteConflictError,
    },
  });
  const watch = (name: string, consumer: { stop(): Promise<void>; isHealthy(): boolean }) => {
    lifecycle.onStop(name, () => consumer.stop());
    lifecycle.check(name, async () => (consumer.isHealthy() ? 'ok' : 'not running'));
  };
  // Started again after a failed attempt: what started already is kept.
  if (!lifecycle.has('order.cancelled consumer')) {
    watch(
      'order.cancelled consumer',
      await startOrderCancelledConsumer({
        ...options(env.TOPIC_ORDER_CANCELLED, env.TOPIC_ORDER_CANCELLED_DLQ, 'order-cancelled'),
        // Distinct orders of one partition at once: one order's events stay in order.
        keysConcurrently: env.KAFKA_KEYS_CONCURRENTLY,
        // The store wakes whom it concerns: the dispatcher (unless it took the job at once), and
        // the dead-letter relay for a job stored with a dead letter. Nothing else is woken.
        accept,
      }),
    );
  }
  if (!lifecycle.has('order.lifecycle consumer')) {
    watch(
      'order.lifecycle consumer',
      await startOrderLifecycleConsumer({
        ...options(env.TOPIC_ORDER_LIFECYCLE, env.TOPIC_ORDER_LIFECYCLE_DLQ, 'order-lifecycle'),
        apply: applyOrderSnapshot({
          ledger: stores.ledger,
          clock,
          maxWriteAttempts: env.LEDGER_MAX_WRITE_ATTEMPTS,
        }),
      }),
    );
  }
};
