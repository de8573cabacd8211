/**
 * A marketplace service announced a cancellation (`order.cancelled`): apply it to the ledger when the
 * order is known, and store the delivery to Uniware as a job. Both steps are idempotent on the event
 * id, so the Kafka offset can be committed after this resolves and a redelivery changes nothing.
 */
import {
  countsCancellation,
  decideCancellation,
  type OrderCancelled,
  summarize,
  toUniwareCancelRequest,
} from '@cancel-sync/domain';
import { LedgerWriter } from '../ledger-writer.ts';
import type { CancellationRecord, CancellationRecords } from '../ports/cancellation-records.ts';
import type { Clock } from '../ports/clock.ts';
import type { DeliveryJobs } from '../ports/delivery-jobs.ts';
import type { OrderLedger } from '../ports/order-ledger.ts';

export type AcceptCancellationAnswer =
  /** Events from Uniware are never pushed back to it. */
  | { readonly kind: 'ignored'; readonly reason: string }
  | {
      readonly kind: 'accepted';
      readonly ledger: 'applied' | 'already-applied' | 'disagreed' | 'order-unknown';
      readonly job: 'enqueued' | 'duplicate';
    };

interface LedgerOutcome {
  readonly ledger: 'applied' | 'already-applied' | 'disagreed' | 'order-unknown';
  readonly record: CancellationRecord | undefined;
}

export interface AcceptCancellationDeps {
  readonly ledger: OrderLedger;
  readonly records: CancellationRecords;
  readonly jobs: DeliveryJobs;
  readonly clock: Clock;
  readonly settings: {
    readonly maxWriteAttempts: number;
    /** How long an applied event is remembered on its order against redelivery. */
    readonly rememberEventsMs: number;
  };
}

export const acceptCancellationEvent = (deps: AcceptCancellationDeps) => {
  const { records, jobs, clock, settings } = deps;
  // The record goes with the ledger write; the writer copies it to the history (a failed copy is
  // retried by the append below when the event comes back, and by the next write of the order).
  const writer = new LedgerWriter(deps.ledger, settings.maxWriteAttempts, {
    records,
    onCopyFailed: () => undefined,
  });

  const applyToLedger = (event: OrderCancelled) =>
    writer.update<LedgerOutcome>(event.orderId, (entry) => {
      if (entry === undefined || entry.order.sellerId !== event.sellerId) {
        return { answer: { ledger: 'order-unknown', record: undefined } };
      }
      const fingerprint = `event:${event.eventId}`;
      if (
        countsCancellation(entry.order, event.eventId) ||
        entry.rememberedRequests.some((earlier) => earlier.fingerprint === fingerprint)
      ) {
        return { answer: { ledger: 'already-applied', record: undefined } };
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
        answer: {
          ledger: result.status === 'SUCCESS' ? ('applied' as const) : ('disagreed' as const),
          record,
        },
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

  return async (event: OrderCancelled, sequence: number): Promise<AcceptCancellationAnswer> => {
    if (event.source === 'unicommerce') {
      return { kind: 'ignored', reason: 'the cancellation came from Uniware' };
    }
    const { ledger, record } = await applyToLedger(event);
    // The marketplace has cancelled already: a ledger that disagrees is recorded, never a reason to
    // withhold the cancellation from Uniware, which judges it itself.
    if (record !== undefined) await records.append(record);
    const job = await jobs.enqueue({
      jobId: event.eventId,
      orderId: event.orderId,
      sellerId: event.sellerId,
      source: event.source,
      request: toUniwareCancelRequest(event),
      sequence,
      createdAt: clock.now(),
    });
    return { kind: 'accepted', ledger, job };
  };
};
