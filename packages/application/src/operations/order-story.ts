/**
 * "What happened to the cancellation of order X?" in one answer, assembled in one place for whoever
 * shows it (the operations port and the operator CLI): the ledger's state, every cancellation it
 * recorded (from Uniware and from marketplace events, with their answers), every delivery with each
 * attempt, answer, dead letter (and whether published) and replay, the announcements not yet on
 * Kafka, and the traces to open. Plain data, no formatting.
 */
import type { Order } from '@cancel-sync/domain';
import type { CancellationRecord, CancellationRecords } from '../ports/cancellation-records.ts';
import type { DeliveryJob } from '../ports/delivery-jobs.ts';
import type { OrderLedger, OutboxEntry, RememberedRequest } from '../ports/order-ledger.ts';
import type { DeliveryJobOperations } from './delivery-job-operations.ts';

/** Announcements written with an order change and not yet on Kafka. */
export interface PendingAnnouncements {
  pendingFor(orderId: string): Promise<readonly OutboxEntry[]>;
}

export interface OrderStory {
  readonly orderId: string;
  /** Absent when the order feed never brought the order. */
  readonly order?: Order | undefined;
  readonly rememberedRequests: readonly RememberedRequest[];
  /** As recorded for the order's seller (and for the sellers named on its jobs), oldest first. */
  readonly cancellationRecords: readonly CancellationRecord[];
  /** In sequence, each with every attempt, answer, dead letter (and whether published) and replay. */
  readonly deliveryJobs: readonly DeliveryJob[];
  readonly pendingAnnouncements: readonly OutboxEntry[];
  /** Trace ids of the stored work (announcements, deliveries): open them in the trace viewer. */
  readonly traceIds: readonly string[];
}

export interface OrderStoryDeps {
  readonly ledger: Pick<OrderLedger, 'find'>;
  readonly records: Pick<CancellationRecords, 'forOrder'>;
  readonly jobs: Pick<DeliveryJobOperations, 'forOrder'>;
  readonly announcements: PendingAnnouncements;
}

const traceIdOf = (traceparent: string | undefined): string | undefined =>
  traceparent === undefined ? undefined : /^00-([0-9a-f]{32})-/.exec(traceparent)?.[1];

export const orderStory =
  ({ ledger, records, jobs, announcements }: OrderStoryDeps) =>
  async (orderId: string): Promise<OrderStory> => {
    const [entry, deliveryJobs, pendingAnnouncements] = await Promise.all([
      ledger.find(orderId),
      jobs.forOrder(orderId),
      announcements.pendingFor(orderId),
    ]);
    const sellerIds = new Set<string>(deliveryJobs.map((job) => job.sellerId));
    if (entry !== undefined) sellerIds.add(entry.order.sellerId);
    const recorded = await Promise.all([...sellerIds].map((sellerId) => records.forOrder(sellerId, orderId)));
    const traceIds = [
      ...new Set(
        [
          ...pendingAnnouncements.map((announcement) => announcement.traceparent),
          ...deliveryJobs.map((job) => job.traceparent),
        ]
          .map(traceIdOf)
          .filter((id) => id !== undefined),
      ),
    ];
    return {
      orderId,
      order: entry?.order,
      rememberedRequests: entry?.rememberedRequests ?? [],
      cancellationRecords: recorded.flat().sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime()),
      deliveryJobs,
      pendingAnnouncements,
      traceIds,
    };
  };
