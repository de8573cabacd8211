/**
 * The gauges an SRE alerts on, read at scrape time: delivery jobs by state, the age of the oldest
 * pending delivery and of the oldest unpublished announcement (each one indexed query, never a
 * scan), and each consumer group's lag per partition (asked of the broker).
 */
import { consumerLag } from '@cancel-sync/adapter-kafka';
import type { MongoStores } from '@cancel-sync/adapter-mongodb';
import type { Kafka } from 'kafkajs';
import { addScrapedGauge, type Metrics } from './metrics.ts';

const ageSeconds = (since: Date | undefined, now: Date) =>
  since === undefined ? 0 : Math.max(0, (now.getTime() - since.getTime()) / 1000);

export const registerStoreGauges = (
  metrics: Metrics,
  stores: Pick<MongoStores, 'deliveryJobs' | 'outbox'>,
  now: () => Date,
): void => {
  addScrapedGauge(metrics, 'cancel_sync_delivery_jobs', 'Delivery jobs by state.', ['state'], async () =>
    Object.entries(await stores.deliveryJobs.countByState()).map(([state, value]) => ({
      labels: { state },
      value,
    })),
  );
  addScrapedGauge(
    metrics,
    'cancel_sync_oldest_pending_delivery_age_seconds',
    'Age of the oldest delivery job still pending (0 when none): how far deliveries to Uniware lag.',
    [],
    async () => [{ labels: {}, value: ageSeconds(await stores.deliveryJobs.oldestPendingSince(), now()) }],
  );
  addScrapedGauge(
    metrics,
    'cancel_sync_oldest_unpublished_announcement_age_seconds',
    'Age of the oldest order.cancelled announcement not yet published (0 when none).',
    [],
    async () => [{ labels: {}, value: ageSeconds(await stores.outbox.oldestPendingSince(), now()) }],
  );
};

export const registerLagGauge = (
  metrics: Metrics,
  kafka: Kafka,
  groups: readonly { readonly groupId: string; readonly topic: string }[],
): { stop(): Promise<void> } => {
  const admin = kafka.admin();
  let connected: Promise<void> | undefined;
  addScrapedGauge(
    metrics,
    'cancel_sync_consumer_lag',
    'Records of a topic not yet consumed by its group, per partition.',
    ['topic', 'partition'],
    async () => {
      connected ??= admin.connect().catch((error: unknown) => {
        connected = undefined;
        throw error;
      });
      await connected;
      const lags = await Promise.all(
        groups.map(async ({ groupId, topic }) =>
          (await consumerLag(admin, groupId, topic)).map(({ partition, lag }) => ({
            labels: { topic, partition: String(partition) },
            value: lag,
          })),
        ),
      );
      return lags.flat();
    },
  );
  return { stop: () => admin.disconnect() };
};
