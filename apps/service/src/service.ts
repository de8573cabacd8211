/**
 * The composition root: builds every adapter from the configuration, hands them to the use cases,
 * starts the parts this process runs, and stops them in reverse order.
 */
import { randomUUID } from 'node:crypto';
import { createNodeCrypto } from '@cancel-sync/adapter-crypto';
import { buildHttpApi, buildOperationsApi } from '@cancel-sync/adapter-http';
import {
  createKafkaClient,
  ensureTopics,
  KafkaCancellationEvents,
  KafkaDeadLetters,
  KafkaParkedRecordPublisher,
  startOrderCancelledConsumer,
  startOrderLifecycleConsumer,
} from '@cancel-sync/adapter-kafka';
import { connectMongo, createMongoStores, isStoreUnavailable } from '@cancel-sync/adapter-mongodb';
import { createUniwareHttpClient } from '@cancel-sync/adapter-uniware';
import {
  acceptCancellationEvent,
  applyOrderSnapshot,
  authenticate,
  cancelFromUniware,
  type DeadLetters,
  DeliveryDispatcher,
  type DeliveryJobs,
  issueAccessToken,
  LoginThrottle,
  type OrderLedger,
  orderStory,
  type ParkedRecord,
  Relay,
  type RelayEvent,
  ThrottledLog,
  WriteConflictError,
} from '@cancel-sync/application';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { consumerLog } from './consumer-log.ts';
import { dispatchLog } from './dispatch-log.ts';
import { registerLagGauge, registerStoreGauges } from './gauges.ts';
import { instrumentedUniware } from './instrumented-uniware.ts';
import { countingConflicts, createMetrics } from './metrics.ts';
import { tracedAnnouncements, tracedAttempt, tracedInbound, tracedRecord } from './traced.ts';
import { currentTraceparent } from './tracing.ts';

type FastifyInstance = Awaited<ReturnType<typeof buildHttpApi>>;

export interface RunningService {
  /** Where the HTTP API listens, when this process runs it. */
  readonly httpUrl: string | undefined;
  readonly metricsUrl: string | undefined;
  /** The operations port: /healthz, /readyz, /metrics, /ops/orders/{orderId}. */
  readonly opsUrl: string | undefined;
  readonly http: FastifyInstance | undefined;
  stop(): Promise<void>;
}

/** Wraps a port before the use cases get it: how a test injects a fault at one exact step. */
export interface PortDecorators {
  readonly deliveryJobs?: (port: DeliveryJobs) => DeliveryJobs;
  readonly deadLetters?: (port: DeadLetters) => DeadLetters;
  readonly ledger?: (port: OrderLedger) => OrderLedger;
}

const clock = { now: () => new Date() };

/** A readiness probe answers in about this long, whatever a check is waiting for. */
const READINESS_CHECK_TIMEOUT_MS = 2_000;

const answersWithin = <T>(work: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });
const ids = { newId: () => randomUUID() };

export const startService = async (
  config: Config,
  logger: Logger,
  decorate: PortDecorators = {},
): Promise<RunningService> => {
  const { env, roles } = config;
  const stops: { name: string; stop: () => Promise<unknown> }[] = [];
  const stopAll = async () => {
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
  /** Set by a stop: readiness turns 503 first, so load balancers stop sending before the port closes. */
  let draining = false;
  health.set('accepting', async () => (draining ? 'stopping' : 'ok'));
  const drainThenStop = async () => {
    draining = true;
    logger.info({ drainMs: config.env.SHUTDOWN_DRAIN_MS }, 'stopping: not ready any more; draining');
    await new Promise((resolve) => setTimeout(resolve, config.env.SHUTDOWN_DRAIN_MS));
    await stopAll();
  };

  try {
    const mongo = await connectMongo(env.MONGODB_URI, {
      dbName: env.MONGODB_DATABASE,
      maxPoolSize: env.MONGODB_MAX_POOL_SIZE,
      onCommand: (command) => metrics.mongodbCommands.inc({ command }),
    });
    stops.push({ name: 'mongodb', stop: () => mongo.close() });
    health.set('mongodb', () => mongo.ping().then(() => 'ok'));
    const plain = createMongoStores(mongo.db, { traceparent: currentTraceparent });
    const stores = {
      ...plain,
      deliveryJobs: decorate.deliveryJobs?.(plain.deliveryJobs) ?? plain.deliveryJobs,
      ledger: countingConflicts(decorate.ledger?.(plain.ledger) ?? plain.ledger, metrics),
    };
    await stores.ensureIndexes();
    registerStoreGauges(metrics, plain, clock.now);

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
      stops.push({ name: 'lag gauge', stop: () => lag.stop() });
    }
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
    const crypto = createNodeCrypto();

    const accept = acceptCancellationEvent({
      ledger: stores.ledger,
      records: stores.cancellationRecords,
      jobs: stores.deliveryJobs,
      clock,
      settings: {
        maxWriteAttempts: env.LEDGER_MAX_WRITE_ATTEMPTS,
        rememberEventsMs: env.REMEMBER_EVENTS_SECONDS * 1000,
        awaitOrderMs: env.DELIVERY_AWAIT_LEDGER_SECONDS * 1000,
      },
    });

    const relays: Relay<never>[] = [];
    /** Publishes what a store holds for publication, one relay per kind, each with its own log line. */
    const startRelay = <E>(name: string, relay: Relay<E>) => {
      relay.start();
      stops.push({ name, stop: () => relay.stop() });
      relays.push(relay as unknown as Relay<never>);
      return relay;
    };
    const relaySettings = {
      owner: config.instanceId,
      batchSize: env.OUTBOX_BATCH_SIZE,
      pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS,
      leaseMs: env.OUTBOX_LEASE_MS,
      retry: { baseDelayMs: 500, maxDelayMs: 30_000 },
    };
    const relayLog =
      (name: string, onPublished: (count: number) => void = () => undefined) =>
      <E>(event: RelayEvent<E>) => {
        if (event.type === 'published') onPublished(event.batch.entries.length);
        else
          throttled.maybe(name, (suppressed) =>
            logger.error(
              { err: event.error, part: name, similarSuppressed: suppressed },
              `${name}: could not publish; will retry`,
            ),
          );
      };
    let announcements: { notify(): void } | undefined;
    if (roles.has('relay')) {
      const events = new KafkaCancellationEvents({ kafka, topic: env.TOPIC_ORDER_CANCELLED });
      await events.connect();
      stops.push({ name: 'order.cancelled producer', stop: () => events.disconnect() });
      announcements = startRelay(
        'outbox relay',
        new Relay({
          source: stores.outbox,
          publish: tracedAnnouncements(env.TOPIC_ORDER_CANCELLED, (batch, headers) =>
            events.publish(batch, headers),
          ),
          clock,
          random: Math.random,
          settings: relaySettings,
          observe: relayLog('outbox relay', (count) => metrics.outboxPublished.inc(count)),
        }),
      );
      const deadLetters = new KafkaDeadLetters({
        kafka,
        topic: env.TOPIC_ORDER_CANCELLED_DLQ,
        sourceTopic: env.TOPIC_ORDER_CANCELLED,
      });
      await deadLetters.connect();
      stops.push({ name: 'dead-letter producer', stop: () => deadLetters.disconnect() });
      const publisher = decorate.deadLetters?.(deadLetters) ?? deadLetters;
      startRelay(
        'dead-letter relay',
        new Relay({
          source: stores.deadLetterOutbox,
          publish: (letters) => publisher.publish(letters),
          clock,
          random: Math.random,
          settings: relaySettings,
          observe: relayLog('dead-letter relay'),
        }),
      );
      const parked = new KafkaParkedRecordPublisher({
        kafka,
        deadLetterTopicOf: (topic) =>
          topic === env.TOPIC_ORDER_LIFECYCLE ? env.TOPIC_ORDER_LIFECYCLE_DLQ : env.TOPIC_ORDER_CANCELLED_DLQ,
      });
      await parked.connect();
      stops.push({ name: 'parked-record producer', stop: () => parked.disconnect() });
      startRelay(
        'parked-record relay',
        new Relay({
          source: stores.parkedRecords,
          publish: (records) => parked.publish(records),
          clock,
          random: Math.random,
          settings: relaySettings,
          observe: relayLog('parked-record relay'),
        }),
      );
    }

    let dispatcher: DeliveryDispatcher | undefined;
    if (roles.has('dispatcher')) {
      const uniware = createUniwareHttpClient({
        baseUrl: env.UC_BASE_URL,
        clientId: env.UC_CLIENT_ID,
        securityKey: env.UC_SECURITY_KEY,
        connections: env.UC_CONNECTIONS,
        connectTimeoutMs: env.UC_CONNECT_TIMEOUT_MS,
        responseTimeoutMs: env.UC_RESPONSE_TIMEOUT_MS,
      });
      stops.push({ name: 'uniware client', stop: () => uniware.close() });
      const started = new DeliveryDispatcher({
        jobs: stores.deliveryJobs,
        sellers: stores.sellers,
        uniware: instrumentedUniware(uniware, metrics),
        recheckLedger: accept.recheckLedger,
        clock,
        random: Math.random,
        observe: dispatchLog(logger.child({ part: 'dispatcher' }), metrics),
        aroundAttempt: tracedAttempt,
        settings: {
          owner: config.instanceId,
          leaseMs: env.DELIVERY_LEASE_MS,
          renewEveryMs: env.DELIVERY_LEASE_RENEW_MS,
          stopGraceMs: env.DELIVERY_LEASE_MS,
          awaitSellerMs: env.DELIVERY_AWAIT_LEDGER_SECONDS * 1000,
          pollIntervalMs: env.DELIVERY_POLL_INTERVAL_MS,
          maxConcurrency: env.UC_MAX_CONCURRENCY,
          requestsPerSecond: env.UC_REQUESTS_PER_SECOND,
          retry: {
            maxAttempts: env.DELIVERY_MAX_ATTEMPTS,
            maxAgeMs: env.DELIVERY_MAX_AGE_SECONDS * 1000,
            baseDelayMs: env.DELIVERY_BASE_DELAY_MS,
            maxDelayMs: env.DELIVERY_MAX_DELAY_MS,
            maxRetryAfterMs: env.DELIVERY_MAX_RETRY_AFTER_MS,
          },
          circuit: {
            initialPauseMs: env.AUTH_CIRCUIT_PAUSE_MS,
            maxPauseMs: env.AUTH_CIRCUIT_MAX_PAUSE_MS,
          },
        },
      });
      started.start();
      stops.push({ name: 'dispatcher', stop: () => started.stop() });
      dispatcher = started;
    }

    if (roles.has('consumer')) {
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
        aroundRecord: tracedRecord(`${env.KAFKA_GROUP_ID}.${group}`),
        park: {
          store: async (record: ParkedRecord) => {
            await stores.parkedRecords.park(record);
            for (const relay of relays) relay.notify();
          },
          maxAttempts: env.CONSUMER_MAX_RECORD_ATTEMPTS,
          // The database being unreachable, or the order busy under other writers, is waited out.
          isTransient: (error: unknown) => isStoreUnavailable(error) || error instanceof WriteConflictError,
        },
      });
      const watch = (name: string, consumer: { stop(): Promise<void>; isHealthy(): boolean }) => {
        stops.push({ name, stop: () => consumer.stop() });
        health.set(name, async () => (consumer.isHealthy() ? 'ok' : 'not running'));
      };
      watch(
        'order.cancelled consumer',
        await startOrderCancelledConsumer({
          ...consumerOptions(env.TOPIC_ORDER_CANCELLED, env.TOPIC_ORDER_CANCELLED_DLQ, 'order-cancelled'),
          accept: async (event, sequence) => {
            const answer = await accept(event, sequence);
            if (answer.kind === 'accepted' && answer.job === 'enqueued') {
              dispatcher?.notify();
              for (const relay of relays) relay.notify();
            }
            return answer;
          },
        }),
      );
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

    const ready = async () => {
      const checks: Record<string, string> = {};
      await Promise.all(
        [...health].map(async ([name, check]) => {
          // The error's name only: a driver's message names hosts and ports.
          checks[name] = await answersWithin(check(), READINESS_CHECK_TIMEOUT_MS).catch((error: unknown) =>
            error instanceof Error ? error.name : 'failed',
          );
        }),
      );
      return { ready: Object.values(checks).every((value) => value === 'ok'), checks };
    };

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
        },
      });
      const tracedCancel = tracedInbound(cancel);
      http = await buildHttpApi({
        loggerInstance: logger.child({ part: 'http' }),
        issueAccessToken: issueAccessToken({
          sellers: stores.sellers,
          tokens: stores.accessTokens,
          crypto,
          clock,
          tokenTtlMs: env.AUTH_TOKEN_TTL_SECONDS * 1000,
          throttle: new LoginThrottle({
            maxFailures: env.AUTH_MAX_FAILED_ATTEMPTS,
            windowMs: env.AUTH_FAILED_ATTEMPTS_WINDOW_SECONDS * 1000,
          }),
        }),
        authenticate: authenticate({ tokens: stores.accessTokens, crypto, clock }),
        cancelFromUniware: async (request) => {
          const answer = await tracedCancel(request);
          if (answer.kind === 'answered') {
            metrics.inboundCancellations.inc({
              status: answer.result.status,
              replayed: String(answer.replayed),
            });
            if (!answer.replayed && answer.result.status !== 'FAILED') announcements?.notify();
          }
          return answer;
        },
        cancellationHistory: (sellerId, orderId) => stores.cancellationRecords.forOrder(sellerId, orderId),
        ready,
        limits: { bodyLimitBytes: env.BODY_LIMIT_BYTES, maxLinesPerRequest: env.MAX_LINES_PER_REQUEST },
        observeResponse: ({ route, method, statusCode, durationMs }) =>
          metrics.httpRequests.observe({ route, method, status: String(statusCode) }, durationMs / 1000),
      });
      httpUrl = await http.listen({ host: env.HTTP_HOST, port: env.HTTP_PORT });
      const server = http;
      stops.push({ name: 'http', stop: () => server.close() });
    }

    let metricsUrl: string | undefined;
    let opsUrl: string | undefined;
    if (env.METRICS_ENABLED) {
      const ops = await buildOperationsApi({
        ready,
        metrics: async () => ({
          contentType: metrics.registry.contentType,
          text: await metrics.registry.metrics(),
        }),
        orderStory: orderStory({
          ledger: stores.ledger,
          records: stores.cancellationRecords,
          jobsOfOrder: (orderId) => plain.deliveryJobs.forOrder(orderId),
          pendingAnnouncements: (orderId) => plain.outbox.pendingFor(orderId),
        }),
        operatorToken: env.OPS_TOKEN,
        loggerInstance: logger.child({ part: 'ops' }),
      });
      opsUrl = await ops.listen({ host: env.HTTP_HOST, port: env.METRICS_PORT });
      metricsUrl = `${opsUrl}/metrics`;
      // Stopped last: probes on this port see readiness turn 503 and the stop go on.
      stops.unshift({ name: 'operations port', stop: () => ops.close() });
    }

    logger.info(
      { roles: [...roles], instanceId: config.instanceId, httpUrl, metricsUrl, opsUrl },
      'cancel-sync started',
    );
    return { httpUrl, metricsUrl, opsUrl, http, stop: drainThenStop };
  } catch (error) {
    await stopAll();
    throw error;
  }
};
