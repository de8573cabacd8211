/**
 * Everything we hold about one order, assembled in one place for whoever shows it (the operator
 * CLI now, an operations endpoint later): plain data, no formatting.
 */
import type { Order, OrderCancelled } from '@cancel-sync/domain';
import type { CancellationRecord, CancellationRecords } from '../ports/cancellation-records.ts';
import type { DeliveryJob } from '../ports/delivery-jobs.ts';
import type { OrderLedger, RememberedRequest } from '../ports/order-ledger.ts';
import type { DeliveryJobOperations } from './delivery-job-operations.ts';

/** Announcements written with an order change and not yet on Kafka. */
export interface PendingAnnouncements {
  pendingFor(orderId: string): Promise<readonly OrderCancelled[]>;
}

export interface OrderStory {
  readonly orderId: string;
  /** Absent when the order feed never brought the order. */
  readonly order?: Order | undefined;
  readonly rememberedRequests: readonly RememberedRequest[];
  /** As recorded for the order's seller (and for the sellers named on its jobs). */
  readonly cancellationRecords: readonly CancellationRecord[];
  /** In sequence, each with every attempt, answer, dead letter (and whether published) and replay. */
  readonly deliveryJobs: readonly DeliveryJob[];
  readonly pendingAnnouncements: readonly OrderCancelled[];
}

export interface OrderStoryDeps {
  readonly ledger: OrderLedger;
  readonly records: CancellationRecords;
  readonly jobs: DeliveryJobOperations;
  readonly announcements: PendingAnnouncements;
}

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
    return {
      orderId,
      order: entry?.order,
      rememberedRequests: entry?.rememberedRequests ?? [],
      cancellationRecords: recorded.flat().sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime()),
      deliveryJobs,
      pendingAnnouncements,
    };
  };
