/** The `dispatcher` role: stored deliveries go to Uniware, under leases shared by every instance. */
import { createUniwareHttpClient } from '@cancel-sync/adapter-uniware';
import { DeliveryDispatcher } from '@cancel-sync/application';
import { dispatchLog } from '../dispatch-log.ts';
import { instrumentedUniware } from '../instrumented-uniware.ts';
import { tracedAttempt } from '../traced.ts';
import { UniwareHealth } from '../uniware-health.ts';
import { clock, type RoleContext } from './context.ts';

export const startDispatcher = ({
  config,
  logger,
  metrics,
  lifecycle,
  stores,
  accept,
  wake,
  delivery,
}: RoleContext): void => {
  const { env } = config;
  const uniware = createUniwareHttpClient({
    baseUrl: env.UC_BASE_URL,
    clientId: env.UC_CLIENT_ID,
    securityKey: env.UC_SECURITY_KEY,
    connections: env.UC_CONNECTIONS,
    connectTimeoutMs: env.UC_CONNECT_TIMEOUT_MS,
    responseTimeoutMs: env.UC_RESPONSE_TIMEOUT_MS,
  });
  lifecycle.onStop('uniware client', () => uniware.close());
  const health = new UniwareHealth(clock.now);
  lifecycle.degradation('uniware', () => health.degradation());
  const dispatcher = new DeliveryDispatcher({
    jobs: stores.deliveryJobs,
    sellers: stores.sellers,
    uniware: instrumentedUniware(uniware, metrics, health),
    recheckLedger: accept.recheckLedger,
    clock,
    random: Math.random,
    observe: dispatchLog(logger.child({ part: 'dispatcher' }), metrics),
    aroundAttempt: tracedAttempt,
    // Published now rather than at the dead-letter relay's next poll.
    onDeadLetterStored: () => wake.deadLetters(),
    settings: {
      owner: config.instanceId,
      leaseMs: env.DELIVERY_LEASE_MS,
      renewEveryMs: env.DELIVERY_LEASE_RENEW_MS,
      stopGraceMs: env.DELIVERY_LEASE_MS,
      awaitSellerMs: env.DELIVERY_AWAIT_LEDGER_SECONDS * 1000,
      pollIntervalMs: env.DELIVERY_POLL_INTERVAL_MS,
      sellerCacheMs: env.DELIVERY_SELLER_CACHE_MS,
      maxConcurrency: env.UC_MAX_CONCURRENCY,
      requestsPerSecond: env.UC_REQUESTS_PER_SECOND,
      retry: {
        maxAttempts: env.DELIVERY_MAX_ATTEMPTS,
        maxAgeMs: env.DELIVERY_MAX_AGE_SECONDS * 1000,
        baseDelayMs: env.DELIVERY_BASE_DELAY_MS,
        maxDelayMs: env.DELIVERY_MAX_DELAY_MS,
        maxRetryAfterMs: env.DELIVERY_MAX_RETRY_AFTER_MS,
      },
      circuit: { initialPauseMs: env.AUTH_CIRCUIT_PAUSE_MS, maxPauseMs: env.AUTH_CIRCUIT_MAX_PAUSE_MS },
    },
  });
  dispatcher.start();
  lifecycle.onStop('dispatcher', () => dispatcher.stop());
  wake.dispatcher = () => dispatcher.notify();
  // The fast path: a job stored by this process's consumer goes out at once when a slot is free.
  delivery.store = (job) => dispatcher.store(job);
};
