/**
 * The composition root: reads the configuration, connects to MongoDB, builds the stores and the use
 * cases, and starts the roles this process runs — each wired in its own module under `roles/` —
 * then stops them in reverse order (`lifecycle.ts`). The API Uniware calls needs only MongoDB and
 * listens first; the parts that need Kafka start alongside and are retried until it answers.
 */
import { createNodeCrypto } from '@cancel-sync/adapter-crypto';
import { connectMongo, createMongoStores } from '@cancel-sync/adapter-mongodb';
import {
  acceptCancellationEvent,
  type DeadLetters,
  type DeliveryJobs,
  HISTORY_HELD_ON_ORDER,
  type OrderLedger,
  ThrottledLog,
} from '@cancel-sync/application';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { registerStoreGauges } from './gauges.ts';
import { Lifecycle } from './lifecycle.ts';
import { countingConflicts, createMetrics } from './metrics.ts';
import { clock, type Delivery, type RoleContext, type Stores, type Wake } from './roles/context.ts';
import { startKafkaParts } from './roles/kafka-parts.ts';
import { startOperationsPort } from './roles/operations.ts';
import { startRetention } from './roles/retention.ts';
import { startUniwareApi, type UniwareApi } from './roles/uniware-api.ts';
import { currentTraceparent } from './tracing.ts';

export interface RunningService {
  /** Where the HTTP API listens, when this process runs it. */
  readonly httpUrl: string | undefined;
  readonly metricsUrl: string | undefined;
  /** The operations port: /healthz, /readyz, /metrics, /ops/orders/{orderId}. */
  readonly opsUrl: string | undefined;
  readonly http: UniwareApi | undefined;
  /** Resolves once the parts that need Kafka have started (the API does not wait for them). */
  readonly kafkaStarted: Promise<void>;
  stop(): Promise<void>;
}

/** Wraps a port before the use cases get it: how a test injects a fault at one exact step. */
export interface PortDecorators {
  readonly deliveryJobs?: (port: DeliveryJobs) => DeliveryJobs;
  readonly deadLetters?: (port: DeadLetters) => DeadLetters;
  readonly ledger?: (port: OrderLedger) => OrderLedger;
  /** Sees every MongoDB command the service sends: how a test counts what an operation costs. */
  readonly mongoCommands?: (command: string, collection: string | undefined) => void;
}

export const startService = async (
  config: Config,
  logger: Logger,
  decorate: PortDecorators = {},
): Promise<RunningService> => {
  const { env, roles } = config;
  const lifecycle = new Lifecycle(logger);
  const metrics = createMetrics();
  try {
    const mongo = await connectMongo(env.MONGODB_URI, {
      dbName: env.MONGODB_DATABASE,
      maxPoolSize: env.MONGODB_MAX_POOL_SIZE,
      onCommand: (command, collection) => {
        metrics.mongodbCommands.inc({ command });
        decorate.mongoCommands?.(command, collection);
      },
    });
    lifecycle.onStop('mongodb', () => mongo.close());
    lifecycle.check('mongodb', () => mongo.ping().then(() => 'ok'));
    const plain = createMongoStores(mongo.db, {
      traceparent: currentTraceparent,
      retention: {
        cancellationRecordsSeconds: env.RETENTION_CANCELLATION_RECORDS_SECONDS,
        parkedRecordsSeconds: env.RETENTION_PARKED_RECORDS_SECONDS,
        operatorAuditSeconds: env.RETENTION_OPERATOR_AUDIT_SECONDS,
      },
    });
    const stores: Stores = {
      ...plain,
      deliveryJobs: decorate.deliveryJobs?.(plain.deliveryJobs) ?? plain.deliveryJobs,
      ledger: countingConflicts(decorate.ledger?.(plain.ledger) ?? plain.ledger, metrics),
    };
    await stores.ensureIndexes();
    registerStoreGauges(metrics, plain, clock.now);

    // Woken by whichever roles run here; a no-op for a role this process does not run.
    const wake: Wake = {
      dispatcher: () => undefined,
      relays: () => undefined,
      announcements: () => undefined,
      deadLetters: () => undefined,
    };
    // Replaced by the dispatcher role when this process runs it.
    const delivery: Delivery = {
      store: (job) => stores.deliveryJobs.enqueue(job),
    };
    const context: RoleContext = {
      config,
      logger,
      metrics,
      throttled: new ThrottledLog(30_000),
      lifecycle,
      stores,
      plain,
      accept: acceptCancellationEvent({
        ledger: stores.ledger,
        records: stores.cancellationRecords,
        jobs: stores.deliveryJobs,
        store: async (job) => {
          const stored = await delivery.store(job);
          // A LEDGER_DISAGREES letter stored with the job goes out now, not at the next poll.
          if (stored === 'enqueued' && job.deadLetter !== undefined) wake.deadLetters();
          return stored;
        },
        clock,
        settings: {
          maxWriteAttempts: env.LEDGER_MAX_WRITE_ATTEMPTS,
          rememberEventsMs: env.REMEMBER_EVENTS_SECONDS * 1000,
          awaitOrderMs: env.DELIVERY_AWAIT_LEDGER_SECONDS * 1000,
          historyHeldOnOrder: HISTORY_HELD_ON_ORDER,
        },
      }),
      wake,
      delivery,
      ownAnnouncements: { publisher: undefined },
      decorateDeadLetters: decorate.deadLetters,
    };

    // The dispatcher and the sweeper need only MongoDB (dead letters are stored, then relayed).
    // Imported only where it runs: the Uniware client brings undici (~4 MiB of heap) along.
    if (roles.has('dispatcher')) (await import('./roles/dispatcher.ts')).startDispatcher(context);
    if (roles.has('relay')) startRetention(context);
    const api = roles.has('http') ? await startUniwareApi(context, createNodeCrypto()) : undefined;
    const kafkaParts = startKafkaParts(context);
    // First no more start attempts, so that nothing starts after the parts are stopped.
    lifecycle.onStopFirst('kafka start', () => kafkaParts.stop());
    const opsUrl = env.METRICS_ENABLED ? await startOperationsPort(context) : undefined;
    const metricsUrl = opsUrl === undefined ? undefined : `${opsUrl}/metrics`;

    logger.info(
      { roles: [...roles], instanceId: config.instanceId, httpUrl: api?.httpUrl, metricsUrl, opsUrl },
      'cancel-sync started',
    );
    return {
      httpUrl: api?.httpUrl,
      metricsUrl,
      opsUrl,
      http: api?.http,
      kafkaStarted: kafkaParts.settled,
      stop: () => lifecycle.drainThenStop(env.SHUTDOWN_DRAIN_MS),
    };
  } catch (error) {
    await lifecycle.stopAll();
    throw error;
  }
};
