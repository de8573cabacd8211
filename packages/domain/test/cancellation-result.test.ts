import { describe, expect, it } from 'vitest';
import { decideCancellation, summarize } from '../src/index.ts';
import { aCommand, aLineFor, anItem, anOrder } from '../src/testing/index.ts';

describe('partial-success aggregation', () => {
  const a = anItem({ orderItemId: 'a', quantity: 1 });
  const b = anItem({ orderItemId: 'b', quantity: 1 });
  const order = anOrder({ items: [a, b] });
  const resultOf = (...lines: Parameters<typeof aLineFor>[]) =>
    summarize(
      decideCancellation(
        order,
        aCommand(
          order,
          lines.map((args) => aLineFor(...args)),
        ),
      ).outcomes,
    );

  it('SUCCESS with no failed items when every line applies', () => {
    expect(resultOf([a, 1], [b, 1])).toEqual({ status: 'SUCCESS', failedItems: [] });
  });

  it('PARTIAL_SUCCESS listing only the refused lines', () => {
    expect(resultOf([a, 1], [b, 5])).toEqual({
      status: 'PARTIAL_SUCCESS',
      failedItems: [
        {
          orderItemId: 'b',
          code: 'QUANTITY_EXCEEDS_CANCELLABLE',
          errorMessage: 'cannot cancel 5 unit(s) of b: only 1 unit(s) can still be cancelled',
        },
      ],
    });
  });

  it('FAILED listing every line when none applies', () => {
    const result = resultOf([a, 0], [b, 2]);
    expect(result.status).toBe('FAILED');
    expect(result.failedItems.map((failed) => [failed.orderItemId, failed.code])).toEqual([
      ['a', 'INVALID_QUANTITY'],
      ['b', 'QUANTITY_EXCEEDS_CANCELLABLE'],
    ]);
  });

  it('FAILED for a request without lines', () => {
    expect(summarize([])).toEqual({ status: 'FAILED', failedItems: [] });
  });
});
