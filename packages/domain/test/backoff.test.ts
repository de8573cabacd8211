import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeilingMs, backoffDelayMs } from '../src/index.ts';

const backoff = { baseDelayMs: 200, maxDelayMs: 30_000 };

describe('the backoff', () => {
  it('doubles its ceiling per attempt up to the cap', () => {
    expect([1, 2, 3, 8, 9, 100].map((attempts) => backoffCeilingMs(backoff, attempts))).toEqual([
      200, 400, 800, 25_600, 30_000, 30_000,
    ]);
  });

  it('draws every delay below its ceiling, never negative', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempts, random) => {
          const delay = backoffDelayMs(backoff, attempts, random);
          return delay >= 0 && delay <= backoffCeilingMs(backoff, attempts);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
