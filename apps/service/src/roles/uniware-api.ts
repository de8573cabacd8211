/** The `http` role: the API Uniware calls. It needs only MongoDB, so it listens before Kafka is up. */
import { randomUUID } from 'node:crypto';
import type { createNodeCrypto } from '@cancel-sync/adapter-crypto';
import { buildHttpApi } from '@cancel-sync/adapter-http';
import {
  authenticate,
  CachedAccessTokens,
  cancelFromUniware,
  HISTORY_HELD_ON_ORDER,
  issueAccessToken,
  LoginThrottle,
} from '@cancel-sync/application';
import { storeUnavailableAs503 } from '../store-unavailable.ts';
import { tracedInbound } from '../traced.ts';
import { currentTraceparent } from '../tracing.ts';
import { clock, type RoleContext } from './context.ts';

const ids = { newId: () => randomUUID() };

export type UniwareApi = Awaited<ReturnType<typeof buildHttpApi>>;

export const startUniwareApi = async (
  { config, logger, metrics, throttled, lifecycle, stores, wake, ownAnnouncements }: RoleContext,
  crypto: ReturnType<typeof createNodeCrypto>,
): Promise<{ readonly http: UniwareApi; readonly httpUrl: string }> => {
  const { env } = config;
  // One cache for issuing and checking: a token issued here is known here without a read.
  const tokens = new CachedAccessTokens(stores.accessTokens, clock, {
    ttlMs: env.AUTH_TOKEN_CACHE_SECONDS * 1000,
    maxEntries: 100_000,
  });
  const cancel = tracedInbound(
    cancelFromUniware({
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
        // The records stay on their order and go to the history in batches: no copy per request.
        historyHeldOnOrder: HISTORY_HELD_ON_ORDER,
      },
      // With the relays in this process, its own announcements go out at once, without a claim.
      announceHere: {
        owner: config.instanceId,
        markMs: env.OUTBOX_LEASE_MS,
        accepting: () => ownAnnouncements.publisher?.accepting === true,
        // Within the use case's span: the publish joins the request's trace as the relay's would.
        publish: (orderId, event) =>
          ownAnnouncements.publisher?.publish(orderId, { event, traceparent: currentTraceparent() }),
      },
      onHistoryCopyFailed: (error) =>
        throttled.maybe('history', (suppressed) =>
          logger.warn(
            { err: error, similarSuppressed: suppressed },
            'history records kept on their order; copied by a later write',
          ),
        ),
    }),
  );
  const http = await buildHttpApi({
    loggerInstance: logger.child({ part: 'http' }),
    issueAccessToken: storeUnavailableAs503(
      issueAccessToken({
        sellers: stores.sellers,
        tokens,
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
    authenticate: storeUnavailableAs503(authenticate({ tokens, crypto, clock })),
    cancelFromUniware: storeUnavailableAs503(async (request) => {
      const answer = await cancel(request);
      if (answer.kind === 'answered') {
        metrics.inboundCancellations.inc({ status: answer.result.status, replayed: String(answer.replayed) });
        const announced = !answer.replayed && answer.result.status !== 'FAILED';
        if (announced && answer.announcedHere !== true) wake.announcements();
      }
      return answer;
    }),
    cancellationHistory: storeUnavailableAs503((sellerId: string, orderId: string) =>
      stores.cancellationRecords.forOrder(sellerId, orderId),
    ),
    ready: lifecycle.ready,
    limits: { bodyLimitBytes: env.BODY_LIMIT_BYTES, maxLinesPerRequest: env.MAX_LINES_PER_REQUEST },
    ...(env.HTTP_TRUST_PROXY === undefined
      ? {}
      : { trustProxy: env.HTTP_TRUST_PROXY.split(',').map((proxy) => proxy.trim()) }),
    observeResponse: ({ route, method, statusCode, durationMs }) =>
      metrics.httpRequests.observe({ route, method, status: String(statusCode) }, durationMs / 1000),
  });
  const httpUrl = await http.listen({ host: env.HTTP_HOST, port: env.HTTP_PORT });
  lifecycle.onStop('http', () => http.close());
  return { http, httpUrl };
};
