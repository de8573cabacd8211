import { describe, expect, it } from 'vitest';
import { canonicalRequest } from '../src/index.ts';

const line = (orderItemId: string) => ({ orderItemId, productId: 'p-1', variantId: 'v-1', quantity: 1 });

describe('the canonical request', () => {
  it('orders lines by code point, the same whatever order they came in and whatever the locale', () => {
    // Canonically equivalent in Unicode, so `localeCompare` calls them equal; as ids they differ.
    const composed = line('\u00e9');
    const decomposed = line('e\u0301');
    const request = (lines: ReturnType<typeof line>[]) => ({ sellerId: 's', orderId: 'o', lines });

    expect(canonicalRequest(request([composed, decomposed]))).toBe(
      canonicalRequest(request([decomposed, composed])),
    );
    // Code-point order: 'B' (U+0042) before 'a' (U+0061), which `localeCompare` puts the other way.
    expect(canonicalRequest(request([line('a'), line('B')]))).toBe(
      JSON.stringify([
        's',
        'o',
        [
          ['B', 'p-1', 'v-1', 1],
          ['a', 'p-1', 'v-1', 1],
        ],
      ]),
    );
  });
});
