/**
 * The parts that need Kafka (topics, the relays, the consumers, the lag gauge) start in the
 * background, retried until Kafka answers, so that the API Uniware calls is up as soon as MongoDB
 * is; readiness says `kafka: starting` until they run. A retry keeps what started already.
 */
import { createKafkaClient, ensureTopics } from '@cancel-sync/adapter-kafka';
import { type BackgroundStart, startInBackground } from '../background-start.ts';
import { registerLagGauge } from '../gauges.ts';
import { startConsumers } from './consumers.ts';
import type { RoleContext } from './context.ts';
import { startRelays } from './relays.ts';

export const startKafkaParts = (context: RoleContext): BackgroundStart => {
  const { config, logger, metrics, lifecycle } = context;
  const { env, roles } = config;
  const kafka = createKafkaClient({
    ...config.kafka,
    brokers: [...config.kafka.brokers],
    log: (level, message, extra) => logger[level]({ kafka: extra }, message),
  });
  if (roles.has('consumer')) {
    const lag = registerLagGauge(metrics, kafka, [
      { groupId: `${env.KAFKA_GROUP_ID}.order-cancelled`, topic: env.TOPIC_ORDER_CANCELLED },
      { groupId: `${env.KAFKA_GROUP_ID}.order-lifecycle`, topic: env.TOPIC_ORDER_LIFECYCLE },
    ]);
    lifecycle.onStop('lag gauge', () => lag.stop());
  }
  const done = new Set<string>();
  const once = async (part: string, start: () => Promise<void>) => {
    if (done.has(part)) return;
    await start();
    done.add(part);
  };
  const parts = startInBackground(
    async () => {
      if (env.KAFKA_CREATE_TOPICS) {
        await once('topics', () =>
          ensureTopics(
            kafka,
            [
              env.TOPIC_ORDER_CANCELLED,
              env.TOPIC_ORDER_CANCELLED_DLQ,
              env.TOPIC_ORDER_LIFECYCLE,
              env.TOPIC_ORDER_LIFECYCLE_DLQ,
            ].map((topic) => ({ topic, numPartitions: env.KAFKA_TOPIC_PARTITIONS })),
          ).then(() => undefined),
        );
      }
      if (roles.has('relay')) await once('relays', () => startRelays(context, kafka));
      if (roles.has('consumer')) await once('consumers', () => startConsumers(context, kafka));
      logger.info('Kafka parts started');
    },
    {
      firstDelayMs: 1000,
      maxDelayMs: 30_000,
      onError: (error, attempt) =>
        logger.warn({ err: error, attempt }, 'Kafka parts did not start; trying again'),
    },
  );
  lifecycle.check('kafka', async () => (parts.started ? 'ok' : 'starting'));
  return parts;
};
