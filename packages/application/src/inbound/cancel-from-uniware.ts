/**
 * A seller cancelled in Uniware and Uniware tells us (`POST /orders/cancel`): apply what the rules
 * allow to the ledger, announce it, remember the answer so that a retry gets it back unchanged.
 */
import {
  type CancelLine,
  type CancellationResult,
  decideCancellation,
  type Order,
  summarize,
} from '@cancel-sync/domain';
import { KeyedMutex } from '../keyed-mutex.ts';
import type { CancellationRecords } from '../ports/cancellation-records.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { Crypto } from '../ports/crypto.ts';
import type { IdempotencyKeys } from '../ports/idempotency-keys.ts';
import type { LedgerEntry, OrderLedger, RememberedRequest } from '../ports/order-ledger.ts';
import { canonicalRequest } from './canonical-request.ts';

export interface CancelFromUniwareRequest {
  readonly sellerId: string;
  readonly orderId: string;
  readonly lines: readonly CancelLine[];
  readonly idempotencyKey?: string | undefined;
}

export type CancelFromUniwareAnswer =
  | {
      readonly kind: 'answered';
      readonly requestId: string;
      readonly result: CancellationResult;
      /** True when this is a retry answered from the first request, changing nothing. */
      readonly replayed: boolean;
    }
  | { readonly kind: 'idempotency-key-reused'; readonly message: string };

export interface CancelFromUniwareSettings {
  /** An identical request within this window is taken for a retry of the first. */
  readonly duplicateWindowMs: number;
  /** How long an `Idempotency-Key` decides. */
  readonly idempotencyKeyTtlMs: number;
  /** Attempts of the conditional write when other instances write the same order. */
  readonly maxWriteAttempts: number;
  readonly reason: string;
}

export interface CancelFromUniwareDeps {
  readonly ledger: OrderLedger;
  readonly records: CancellationRecords;
  readonly idempotencyKeys: IdempotencyKeys;
  readonly crypto: Crypto;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly settings: CancelFromUniwareSettings;
}

export class WriteConflictError extends Error {
  override readonly name = 'WriteConflictError';
}

export const cancelFromUniware = (deps: CancelFromUniwareDeps) => {
  const { ledger, records, idempotencyKeys, crypto, clock, ids, settings } = deps;
  const writers = new KeyedMutex();

  const attempt = async (
    request: CancelFromUniwareRequest,
    fingerprint: string,
  ): Promise<CancelFromUniwareAnswer | 'conflict'> => {
    const now = clock.now();
    const entry = await ledger.find(request.orderId);
    const earlier = entry === undefined ? undefined : findEarlier(entry, request, fingerprint, now);
    const requestId = ids.newId();
    if (earlier !== undefined) {
      await records.append(recordOf(request, requestId, now, earlier.result, earlier.requestId));
      return { kind: 'answered', requestId: earlier.requestId, result: earlier.result, replayed: true };
    }

    const decision = decideCancellation(entry?.order, {
      ...request,
      source: 'unicommerce',
      reason: settings.reason,
      eventId: ids.newId(),
      at: now,
    });
    const result = summarize(decision.outcomes);
    const own = entry !== undefined && entry.order.sellerId === request.sellerId ? entry.order : undefined;
    if (own !== undefined) {
      const ttl =
        request.idempotencyKey === undefined ? settings.duplicateWindowMs : settings.idempotencyKeyTtlMs;
      const remember: RememberedRequest = {
        requestId,
        fingerprint,
        idempotencyKey: request.idempotencyKey,
        receivedAt: now,
        expiresAt: new Date(now.getTime() + ttl),
        result,
      };
      const written = await ledger.write({
        expectedRevision: own.revision,
        order: decision.order ?? nextRevision(own),
        remember,
        announce: decision.event,
        now,
      });
      if (written === 'conflict') return 'conflict';
    }
    await records.append(recordOf(request, requestId, now, result, undefined, decision.outcomes));
    return { kind: 'answered', requestId, result, replayed: false };
  };

  return async (request: CancelFromUniwareRequest): Promise<CancelFromUniwareAnswer> => {
    const fingerprint = crypto.digest(canonicalRequest(request));
    if (request.idempotencyKey !== undefined) {
      const now = clock.now();
      const claim = await idempotencyKeys.claim({
        sellerId: request.sellerId,
        key: request.idempotencyKey,
        fingerprint,
        expiresAt: new Date(now.getTime() + settings.idempotencyKeyTtlMs),
        now,
      });
      if (!claim.firstUse && claim.fingerprint !== fingerprint) {
        return {
          kind: 'idempotency-key-reused',
          message: 'this Idempotency-Key was already used with a different request body',
        };
      }
    }
    return writers.run(request.orderId, async () => {
      for (let tries = 1; tries <= settings.maxWriteAttempts; tries += 1) {
        const answer = await attempt(request, fingerprint);
        if (answer !== 'conflict') return answer;
      }
      throw new WriteConflictError(
        `order ${request.orderId} kept changing under ${settings.maxWriteAttempts} write attempts`,
      );
    });
  };
};

/** A retry of an earlier request: the same key, or without a key the same body within the window. */
const findEarlier = (
  entry: LedgerEntry,
  request: CancelFromUniwareRequest,
  fingerprint: string,
  now: Date,
): RememberedRequest | undefined =>
  entry.rememberedRequests.find(
    (earlier) =>
      earlier.expiresAt > now &&
      (request.idempotencyKey === undefined
        ? earlier.fingerprint === fingerprint && earlier.idempotencyKey === undefined
        : earlier.idempotencyKey === request.idempotencyKey && earlier.fingerprint === fingerprint),
  );

/** A refused request is still remembered, so the order is written with only its revision bumped. */
const nextRevision = (order: Order): Order => ({ ...order, revision: order.revision + 1 });

const recordOf = (
  request: CancelFromUniwareRequest,
  requestId: string,
  receivedAt: Date,
  result: CancellationResult,
  replayOf: string | undefined,
  outcomes?: ReturnType<typeof decideCancellation>['outcomes'],
) => ({
  requestId,
  sellerId: request.sellerId,
  orderId: request.orderId,
  source: 'unicommerce' as const,
  receivedAt,
  idempotencyKey: request.idempotencyKey,
  replayOf,
  status: result.status,
  lines: (outcomes ?? []).map((outcome) =>
    outcome.applied
      ? { line: outcome.line, outcome: 'APPLIED' as const }
      : { line: outcome.line, outcome: outcome.refusal.code, message: outcome.refusal.message },
  ),
});
