import type { CancelLine } from '@cancel-sync/domain';

/**
 * The request as a canonical string: fields in a fixed order, lines sorted, unknown fields gone.
 * Two requests that mean the same get the same fingerprint whatever their JSON looked like.
 */
export const canonicalRequest = (request: {
  readonly sellerId: string;
  readonly orderId: string;
  readonly lines: readonly CancelLine[];
}): string => {
  const lines = request.lines
    .map((line) => [line.orderItemId ?? '', line.productId, line.variantId, line.quantity] as const)
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return JSON.stringify([request.sellerId, request.orderId, lines]);
};
