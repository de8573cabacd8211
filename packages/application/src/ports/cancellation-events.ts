import type { OrderCancelled } from '@cancel-sync/domain';
import type { DeliveryJob } from './delivery-jobs.ts';

/** Publishes `order.cancelled` announcements to the marketplace (Kafka, keyed by order id). */
export interface CancellationEvents {
  /** Resolves once every event is acknowledged by the broker. */
  publish(events: readonly OrderCancelled[]): Promise<void>;
}

export const DEAD_LETTER_CODES = ['UNIWARE_REJECTED', 'DELIVERY_GAVE_UP', 'UNKNOWN_ORDER_SELLER'] as const;
export type DeadLetterCode = (typeof DEAD_LETTER_CODES)[number];

/** Deliveries that will not be retried, published for people and tools to act on. */
export interface DeadLetters {
  publish(job: DeliveryJob, code: DeadLetterCode, reason: string): Promise<void>;
}
