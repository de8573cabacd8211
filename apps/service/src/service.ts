/**
 * The composition root: builds every adapter from the configuration, hands them to the use cases,
 * starts the parts this process runs, and stops them in reverse order.
 */
import { randomUUID } from 'node:crypto';
import { createNodeCrypto } from '@cancel-sync/adapter-crypto';
import { buildHttpApi } from '@cancel-sync/adapter-http';
import {
  createKafkaClient,
  ensureTopics,
  KafkaCancellationEvents,
  KafkaDeadLetters,
  startOrderCancelledConsumer,
  startOrderLifecycleConsumer,
} from '@cancel-sync/adapter-kafka';
import { connectMongo, createMongoStores } from '@cancel-sync/adapter-mongodb';
import { createUniwareHttpClient } from '@cancel-sync/adapter-uniware';
import {
  acceptCancellationEvent,
  applyOrderSnapshot,
  authenticate,
  cancelFromUniware,
  DeliveryDispatcher,
  issueAccessToken,
  LoginThrottle,
  OutboxRelay,
} from '@cancel-sync/application';
import type { Logger } from 'pino';
import { type BackgroundStart, startInBackground } from './background-start.ts';
import type { Config } from './config.ts';
import { consumerLog } from './consumer-log.ts';
import { dispatchLog } from './dispatch-log.ts';
import { instrumentedUniware } from './instrumented-uniware.ts';
import { addScrapedGauge, createMetrics, serveMetrics } from './metrics.ts';
import { storeUnavailableAs503 } from './store-unavailable.ts';
import { ThrottledLog } from './throttled-log.ts';

type FastifyInstance = Awaited<ReturnType<typeof buildHttpApi>>;

export interface RunningService {
  /** Where the HTTP API listens, when this process runs it. */
  readonly httpUrl: string | undefined;
  readonly metricsUrl: string | undefined;
  readonly http: FastifyInstance | undefined;
  /** Resolves once the parts that need Kafka have started (the API does not wait for them). */
  readonly kafkaStarted: Promise<void>;
  stop(): Promise<void>;
}

const clock = { now: () => new Date() };
const ids = { newId: () => randomUUID() };

export const startService = async (config: Config, logger: Logger): Promise<RunningService> => {
  const { env, roles } = config;
  const stops: { name: string; stop: () => Promise<unknown> }[] = [];
  let kafkaParts: BackgroundStart | undefined;
  const stopAll = async () => {
    // First no more start attempts, so nothing starts after the parts are stopped.
    await kafkaParts?.stop();
    for (const { name, stop } of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        logger.error({ err: error, part: name }, 'error while stopping');
      }
    }
    stops.length = 0;
  };
  const metrics = createMetrics();
  const throttled = new ThrottledLog(30_000);
  const health = new Map<string, () => Promise<string>>();

  try {
    const mongo = await connectMongo(env.MONGODB_URI, {
      dbName: env.MONGODB_DATABASE,
      maxPoolSize: env.MONGODB_MAX_POOL_SIZE,
    });
    stops.push({ name: 'mongodb', stop: () => mongo.close() });
    health.set('mongodb', () => mongo.ping().then(() => 'ok'));
    const stores = createMongoStores(mongo.db);
    await stores.ensureIndexes();
    addScrapedGauge(metrics, 'cancel_sync_delivery_jobs', 'Delivery jobs by state.', 'state', () =>
      stores.deliveryJobs.countByState(),
    );

    const crypto = createNodeCrypto();
    let relay: OutboxRelay | undefined;
    let dispatcher: DeliveryDispatcher | undefined;

    let http: FastifyInstance | undefined;
    let httpUrl: string | undefined;
    if (roles.has('http')) {
      const cancel = cancelFromUniware({
        ledger: stores.ledger,
        records: stores.cancellationRecords,
        idempotencyKeys: stores.idempotencyKeys,
        crypto,
        clock,
        ids,
        settings: {
          duplicateWindowMs: env.DUPLICATE_WINDOW_SECONDS * 1000,
          idempotencyKeyTtlMs: env.IDEMPOTENCY_KEY_TTL_SECONDS * 1000,
          maxWriteAttempts: env.LEDGER_MAX_WRITE_ATTEMPTS,
          reason: 'Cancelled by the seller in Uniware',
          maxQueuedPerOrder: env.ORDER_MAX_QUEUED_REQUESTS,
        },
        onHistoryCopyFailed: (error) =>
          throttled.maybe('history', (suppressed) =>
            logger.warn(
              { err: error, similarSuppressed: suppressed },
              'history record kept on its order; copied by its next write',
            ),
          ),
      });
      http = await buildHttpApi({
        loggerInstance: logger.child({ part: 'http' }),
        issueAccessToken: storeUnavailableAs503(
          issueAccessToken({
            sellers: stores.sellers,
            tokens: stores.accessTokens,
            crypto,
            clock,
            tokenTtlMs: env.AUTH_TOKEN_TTL_SECONDS * 1000,
            throttle: new LoginThrottle({
              maxFailures: env.AUTH_MAX_FAILED_ATTEMPTS,
              maxFailuresPerAddress: env.AUTH_MAX_FAILED_ATTEMPTS_PER_ADDRESS,
              windowMs: env.AUTH_FAILED_ATTEMPTS_WINDOW_SECONDS * 1000,
            }),
            maxConcurrentChecks: env.AUTH_MAX_CONCURRENT_CHECKS,
          }),
        ),
        authenticate: storeUnavailableAs503(authenticate({ tokens: stores.accessTokens, crypto, clock })),
        cancelFromUniware: storeUnavailableAs503(async (request) => {
          const answer = await cancel(request);
          if (answer.kind === 'answered') {
            metrics.inboundCancellations.inc({
              status: answer.result.status,
              replayed: String(answer.replayed),
            });
            if (!answer.replayed && answer.result.status !== 'FAILED') relay?.notify();
          }
          return answer;
        }),
        cancellationHistory: storeUnavailableAs503((sellerId: string, orderId: string) =>
          stores.cancellationRecords.forOrder(sellerId, orderId),
        ),
        ready: async () => {
          const checks: Record<string, string> = {};
          for (const [name, check] of health) {
            checks[name] = await check().catch((error: unknown) =>
              error instanceof Error ? error.name : 'failed',
            );
          }
          return { ready: Object.values(checks).every((value) => value === 'ok'), checks };
        },
        limits: { bodyLimitBytes: env.BODY_LIMIT_BYTES, maxLinesPerRequest: env.MAX_LINES_PER_REQUEST },
        ...(env.HTTP_TRUST_PROXY === undefined
          ? {}
          : { trustProxy: env.HTTP_TRUST_PROXY.split(',').map((proxy) => proxy.trim()) }),
      });
      httpUrl = await http.listen({ host: env.HTTP_HOST, port: env.HTTP_PORT });
      const server = http;
      stops.push({ name: 'http', stop: () => server.close() });
    }

    // Uniware's calls need only MongoDB: the API listens first, and the parts that need Kafka start
    // alongside, retried until Kafka answers (readiness says 'starting' until then).
    const startKafkaParts = async (): Promise<void> => {
      const kafka = createKafkaClient({
        clientId: env.KAFKA_CLIENT_ID,
        brokers: [...config.kafkaBrokers],
        log: (level, message, extra) => logger[level]({ kafka: extra }, message),
      });
      if (env.KAFKA_CREATE_TOPICS) {
        await ensureTopics(
          kafka,
          [
            env.TOPIC_ORDER_CANCELLED,
            env.TOPIC_ORDER_CANCELLED_DLQ,
            env.TOPIC_ORDER_LIFECYCLE,
            env.TOPIC_ORDER_LIFECYCLE_DLQ,
          ].map((topic) => ({ topic, numPartitions: env.KAFKA_TOPIC_PARTITIONS })),
        );
      }

      if (roles.has('relay') && relay === undefined) {
        const events = new KafkaCancellationEvents({ kafka, topic: env.TOPIC_ORDER_CANCELLED });
        await events.connect();
        stops.push({ name: 'order.cancelled producer', stop: () => events.disconnect() });
        const started = new OutboxRelay({
          outbox: stores.outbox,
          events: {
            publish: async (batch) => {
              await events.publish(batch);
              metrics.outboxPublished.inc(batch.length);
            },
          },
          settings: { batchSize: env.OUTBOX_BATCH_SIZE, pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS },
          onError: (error) =>
            throttled.maybe('outbox', (suppressed) =>
              logger.error({ err: error, similarSuppressed: suppressed }, 'outbox relay failed; will retry'),
            ),
        });
        started.start();
        stops.push({ name: 'outbox relay', stop: () => started.stop() });
        relay = started;
      }

      if (roles.has('dispatcher') && dispatcher === undefined) {
        const uniware = createUniwareHttpClient({
          baseUrl: env.UC_BASE_URL,
          clientId: env.UC_CLIENT_ID,
          securityKey: env.UC_SECURITY_KEY,
          connections: env.UC_CONNECTIONS,
          connectTimeoutMs: env.UC_CONNECT_TIMEOUT_MS,
          responseTimeoutMs: env.UC_RESPONSE_TIMEOUT_MS,
        });
        stops.push({ name: 'uniware client', stop: () => uniware.close() });
        const deadLetters = new KafkaDeadLetters({
          kafka,
          topic: env.TOPIC_ORDER_CANCELLED_DLQ,
          sourceTopic: env.TOPIC_ORDER_CANCELLED,
        });
        await deadLetters.connect();
        stops.push({ name: 'dead-letter producer', stop: () => deadLetters.disconnect() });
        const started = new DeliveryDispatcher({
          jobs: stores.deliveryJobs,
          sellers: stores.sellers,
          uniware: instrumentedUniware(uniware, metrics),
          deadLetters,
          clock,
          random: Math.random,
          observe: dispatchLog(logger.child({ part: 'dispatcher' }), metrics),
          settings: {
            owner: config.instanceId,
            leaseMs: env.DELIVERY_LEASE_MS,
            pollIntervalMs: env.DELIVERY_POLL_INTERVAL_MS,
            maxConcurrency: env.UC_MAX_CONCURRENCY,
            requestsPerSecond: env.UC_REQUESTS_PER_SECOND,
            retry: {
              maxAttempts: env.DELIVERY_MAX_ATTEMPTS,
              maxAgeMs: env.DELIVERY_MAX_AGE_SECONDS * 1000,
              baseDelayMs: env.DELIVERY_BASE_DELAY_MS,
              maxDelayMs: env.DELIVERY_MAX_DELAY_MS,
            },
            circuit: {
              initialPauseMs: env.AUTH_CIRCUIT_PAUSE_MS,
              maxPauseMs: env.AUTH_CIRCUIT_MAX_PAUSE_MS,
              probeTimeoutMs: env.DELIVERY_LEASE_MS,
            },
          },
        });
        started.start();
        stops.push({ name: 'dispatcher', stop: () => started.stop() });
        dispatcher = started;
      }

      if (roles.has('consumer')) {
        const accept = acceptCancellationEvent({
          ledger: stores.ledger,
          records: stores.cancellationRecords,
          jobs: stores.deliveryJobs,
          clock,
          settings: {
            maxWriteAttempts: env.LEDGER_MAX_WRITE_ATTEMPTS,
            rememberEventsMs: env.REMEMBER_EVENTS_SECONDS * 1000,
          },
        });
        const log = logger.child({ part: 'consumer' });
        /** What both consumers share; each topic has a group of its own, or KafkaJS would hand a member partitions of a topic it does not consume. */
        const consumerOptions = (topic: string, deadLetterTopic: string, group: string) => ({
          kafka,
          groupId: `${env.KAFKA_GROUP_ID}.${group}`,
          topic,
          deadLetterTopic,
          partitionsConsumedConcurrently: env.KAFKA_PARTITIONS_CONCURRENTLY,
          sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
          observe: consumerLog(log, metrics, topic),
        });
        const watch = (name: string, consumer: { stop(): Promise<void>; isHealthy(): boolean }) => {
          stops.push({ name, stop: () => consumer.stop() });
          health.set(name, async () => (consumer.isHealthy() ? 'ok' : 'not running'));
        };
        if (!health.has('order.cancelled consumer'))
          watch(
            'order.cancelled consumer',
            await startOrderCancelledConsumer({
              ...consumerOptions(env.TOPIC_ORDER_CANCELLED, env.TOPIC_ORDER_CANCELLED_DLQ, 'order-cancelled'),
              accept: async (event, sequence) => {
                const answer = await accept(event, sequence);
                if (answer.kind === 'accepted' && answer.job === 'enqueued') dispatcher?.notify();
                return answer;
              },
            }),
          );
        if (!health.has('order.lifecycle consumer'))
          watch(
            'order.lifecycle consumer',
            await startOrderLifecycleConsumer({
              ...consumerOptions(env.TOPIC_ORDER_LIFECYCLE, env.TOPIC_ORDER_LIFECYCLE_DLQ, 'order-lifecycle'),
              apply: applyOrderSnapshot({
                ledger: stores.ledger,
                clock,
                maxWriteAttempts: env.LEDGER_MAX_WRITE_ATTEMPTS,
              }),
            }),
          );
      }
    };
    health.set('kafka', async () => (kafkaParts?.started === true ? 'ok' : 'starting'));
    kafkaParts = startInBackground(
      async () => {
        await startKafkaParts();
        logger.info('Kafka parts started');
      },
      {
        firstDelayMs: 1000,
        maxDelayMs: 30_000,
        onError: (error, attempt) =>
          logger.warn({ err: error, attempt }, 'Kafka parts did not start; trying again'),
      },
    );

    let metricsUrl: string | undefined;
    if (env.METRICS_ENABLED) {
      const server = await serveMetrics(metrics, env.HTTP_HOST, env.METRICS_PORT);
      const address = server.address();
      metricsUrl =
        typeof address === 'object' && address !== null
          ? `http://${env.HTTP_HOST}:${address.port}/metrics`
          : undefined;
      stops.push({
        name: 'metrics',
        stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
      });
    }

    logger.info(
      { roles: [...roles], instanceId: config.instanceId, httpUrl, metricsUrl },
      'cancel-sync started',
    );
    return { httpUrl, metricsUrl, http, kafkaStarted: kafkaParts.settled, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
};
