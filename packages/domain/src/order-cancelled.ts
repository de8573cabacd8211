/** The domain event announced when units of an order are cancelled. */

export const CANCELLATION_SOURCES = ['customer', 'marketplace', 'unicommerce'] as const;
export type CancellationSource = (typeof CANCELLATION_SOURCES)[number];

export interface CancelledUnits {
  readonly orderItemId?: string | undefined;
  readonly productId: string;
  readonly variantId: string;
  readonly quantity: number;
}

export interface OrderCancelled {
  readonly eventId: string;
  /** ISO-8601 UTC. */
  readonly occurredAt: string;
  readonly source: CancellationSource;
  readonly orderId: string;
  readonly sellerId: string;
  readonly items: readonly CancelledUnits[];
  readonly reason: string;
}
