/**
 * "What happened to the cancellation of order X?" in one answer, for an operator: the ledger's
 * state, every cancellation it recorded (from Uniware and from marketplace events, with their
 * answers), every delivery to Uniware with each attempt and answer, the dead letters and whether
 * they were published, the announcements not yet published, and the traces to open. Plain data:
 * the operations port and the operator CLI both print it.
 */
import type { Order } from '@cancel-sync/domain';
import type { CancellationRecord, CancellationRecords } from '../ports/cancellation-records.ts';
import type { DeliveryJob } from '../ports/delivery-jobs.ts';
import type { OrderLedger, OutboxEntry, RememberedRequest } from '../ports/order-ledger.ts';

/** Reads the story needs that no use case of the service needs: all of one order's jobs and outbox. */
export interface OrderHistorySources {
  readonly ledger: Pick<OrderLedger, 'find'>;
  readonly records: Pick<CancellationRecords, 'forOrder'>;
  /** Every delivery job of the order, oldest first. */
  readonly jobsOfOrder: (orderId: string) => Promise<readonly DeliveryJob[]>;
  /** The order's announcements not yet published. */
  readonly pendingAnnouncements: (orderId: string) => Promise<readonly OutboxEntry[]>;
}

export interface OrderStory {
  readonly order: Order;
  readonly rememberedRequests: readonly RememberedRequest[];
  /** Inbound requests and marketplace events as the ledger judged them, oldest first. */
  readonly cancellations: readonly CancellationRecord[];
  readonly deliveries: readonly DeliveryJob[];
  readonly pendingAnnouncements: readonly OutboxEntry[];
  /** Trace ids of the stored work (announcements, deliveries): open them in the trace viewer. */
  readonly traceIds: readonly string[];
}

const traceIdOf = (traceparent: string | undefined): string | undefined =>
  traceparent === undefined ? undefined : /^00-([0-9a-f]{32})-/.exec(traceparent)?.[1];

/** `undefined` when the ledger does not know the order; its deliveries are still shown then. */
export const orderStory =
  (sources: OrderHistorySources) =>
  async (
    orderId: string,
  ): Promise<OrderStory | { readonly order: undefined; readonly deliveries: readonly DeliveryJob[] }> => {
    const [entry, deliveries, pendingAnnouncements] = await Promise.all([
      sources.ledger.find(orderId),
      sources.jobsOfOrder(orderId),
      sources.pendingAnnouncements(orderId),
    ]);
    if (entry === undefined) return { order: undefined, deliveries };
    const cancellations = [...(await sources.records.forOrder(entry.order.sellerId, orderId))].sort(
      (a, b) => a.receivedAt.getTime() - b.receivedAt.getTime(),
    );
    const traceIds = [
      ...new Set(
        [
          ...pendingAnnouncements.map((announcement) => announcement.traceparent),
          ...deliveries.map((job) => job.traceparent),
        ]
          .map(traceIdOf)
          .filter((id) => id !== undefined),
      ),
    ];
    return {
      order: entry.order,
      rememberedRequests: entry.rememberedRequests,
      cancellations,
      deliveries,
      pendingAnnouncements,
      traceIds,
    };
  };
