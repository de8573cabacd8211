/** The order ledger: what the marketplace knows of an order, enough to judge a cancellation. */
import type { CancelledUnits } from './order-cancelled.ts';

export const ORDER_STATUSES = ['PENDING_VERIFICATION', 'CREATED', 'COMPLETE', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_ITEM_STATUSES = [
  'CREATED',
  'CANCELLED',
  'DISPATCHED',
  'DELIVERED',
  'RETURN_REQUESTED',
  'COURIER_RETURN',
] as const;
export type OrderItemStatus = (typeof ORDER_ITEM_STATUSES)[number];

export interface OrderItem {
  readonly orderItemId: string;
  readonly productId: string;
  readonly variantId: string;
  /** Units ordered. */
  readonly quantity: number;
  /** Units cancelled so far; never above `quantity`. */
  readonly cancelledQuantity: number;
  readonly status: OrderItemStatus;
}

export interface Order {
  /** Uniware's `saleOrderCode`. */
  readonly orderId: string;
  readonly sellerId: string;
  readonly status: OrderStatus;
  /** Bumped by every change this service makes; guards concurrent writers. */
  readonly revision: number;
  /** Revision of the last snapshot taken from the marketplace's order feed. */
  readonly sourceRevision: number;
  readonly items: readonly OrderItem[];
  /**
   * Cancellations this ledger applied (marketplace events, and Uniware's requests under the id we
   * announced them with) that the last snapshot did not name: their units are counted on top of it.
   * Absent means none.
   */
  readonly appliedCancellations?: readonly AppliedCancellation[] | undefined;
  /** Ids of the cancellations the last snapshot named as counted in it. Absent means none. */
  readonly reflectedCancellationIds?: readonly string[] | undefined;
}

export interface AppliedCancellation {
  /** The `order.cancelled` event id (for Uniware's requests, the id we announced them with). */
  readonly cancellationId: string;
  /** The units it cancelled, each on a known order item. */
  readonly items: readonly CancelledUnits[];
}

/** Whether the ledger already counts this cancellation, applied here or named by a snapshot. */
export const countsCancellation = (order: Order, cancellationId: string): boolean =>
  (order.reflectedCancellationIds ?? []).includes(cancellationId) ||
  (order.appliedCancellations ?? []).some((applied) => applied.cancellationId === cancellationId);

export const remainingUnits = (item: OrderItem): number => item.quantity - item.cancelledQuantity;

/** Uniware cancels processing orders; a completed or cancelled order cannot be cancelled again. */
export const isOrderCancellable = (status: OrderStatus): boolean => {
  switch (status) {
    case 'PENDING_VERIFICATION':
    case 'CREATED':
      return true;
    case 'COMPLETE':
    case 'CANCELLED':
      return false;
    default: {
      const exhaustive: never = status;
      return exhaustive;
    }
  }
};

/** Only units not yet handed to a courier can be cancelled. */
export const isItemCancellable = (status: OrderItemStatus): boolean => {
  switch (status) {
    case 'CREATED':
      return true;
    case 'CANCELLED':
    case 'DISPATCHED':
    case 'DELIVERED':
    case 'RETURN_REQUESTED':
    case 'COURIER_RETURN':
      return false;
    default: {
      const exhaustive: never = status;
      return exhaustive;
    }
  }
};
