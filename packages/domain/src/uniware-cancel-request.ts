/** The outbound mapping: an `order.cancelled` event as Uniware's `POST /uc/v1/order/cancel` body. */
import type { OrderCancelled } from './order-cancelled.ts';

export interface UniwareCancelledSku {
  readonly quantity: number;
  readonly productId: string;
  readonly variantId: string;
}

export interface UniwareCancelRequest {
  readonly saleOrderCode: string;
  readonly cancelledSkuCodes: readonly UniwareCancelledSku[];
  readonly cancellationReason: string;
}

/** Uniware cancels by SKU, so units of the same product and variant are merged into one entry. */
export const toUniwareCancelRequest = (
  event: Pick<OrderCancelled, 'orderId' | 'items' | 'reason'>,
): UniwareCancelRequest => {
  const merged = new Map<string, UniwareCancelledSku>();
  for (const { productId, variantId, quantity } of event.items) {
    const key = JSON.stringify([productId, variantId]);
    const previous = merged.get(key)?.quantity ?? 0;
    merged.set(key, { quantity: previous + quantity, productId, variantId });
  }
  return {
    saleOrderCode: event.orderId,
    cancelledSkuCodes: [...merged.values()],
    cancellationReason: event.reason,
  };
};
