/**
 * The ledger feed: the marketplace publishes snapshots of each order with its own revision. A
 * snapshot replaces what the ledger holds unless it is older than the one already applied;
 * cancellations are never undone by a snapshot that has not caught up with them.
 */
import type { Order, OrderItem, OrderItemStatus, OrderStatus } from './order.ts';

export interface OrderSnapshot {
  readonly orderId: string;
  readonly sellerId: string;
  readonly status: OrderStatus;
  /** The publisher's revision of the order; strictly increasing per order. */
  readonly revision: number;
  readonly items: readonly {
    readonly orderItemId: string;
    readonly productId: string;
    readonly variantId: string;
    readonly quantity: number;
    readonly cancelledQuantity?: number | undefined;
    readonly status: OrderItemStatus;
  }[];
}

export type SnapshotDecision =
  | { readonly applied: true; readonly order: Order }
  | { readonly applied: false; readonly reason: 'stale' };

export const applySnapshot = (current: Order | undefined, snapshot: OrderSnapshot): SnapshotDecision => {
  if (current !== undefined && snapshot.revision <= current.sourceRevision)
    return { applied: false, reason: 'stale' };
  const known = new Map(current?.items.map((item) => [item.orderItemId, item]));
  const items = snapshot.items.map((incoming): OrderItem => {
    const quantity = incoming.quantity;
    const cancelledQuantity = Math.min(
      quantity,
      Math.max(incoming.cancelledQuantity ?? 0, known.get(incoming.orderItemId)?.cancelledQuantity ?? 0),
    );
    return {
      orderItemId: incoming.orderItemId,
      productId: incoming.productId,
      variantId: incoming.variantId,
      quantity,
      cancelledQuantity,
      status: cancelledQuantity === quantity ? 'CANCELLED' : incoming.status,
    };
  });
  const allCancelled = items.length > 0 && items.every((item) => item.status === 'CANCELLED');
  return {
    applied: true,
    order: {
      orderId: snapshot.orderId,
      sellerId: snapshot.sellerId,
      status: allCancelled ? 'CANCELLED' : snapshot.status,
      revision: (current?.revision ?? 0) + 1,
      sourceRevision: snapshot.revision,
      items,
    },
  };
};
