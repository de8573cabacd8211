import type { OrderCancelled } from '@cancel-sync/domain';

/** Publishes `order.cancelled` announcements to the marketplace (Kafka, keyed by order id). */
export interface CancellationEvents {
  /** Resolves once every event is acknowledged by the broker. */
  publish(events: readonly OrderCancelled[]): Promise<void>;
}
