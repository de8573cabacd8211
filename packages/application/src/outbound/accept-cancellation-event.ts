/**
 * A marketplace service announced a cancellation (`order.cancelled`): apply it to the ledger and
 * store the delivery to Uniware as a job carrying only the units the ledger accepted. Both steps
 * are idempotent on the event id, so the Kafka offset can be committed after this resolves and a
 * redelivery changes nothing. What the ledger refused is a `LEDGER_DISAGREES` dead letter, never
 * pushed. An order the ledger does not know yet is checked again at delivery, for a bounded time.
 */
import {
  type CancelLine,
  type CancellationResult,
  countsCancellation,
  decideCancellation,
  type OrderCancelled,
  summarize,
  toUniwareCancelRequest,
} from '@cancel-sync/domain';
import { LedgerWriter } from '../ledger-writer.ts';
import type { CancellationRecord, CancellationRecords } from '../ports/cancellation-records.ts';
import type { Clock } from '../ports/clock.ts';
import type {
  DeliveryJob,
  DeliveryJobs,
  LedgerResolution,
  NewDeadLetter,
  NewDeliveryJob,
  RefusedLine,
} from '../ports/delivery-jobs.ts';
import type { OrderLedger } from '../ports/order-ledger.ts';
import type { LedgerRecheck } from './delivery-attempt.ts';

export type AcceptCancellationAnswer =
  /** Events from Uniware are never pushed back to it. */
  | { readonly kind: 'ignored'; readonly reason: string }
  | {
      readonly kind: 'accepted';
      readonly ledger: 'applied' | 'already-applied' | 'disagreed' | 'order-unknown';
      readonly job: 'enqueued' | 'duplicate';
    };

type LedgerOutcome =
  | { readonly ledger: 'order-unknown' }
  | {
      readonly ledger: 'applied' | 'disagreed';
      /** Of every line of the event, as the ledger judged it. */
      readonly result: CancellationResult;
      readonly record: CancellationRecord | undefined;
    }
  | {
      /** Judged before: the result, when the ledger kept it, else in the history record. */
      readonly ledger: 'already-applied';
      readonly result?: CancellationResult | undefined;
      readonly recordId?: string | undefined;
      readonly record: undefined;
    };

const ALL_ACCEPTED: CancellationResult = { status: 'SUCCESS', failedItems: [] };

export interface AcceptCancellationDeps {
  readonly ledger: OrderLedger;
  readonly records: CancellationRecords;
  readonly jobs: DeliveryJobs;
  /**
   * How a new job is stored: `jobs.enqueue` by default; the composition root hands it to the
   * dispatcher of this process when there is one, which may start its delivery at once.
   */
  readonly store?: ((job: NewDeliveryJob) => Promise<'enqueued' | 'duplicate'>) | undefined;
  readonly clock: Clock;
  readonly settings: {
    readonly maxWriteAttempts: number;
    /** How long an applied event is remembered on its order against redelivery. */
    readonly rememberEventsMs: number;
    /** How long a job whose order is unknown waits for the order feed before it is pushed as it is. */
    readonly awaitOrderMs: number;
    /**
     * History records an order holds before they are copied in a batch (see
     * `HistoryCopy.holdOnOrder`; the service gives `HISTORY_HELD_ON_ORDER`); 0 or absent copies
     * each one after its write.
     */
    readonly historyHeldOnOrder?: number | undefined;
  };
}

/** The event as the ledger sees it: the use case's input, also rebuilt from a stored job. */
type LedgerEvent = Pick<OrderCancelled, 'eventId' | 'orderId' | 'sellerId' | 'source' | 'reason'> & {
  readonly items: readonly CancelLine[];
};

const lineKey = (line: CancelLine): string => line.orderItemId ?? `${line.productId}/${line.variantId}`;

/** The lines the ledger accepted and those it refused, from its result over every line. */
const splitLines = (event: LedgerEvent, result: CancellationResult) => {
  const refusals = new Map(result.failedItems.map((item) => [item.orderItemId, item]));
  const accepted: CancelLine[] = [];
  const refused: RefusedLine[] = [];
  for (const line of event.items) {
    const refusal = refusals.get(lineKey(line));
    if (refusal === undefined) accepted.push(line);
    else refused.push({ line, code: refusal.code, message: refusal.errorMessage });
  }
  return { accepted, refused };
};

/** The result a history record stands for: its refused lines. */
const summarizeRecord = (record: CancellationRecord): CancellationResult => ({
  status: record.status,
  failedItems: record.lines.flatMap((line) =>
    line.outcome === 'APPLIED'
      ? []
      : [{ orderItemId: lineKey(line.line), code: line.outcome, errorMessage: line.message ?? line.outcome }],
  ),
});

const disagreement = (refused: readonly RefusedLine[], at: Date): NewDeadLetter => ({
  code: 'LEDGER_DISAGREES',
  reason: `the ledger refused ${refused.length} line(s): ${refused.map((line) => `${lineKey(line.line)}: ${line.message}`).join('; ')}`,
  at,
  refusedLines: refused,
});

/** What is sent, and what is dead-lettered, once the ledger has judged the event. */
const resolution = (event: LedgerEvent, result: CancellationResult, at: Date) => {
  const { accepted, refused } = splitLines(event, result);
  const resolved: LedgerResolution = {
    ledger: refused.length === 0 ? 'accepted' : 'partly',
    request: toUniwareCancelRequest({ ...event, items: accepted }),
    ...(refused.length === 0 ? {} : { deadLetter: disagreement(refused, at) }),
  };
  return { resolved, nothingAccepted: accepted.length === 0 };
};

export const acceptCancellationEvent = (deps: AcceptCancellationDeps) => {
  const { records, jobs, clock, settings } = deps;
  const store = deps.store ?? ((job: NewDeliveryJob) => jobs.enqueue(job));

  /** How the ledger judged the event's lines, now or (from its history record) the first time. */
  const judged = async (event: LedgerEvent, outcome: Exclude<LedgerOutcome, { ledger: 'order-unknown' }>) => {
    if (outcome.result !== undefined) return outcome.result;
    const recorded = (await records.forOrder(event.sellerId, event.orderId)).find(
      (record) =>
        record.recordId === (('recordId' in outcome ? outcome.recordId : undefined) ?? event.eventId),
    );
    if (recorded === undefined) return ALL_ACCEPTED;
    return summarizeRecord(recorded);
  };
  // The record goes with the ledger write and stays on the order (the history reads it there) until
  // the order holds `historyHeldOnOrder`; a failed copy stays there too, for a later write.
  const writer = new LedgerWriter(deps.ledger, settings.maxWriteAttempts, {
    records,
    onCopyFailed: () => undefined,
    holdOnOrder: settings.historyHeldOnOrder,
  });

  const applyToLedger = (event: LedgerEvent) =>
    writer.update<LedgerOutcome>(event.orderId, (entry) => {
      if (entry === undefined || entry.order.sellerId !== event.sellerId) {
        return { answer: { ledger: 'order-unknown' } };
      }
      const fingerprint = `event:${event.eventId}`;
      // A snapshot of the order feed that names this cancellation counts it already: accepted.
      if (countsCancellation(entry.order, event.eventId)) {
        return { answer: { ledger: 'already-applied', result: ALL_ACCEPTED, record: undefined } };
      }
      const earlier = entry.rememberedRequests.find((remembered) => remembered.fingerprint === fingerprint);
      if (earlier !== undefined) {
        return {
          answer: {
            ledger: 'already-applied',
            result: earlier.result,
            recordId: earlier.recordId,
            record: undefined,
          },
        };
      }
      const now = clock.now();
      const decision = decideCancellation(entry.order, {
        sellerId: event.sellerId,
        orderId: event.orderId,
        lines: event.items,
        source: event.source,
        reason: event.reason,
        eventId: event.eventId,
        at: now,
      });
      const result = summarize(decision.outcomes);
      const record: CancellationRecord = {
        recordId: event.eventId,
        requestId: event.eventId,
        sellerId: event.sellerId,
        orderId: event.orderId,
        source: event.source,
        receivedAt: now,
        status: result.status,
        lines: decision.outcomes.map((outcome) =>
          outcome.applied
            ? { line: outcome.line, outcome: 'APPLIED' }
            : { line: outcome.line, outcome: outcome.refusal.code, message: outcome.refusal.message },
        ),
      };
      return {
        answer: { ledger: result.status === 'SUCCESS' ? 'applied' : 'disagreed', result, record },
        write: {
          expectedRevision: entry.order.revision,
          order: decision.order ?? { ...entry.order, revision: entry.order.revision + 1 },
          remember: {
            requestId: event.eventId,
            fingerprint,
            receivedAt: now,
            expiresAt: new Date(now.getTime() + settings.rememberEventsMs),
            status: result.status,
            recordId: record.recordId,
          },
          record,
          now,
        },
      };
    });

  const accept = async (event: OrderCancelled, sequence: number): Promise<AcceptCancellationAnswer> => {
    if (event.source === 'unicommerce') {
      return { kind: 'ignored', reason: 'the cancellation came from Uniware' };
    }
    // The writer copied the history record already (or left it on the order for the next write).
    const outcome = await applyToLedger(event);
    const now = clock.now();
    const common = {
      jobId: event.eventId,
      orderId: event.orderId,
      sellerId: event.sellerId,
      source: event.source,
      lines: event.items,
      sequence,
      createdAt: now,
    };
    if (outcome.ledger === 'order-unknown') {
      const job = await store({
        ...common,
        request: toUniwareCancelRequest(event),
        ledger: 'awaiting-order',
        awaitOrderUntil: new Date(now.getTime() + settings.awaitOrderMs),
      });
      return { kind: 'accepted', ledger: 'order-unknown', job };
    }
    // A redelivered event whose job exists changes nothing; one whose job was lost gets it again.
    if (outcome.ledger === 'already-applied' && (await jobs.find(event.eventId)) !== undefined) {
      return { kind: 'accepted', ledger: outcome.ledger, job: 'duplicate' };
    }
    const { resolved, nothingAccepted } = resolution(event, await judged(event, outcome), now);
    const job = await store({
      ...common,
      request: resolved.request,
      ledger: resolved.ledger,
      ...(nothingAccepted ? { state: 'disagreed' as const } : {}),
      deadLetter: resolved.deadLetter,
    });
    return { kind: 'accepted', ledger: outcome.ledger, job };
  };

  /** For the dispatcher: the order of an `awaiting-order` job may be known by now. */
  const recheckLedger = async (job: DeliveryJob): Promise<LedgerRecheck> => {
    const event: LedgerEvent = {
      eventId: job.jobId,
      orderId: job.orderId,
      sellerId: job.sellerId,
      source: job.source,
      reason: job.request.cancellationReason,
      items: job.lines,
    };
    const outcome = await applyToLedger(event);
    if (outcome.ledger === 'order-unknown') return { kind: 'order-unknown' };
    const { resolved, nothingAccepted } = resolution(event, await judged(event, outcome), clock.now());
    return { kind: 'resolved', resolution: resolved, nothingAccepted };
  };

  return Object.assign(accept, { recheckLedger });
};
