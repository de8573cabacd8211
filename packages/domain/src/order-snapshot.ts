/**
 * The ledger feed: the marketplace publishes snapshots of each order with its own revision. A
 * snapshot replaces what the ledger holds unless it is older than the one already applied.
 *
 * One cancellation is counted once, whatever arrives first. A snapshot names the cancellations its
 * `cancelledQuantity` counts (`cancellationIds`); the ledger keeps the cancellations it applied
 * itself until a snapshot names them. So an item's cancelled units are the snapshot's plus those of
 * the applied cancellations the snapshot does not name, and a cancellation the snapshot names is
 * never applied again when its event arrives later. A snapshot that names nothing (a publisher that
 * does not know the field) is merged as before: the larger of its count and the ledger's.
 */
import type { AppliedCancellation, Order, OrderItem, OrderItemStatus, OrderStatus } from './order.ts';

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
  /** Every cancellation `cancelledQuantity` counts, by event id; absent when the publisher does not say. */
  readonly cancellationIds?: readonly string[] | undefined;
}

export type SnapshotDecision =
  | { readonly applied: true; readonly order: Order }
  | { readonly applied: false; readonly reason: 'stale' };

const unitsOn = (cancellations: readonly AppliedCancellation[], orderItemId: string): number =>
  cancellations
    .flatMap((cancellation) => cancellation.items)
    .reduce((sum, units) => sum + (units.orderItemId === orderItemId ? units.quantity : 0), 0);

export const applySnapshot = (current: Order | undefined, snapshot: OrderSnapshot): SnapshotDecision => {
  if (current !== undefined && snapshot.revision <= current.sourceRevision)
    return { applied: false, reason: 'stale' };
  const named = snapshot.cancellationIds;
  const applied = current?.appliedCancellations ?? [];
  const reflected = new Set(named ?? []);
  const notNamed = applied.filter((cancellation) => !reflected.has(cancellation.cancellationId));
  const known = new Map(current?.items.map((item) => [item.orderItemId, item]));
  const items = snapshot.items.map((incoming): OrderItem => {
    const quantity = incoming.quantity;
    const counted = incoming.cancelledQuantity ?? 0;
    const cancelledQuantity = Math.min(
      quantity,
      named === undefined
        ? Math.max(counted, known.get(incoming.orderItemId)?.cancelledQuantity ?? 0)
        : counted + unitsOn(notNamed, incoming.orderItemId),
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
  const previouslyReflected = current?.reflectedCancellationIds ?? [];
  return {
    applied: true,
    order: {
      orderId: snapshot.orderId,
      sellerId: snapshot.sellerId,
      status: allCancelled ? 'CANCELLED' : snapshot.status,
      revision: (current?.revision ?? 0) + 1,
      sourceRevision: snapshot.revision,
      items,
      ...(named === undefined
        ? optionalCancellations(applied, previouslyReflected)
        : optionalCancellations(notNamed, [...reflected])),
    },
  };
};

const optionalCancellations = (
  appliedCancellations: readonly AppliedCancellation[],
  reflectedCancellationIds: readonly string[],
) => ({
  ...(appliedCancellations.length === 0 ? {} : { appliedCancellations }),
  ...(reflectedCancellationIds.length === 0 ? {} : { reflectedCancellationIds }),
});
