import type { CancelLine } from '@cancel-sync/domain';

/**
 * Code-point order: the same on every machine, and distinct strings never compare equal
 * (`localeCompare` depends on the locale and calls canonically equivalent strings equal).
 */
const byCodePoint = (a: string, b: string): number => {
  const left = [...a];
  const right = [...b];
  for (let index = 0; index < Math.min(left.length, right.length); index += 1) {
    const difference = (left[index]?.codePointAt(0) ?? 0) - (right[index]?.codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
};

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
    .map((line) => JSON.stringify(line))
    .sort(byCodePoint)
    .map((line) => JSON.parse(line) as unknown);
  return JSON.stringify([request.sellerId, request.orderId, lines]);
};
