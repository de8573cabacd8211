/**
 * Marketplace `order.cancelled` events, each recognisable in the sandbox's call log by its reason,
 * and the tally of what reached "Uniware": delivered, lost, repeated calls and why each repeat
 * happened (the attempt log of its job says whether the call was under way at a kill).
 */
import { randomUUID } from 'node:crypto';
import type { DeliveryJob } from '@cancel-sync/application';
import type { CallRecord } from '@cancel-sync/uc-sandbox';
import { aCancelledEvent } from '../../apps/service/test/support/mothers.ts';

export interface OutboundEvent {
  readonly eventId: string;
  readonly orderId: string;
  readonly sellerId: string;
  readonly value: string;
}

const REASON = 'reliability event ';

/** `count` one-unit events over `orders` orders of `sellers` sellers (order i belongs to seller i mod sellers). */
export const outboundEvents = (
  count: number,
  { orders, sellers, prefix }: { orders: number; sellers: number; prefix: string },
): OutboundEvent[] =>
  Array.from({ length: count }, (_, index) => {
    const order = index % orders;
    const eventId = randomUUID();
    const event = aCancelledEvent({
      eventId,
      orderId: `${prefix}-${order}`,
      sellerId: `seller-${order % sellers}`,
      reason: `${REASON}${eventId}`,
    });
    return { eventId, orderId: event.orderId, sellerId: event.sellerId, value: JSON.stringify(event) };
  });

/**
 * How many calls the sandbox applied for each event id: a call refused before applying (a 429, a
 * 503) is a retry that cancels nothing, a second applied one is a repeat.
 */
export const appliedPerEvent = (calls: readonly CallRecord[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const call of calls) {
    if (!call.applied) continue;
    const reason = (call.body as { cancellationReason?: unknown } | null)?.cancellationReason;
    if (typeof reason !== 'string' || !reason.startsWith(REASON)) continue;
    const eventId = reason.slice(REASON.length);
    counts.set(eventId, (counts.get(eventId) ?? 0) + 1);
  }
  return counts;
};

export interface DeliveryTally {
  readonly delivered: number;
  readonly lost: number;
  /** Applied calls beyond the first for an event: units Uniware cancelled again. */
  readonly repeats: number;
  /** Repeats of a call under way when its instance was killed (an attempt of a killed owner, unanswered). */
  readonly repeatsInFlightAtKill: number;
  /** Repeats after a call that timed out or whose connection ended (its answer recorded as unknown). */
  readonly repeatsAfterUnknownAnswer: number;
  /** Every other repeat: a defect. */
  readonly otherRepeats: number;
  readonly unknownOutcomes: number;
  /** Up to ten events of each kind that misses, for the notes. */
  readonly examples: readonly string[];
}

export const tallyDeliveries = async (
  events: readonly OutboundEvent[],
  calls: readonly CallRecord[],
  findJob: (jobId: string) => Promise<DeliveryJob | undefined>,
  killed: ReadonlySet<string>,
): Promise<DeliveryTally> => {
  const perEvent = appliedPerEvent(calls);
  let delivered = 0;
  let repeats = 0;
  let inFlight = 0;
  let afterUnknown = 0;
  let unknownOutcomes = 0;
  const examples: string[] = [];
  const jobs = await inBatches(events, 16, (event) => findJob(event.eventId));
  events.forEach((event, index) => {
    const job = jobs[index];
    const reached = perEvent.get(event.eventId) ?? 0;
    unknownOutcomes += job?.unknownOutcomes ?? 0;
    if (job?.state === 'delivered' && reached > 0) delivered += 1;
    else if (examples.length < 10)
      examples.push(`lost ${event.eventId}: job ${job?.state ?? 'missing'}, ${reached} applied calls`);
    const extra = Math.max(0, reached - 1);
    if (extra === 0) return;
    repeats += extra;
    const log = job?.attemptLog ?? [];
    // A takeover records the dead holder's call as unknown; before it, the call has no answer.
    const killedMidCall = log.filter(
      (a) => killed.has(a.owner) && (a.answer === undefined || a.answer.verdict === 'unknown'),
    ).length;
    const unknownAnswer = log.filter((a) => !killed.has(a.owner) && a.answer?.verdict === 'unknown').length;
    const byKill = Math.min(extra, killedMidCall);
    const byUnknown = Math.min(extra - byKill, unknownAnswer);
    inFlight += byKill;
    afterUnknown += byUnknown;
    if (extra > byKill + byUnknown && examples.length < 10) {
      examples.push(`repeat of ${event.eventId}: ${reached} applied calls, attempts ${JSON.stringify(log)}`);
    }
  });
  return {
    delivered,
    lost: events.length - delivered,
    repeats,
    repeatsInFlightAtKill: inFlight,
    repeatsAfterUnknownAnswer: afterUnknown,
    otherRepeats: repeats - inFlight - afterUnknown,
    unknownOutcomes,
    examples,
  };
};

/** Maps with at most `width` at once, keeping the order. */
export const inBatches = async <T, R>(
  items: readonly T[],
  width: number,
  map: (item: T) => Promise<R>,
): Promise<R[]> => {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const at = next;
        next += 1;
        results[at] = await map(items[at] as T);
      }
    }),
  );
  return results;
};
