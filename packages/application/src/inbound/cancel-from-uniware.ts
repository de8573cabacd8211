/**
 * A seller cancelled in Uniware and Uniware tells us (`POST /orders/cancel`): apply what the rules
 * allow to the ledger, announce it, and remember the answer so that a retry gets it back unchanged.
 */
import {
  type CancelLine,
  type CancellationResult,
  decideCancellation,
  type LineOutcome,
  type OrderCancelled,
  summarize,
} from '@cancel-sync/domain';
import { type LedgerStep, LedgerWriter } from '../ledger-writer.ts';
import type { CancellationRecord, CancellationRecords } from '../ports/cancellation-records.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { Crypto } from '../ports/crypto.ts';
import type { IdempotencyKeys } from '../ports/idempotency-keys.ts';
import {
  type LedgerEntry,
  MAX_REMEMBERED_APPLIED,
  type OrderLedger,
  type RememberedRequest,
} from '../ports/order-ledger.ts';
import { canonicalRequest } from './canonical-request.ts';

export interface CancelFromUniwareRequest {
  readonly sellerId: string;
  readonly orderId: string;
  readonly lines: readonly CancelLine[];
  readonly idempotencyKey?: string | undefined;
  /** The id the caller is answered under (`X-Request-Id`); the history names the request by it. */
  readonly requestId?: string | undefined;
  /**
   * The caller's deadline. If it fires before the ledger write is sent the answer is
   * `deadline-passed` and nothing is written; a write already sent is waited for.
   */
  readonly signal?: AbortSignal | undefined;
}

export type CancelFromUniwareAnswer =
  | {
      readonly kind: 'answered';
      readonly requestId: string;
      readonly result: CancellationResult;
      /** True when this is a retry answered from the first request, changing nothing. */
      readonly replayed: boolean;
      /** Its announcement was handed to `announceHere.publish` (no relay needs waking for it). */
      readonly announcedHere?: true | undefined;
    }
  | { readonly kind: 'idempotency-key-reused'; readonly message: string }
  /** Nothing was written: the deadline passed before the write (a retry is safe). */
  | { readonly kind: 'deadline-passed' }
  /** Nothing was written: too many requests for this order are already waiting in this process. */
  | { readonly kind: 'order-busy' };

export interface CancelFromUniwareSettings {
  /** An identical request within this window is taken for a retry of the first. */
  readonly duplicateWindowMs: number;
  /** How long an `Idempotency-Key` decides. */
  readonly idempotencyKeyTtlMs: number;
  /** Attempts of the conditional write when other instances write the same order. */
  readonly maxWriteAttempts: number;
  /** The reason announced with the cancellation (Uniware sends none). */
  readonly reason: string;
  /** Requests for one order running or waiting in this process; beyond it the answer is `order-busy`. */
  readonly maxQueuedPerOrder: number;
  /**
   * History records an order holds before they are copied to the history in a batch (see
   * `HistoryCopy.holdOnOrder`; the service gives `HISTORY_HELD_ON_ORDER`); 0 or absent copies them
   * after every write, two more round trips each.
   */
  readonly historyHeldOnOrder?: number | undefined;
}

export interface CancelFromUniwareDeps {
  readonly ledger: OrderLedger;
  readonly records: CancellationRecords;
  readonly idempotencyKeys: IdempotencyKeys;
  readonly crypto: Crypto;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly settings: CancelFromUniwareSettings;
  /** A history record could not be copied to the history now; it is kept and copied later. */
  readonly onHistoryCopyFailed?: ((error: unknown) => void) | undefined;
  /**
   * When this instance publishes its own announcements at once (`AnnounceAtOnce`): while
   * `accepting()`, a write marks its announcement as `owner`'s for `markMs` (relays leave it alone
   * until then) and, once written, hands it to `publish` (still within the request's work).
   */
  readonly announceHere?:
    | {
        readonly owner: string;
        readonly markMs: number;
        readonly accepting: () => boolean;
        readonly publish: (orderId: string, event: OrderCancelled) => void;
      }
    | undefined;
}

type Decided =
  | {
      readonly kind: 'new';
      readonly requestId: string;
      readonly result: CancellationResult;
      readonly record: CancellationRecord;
      /** The record went with a ledger write (else it is appended to the history on its own). */
      readonly written: boolean;
      /** Written marked as this instance's: to be published at once. */
      readonly announcedHere?: OrderCancelled | undefined;
    }
  | {
      readonly kind: 'replay';
      readonly requestId: string;
      readonly receivedAt: Date;
      readonly earlier: RememberedRequest;
      /** The earlier request's record when it is still on the order, not yet in the history. */
      readonly pendingRecord: CancellationRecord | undefined;
    }
  /** Applying it would remember more applied requests than the order may hold. */
  | { readonly kind: 'full' };

export const cancelFromUniware = (deps: CancelFromUniwareDeps) => {
  const { records, idempotencyKeys, crypto, clock, ids, settings } = deps;
  const onCopyFailed = deps.onHistoryCopyFailed ?? (() => undefined);
  const writer = new LedgerWriter(deps.ledger, settings.maxWriteAttempts, {
    records,
    onCopyFailed,
    holdOnOrder: settings.historyHeldOnOrder,
  });

  const decide = (
    request: CancelFromUniwareRequest,
    fingerprint: string,
    requestId: string,
    entry: LedgerEntry | undefined,
  ): LedgerStep<Decided> => {
    const now = clock.now();
    const earlier = entry === undefined ? undefined : findEarlier(entry, request, fingerprint, now);
    if (earlier !== undefined) {
      const pendingRecord = entry?.pendingRecords.find((record) => record.recordId === earlier.recordId);
      return { answer: { kind: 'replay', requestId, receivedAt: now, earlier, pendingRecord } };
    }
    const decision = decideCancellation(entry?.order, {
      ...request,
      source: 'unicommerce',
      reason: settings.reason,
      eventId: ids.newId(),
      at: now,
    });
    const result = summarize(decision.outcomes);
    const record = recordOf(request, {
      recordId: ids.newId(),
      requestId,
      receivedAt: now,
      result,
      outcomes: decision.outcomes,
    });
    const answer = { kind: 'new', requestId, result, record, written: false } as const;
    // Another seller's order is left untouched: to this seller it does not exist.
    if (entry === undefined || entry.order.sellerId !== request.sellerId) return { answer };
    const appliedWithinWindow = entry.rememberedRequests.filter(
      (remembered) => remembered.status !== 'FAILED' && remembered.expiresAt > now,
    ).length;
    if (decision.order !== undefined && appliedWithinWindow >= MAX_REMEMBERED_APPLIED) {
      return { answer: { kind: 'full' } };
    }
    const ttl =
      request.idempotencyKey === undefined ? settings.duplicateWindowMs : settings.idempotencyKeyTtlMs;
    const remember: RememberedRequest = {
      requestId,
      fingerprint,
      idempotencyKey: request.idempotencyKey,
      receivedAt: now,
      expiresAt: new Date(now.getTime() + ttl),
      status: result.status,
      recordId: record.recordId,
    };
    const here = deps.announceHere;
    const announceHere =
      decision.event === undefined || here === undefined || !here.accepting()
        ? undefined
        : { owner: here.owner, until: new Date(now.getTime() + here.markMs) };
    return {
      answer: { ...answer, written: true, announcedHere: announceHere && decision.event },
      write: {
        expectedRevision: entry.order.revision,
        // A refused request is remembered too, so the order is written with only its revision bumped.
        order: decision.order ?? { ...entry.order, revision: entry.order.revision + 1 },
        remember,
        announce: decision.event,
        announceHere,
        record,
        now,
      },
    };
  };

  /**
   * A retry gets the first answer back whole: a success from the order read alone (it refused
   * nothing), else from its history record — on the order while it holds it, else read.
   */
  const earlierResult = async (
    earlier: RememberedRequest,
    pending: CancellationRecord | undefined,
  ): Promise<CancellationResult> => {
    if (earlier.result !== undefined) return earlier.result;
    if (earlier.status === 'SUCCESS') return { status: 'SUCCESS', failedItems: [] };
    const record =
      pending ?? (earlier.recordId === undefined ? undefined : await records.find(earlier.recordId));
    if (record === undefined) {
      throw new Error(
        `the record of request ${earlier.requestId} is neither on its order nor in the history`,
      );
    }
    return resultOf(record);
  };

  return async (request: CancelFromUniwareRequest): Promise<CancelFromUniwareAnswer> => {
    const fingerprint = crypto.digest(canonicalRequest(request));
    if (request.signal?.aborted === true) return { kind: 'deadline-passed' };
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
    const requestId = request.requestId ?? ids.newId();
    const update = await writer.updateWithin(
      request.orderId,
      (entry) => decide(request, fingerprint, requestId, entry),
      { signal: request.signal, maxQueued: settings.maxQueuedPerOrder },
    );
    switch (update.kind) {
      case 'busy':
        return { kind: 'order-busy' };
      case 'deadline-passed':
        return { kind: 'deadline-passed' };
      case 'done':
        break;
      default: {
        const exhaustive: never = update;
        return exhaustive;
      }
    }
    const decided = update.answer;
    switch (decided.kind) {
      case 'full':
        return { kind: 'order-busy' };
      case 'new': {
        // Nothing was written: the record of a refusal of an unknown order stands alone.
        if (!decided.written) await records.append(decided.record).catch(onCopyFailed);
        const { requestId, result, announcedHere } = decided;
        if (announcedHere === undefined || deps.announceHere === undefined) {
          return { kind: 'answered', requestId, result, replayed: false };
        }
        deps.announceHere.publish(request.orderId, announcedHere);
        return { kind: 'answered', requestId, result, replayed: false, announcedHere: true };
      }
      case 'replay': {
        const { earlier } = decided;
        const result = await earlierResult(earlier, decided.pendingRecord);
        const record = recordOf(request, {
          recordId: ids.newId(),
          requestId: decided.requestId,
          receivedAt: decided.receivedAt,
          result,
          outcomes: [],
          replayOf: earlier.requestId,
        });
        await records.append(record).catch(onCopyFailed);
        return { kind: 'answered', requestId: earlier.requestId, result, replayed: true };
      }
      default: {
        const exhaustive: never = decided;
        return exhaustive;
      }
    }
  };
};

/** The answer a record was given: its refused lines, as `summarize` listed them. */
const resultOf = (record: CancellationRecord): CancellationResult => ({
  status: record.status,
  failedItems: record.lines.flatMap(({ line, outcome, message }) =>
    outcome === 'APPLIED'
      ? []
      : [
          {
            orderItemId: line.orderItemId ?? `${line.productId}/${line.variantId}`,
            code: outcome,
            errorMessage: message ?? '',
          },
        ],
  ),
});

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
      earlier.fingerprint === fingerprint &&
      earlier.idempotencyKey === request.idempotencyKey,
  );

const recordOf = (
  request: CancelFromUniwareRequest,
  decided: {
    readonly recordId: string;
    readonly requestId: string;
    readonly receivedAt: Date;
    readonly result: CancellationResult;
    readonly outcomes: readonly LineOutcome[];
    readonly replayOf?: string | undefined;
  },
): CancellationRecord => ({
  recordId: decided.recordId,
  requestId: decided.requestId,
  sellerId: request.sellerId,
  orderId: request.orderId,
  source: 'unicommerce',
  receivedAt: decided.receivedAt,
  idempotencyKey: request.idempotencyKey,
  replayOf: decided.replayOf,
  status: decided.result.status,
  lines: decided.outcomes.map((outcome) =>
    outcome.applied
      ? { line: outcome.line, outcome: 'APPLIED' }
      : { line: outcome.line, outcome: outcome.refusal.code, message: outcome.refusal.message },
  ),
});
