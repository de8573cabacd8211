/**
 * The cancellation rules: which lines of a request may be applied to an order, and the order and
 * event that result. Every line is judged on its own; a refused line never stops the others.
 */

import {
  isItemCancellable,
  isOrderCancellable,
  type Order,
  type OrderItem,
  remainingUnits,
} from './order.ts';
import type { CancellationSource, CancelledUnits, OrderCancelled } from './order-cancelled.ts';
import { type Refusal, refuse } from './refusal.ts';

export interface CancelLine {
  /** Absent in events from marketplace services that cancel by product; units are then allocated. */
  readonly orderItemId?: string | undefined;
  readonly productId: string;
  readonly variantId: string;
  readonly quantity: number;
}

export interface CancelOrder {
  readonly sellerId: string;
  readonly orderId: string;
  readonly lines: readonly CancelLine[];
  readonly source: CancellationSource;
  readonly reason: string;
  /** Id of the event announcing the accepted lines (passed in: the domain makes no ids). */
  readonly eventId: string;
  readonly at: Date;
}

export type LineOutcome =
  | { readonly line: CancelLine; readonly applied: true; readonly units: readonly CancelledUnits[] }
  | { readonly line: CancelLine; readonly applied: false; readonly refusal: Refusal };

export interface CancellationDecision {
  /** One outcome per request line, in request order. */
  readonly outcomes: readonly LineOutcome[];
  /** The order after the accepted lines; `undefined` when no line was applied. */
  readonly order: Order | undefined;
  /** The announcement of the accepted lines; `undefined` when no line was applied. */
  readonly event: OrderCancelled | undefined;
}

export const decideCancellation = (order: Order | undefined, command: CancelOrder): CancellationDecision => {
  const orderRefusal = refuseWholeOrder(order, command);
  if (orderRefusal !== undefined || order === undefined) {
    const refusal = orderRefusal ?? refuse('ORDER_NOT_FOUND', `order ${command.orderId} not found`);
    return {
      outcomes: command.lines.map((line) => ({ line, applied: false, refusal })),
      order: undefined,
      event: undefined,
    };
  }

  const repeatedIds = repeatedItemIds(command.lines);
  const items = new Map(order.items.map((item) => [item.orderItemId, item]));
  const outcomes = command.lines.map((line): LineOutcome => {
    const judged = judgeLine(line, items, repeatedIds);
    if ('code' in judged) return { line, applied: false, refusal: judged };
    for (const unit of judged) {
      const item = items.get(unit.orderItemId ?? '');
      if (item !== undefined) items.set(item.orderItemId, cancelUnits(item, unit.quantity));
    }
    return { line, applied: true, units: judged };
  });

  const cancelled = outcomes.flatMap((outcome) => (outcome.applied ? outcome.units : []));
  if (cancelled.length === 0) return { outcomes, order: undefined, event: undefined };

  const nextItems = order.items.map((item) => items.get(item.orderItemId) ?? item);
  const next: Order = {
    ...order,
    items: nextItems,
    status: nextItems.every((item) => item.status === 'CANCELLED') ? 'CANCELLED' : order.status,
    revision: order.revision + 1,
    // Kept until a snapshot names it, so that a snapshot that already counts it does not count it twice.
    appliedCancellations: [
      ...(order.appliedCancellations ?? []),
      { cancellationId: command.eventId, items: cancelled },
    ],
  };
  const event: OrderCancelled = {
    eventId: command.eventId,
    occurredAt: command.at.toISOString(),
    source: command.source,
    orderId: order.orderId,
    sellerId: order.sellerId,
    items: cancelled,
    reason: command.reason,
  };
  return { outcomes, order: next, event };
};

const refuseWholeOrder = (order: Order | undefined, command: CancelOrder): Refusal | undefined => {
  // Another seller's order is reported exactly like a missing one: its existence is not revealed.
  if (order === undefined || order.sellerId !== command.sellerId || order.orderId !== command.orderId) {
    return refuse('ORDER_NOT_FOUND', `order ${command.orderId} not found`);
  }
  if (!isOrderCancellable(order.status)) {
    return refuse(
      'ORDER_NOT_CANCELLABLE',
      `order ${order.orderId} is ${order.status} and cannot be cancelled`,
    );
  }
  return undefined;
};

const repeatedItemIds = (lines: readonly CancelLine[]): ReadonlySet<string> => {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const { orderItemId } of lines) {
    if (orderItemId === undefined) continue;
    if (seen.has(orderItemId)) repeated.add(orderItemId);
    seen.add(orderItemId);
  }
  return repeated;
};

/** The units a line cancels, or why it cannot be applied to the order as it stands now. */
const judgeLine = (
  line: CancelLine,
  items: ReadonlyMap<string, OrderItem>,
  repeatedIds: ReadonlySet<string>,
): Refusal | readonly CancelledUnits[] => {
  if (line.orderItemId !== undefined && repeatedIds.has(line.orderItemId)) {
    return refuse('DUPLICATE_ITEM', `order item ${line.orderItemId} appears more than once in the request`);
  }
  if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) {
    return refuse(
      'INVALID_QUANTITY',
      `quantity must be a positive whole number, got ${String(line.quantity)}`,
    );
  }
  return line.orderItemId === undefined
    ? allocateByProduct(line, items)
    : judgeItemLine(line, line.orderItemId, items);
};

const judgeItemLine = (
  line: CancelLine,
  orderItemId: string,
  items: ReadonlyMap<string, OrderItem>,
): Refusal | readonly CancelledUnits[] => {
  const item = items.get(orderItemId);
  if (item === undefined) return refuse('ITEM_NOT_FOUND', `order item ${orderItemId} not found in the order`);
  if (item.productId !== line.productId || item.variantId !== line.variantId) {
    return refuse(
      'ITEM_MISMATCH',
      `order item ${orderItemId} is product ${item.productId} variant ${item.variantId}, not product ${line.productId} variant ${line.variantId}`,
    );
  }
  const itemRefusal = refuseItem(item);
  if (itemRefusal !== undefined) return itemRefusal;
  if (line.quantity > remainingUnits(item)) return exceeds(orderItemId, line.quantity, remainingUnits(item));
  return [unitsOf(item, line.quantity)];
};

/** A line without an item id cancels units of any matching item, oldest item first. */
const allocateByProduct = (
  line: CancelLine,
  items: ReadonlyMap<string, OrderItem>,
): Refusal | readonly CancelledUnits[] => {
  const matching = [...items.values()].filter(
    (item) => item.productId === line.productId && item.variantId === line.variantId,
  );
  const label = `product ${line.productId} variant ${line.variantId}`;
  if (matching.length === 0) return refuse('ITEM_NOT_FOUND', `no order item for ${label}`);
  const cancellable = matching.filter((item) => refuseItem(item) === undefined);
  const first = matching[0];
  if (cancellable.length === 0 && first !== undefined)
    return refuseItem(first) ?? exceeds(label, line.quantity, 0);
  const available = cancellable.reduce((sum, item) => sum + remainingUnits(item), 0);
  if (line.quantity > available) return exceeds(label, line.quantity, available);

  const units: CancelledUnits[] = [];
  let left = line.quantity;
  for (const item of cancellable) {
    const take = Math.min(left, remainingUnits(item));
    if (take > 0) units.push(unitsOf(item, take));
    left -= take;
  }
  return units;
};

const refuseItem = (item: OrderItem): Refusal | undefined => {
  if (item.status === 'CANCELLED') {
    return refuse('ITEM_NOT_CANCELLABLE', `order item ${item.orderItemId} is already cancelled`);
  }
  if (!isItemCancellable(item.status)) {
    return refuse(
      'ITEM_NOT_CANCELLABLE',
      `order item ${item.orderItemId} is ${item.status} and cannot be cancelled`,
    );
  }
  return undefined;
};

const exceeds = (what: string, asked: number, left: number): Refusal =>
  refuse(
    'QUANTITY_EXCEEDS_CANCELLABLE',
    `cannot cancel ${asked} unit(s) of ${what}: only ${left} unit(s) can still be cancelled`,
  );

const unitsOf = (item: OrderItem, quantity: number): CancelledUnits => ({
  orderItemId: item.orderItemId,
  productId: item.productId,
  variantId: item.variantId,
  quantity,
});

const cancelUnits = (item: OrderItem, quantity: number): OrderItem => {
  const cancelledQuantity = item.cancelledQuantity + quantity;
  return {
    ...item,
    cancelledQuantity,
    status: cancelledQuantity === item.quantity ? 'CANCELLED' : item.status,
  };
};
