import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../src/consumer/retry-delay.ts';

describe('retryDelayMs (the domain backoff, as the consumer uses it)', () => {
  const delays = { initialDelayMs: 200, maxDelayMs: 30_000 };

  it('draws below a ceiling that doubles from the initial delay up to the maximum', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, delays, top))).toEqual([199, 399, 799, 1599]);
    expect(retryDelayMs(20, delays, top)).toBe(29_999);
    expect(retryDelayMs(5_000, delays, top)).toBe(29_999);
  });

  it('spreads retries over the whole range below the ceiling', () => {
    expect(retryDelayMs(1, delays, () => 0)).toBe(0);
    expect(retryDelayMs(1, delays, () => 0.5)).toBe(100);
  });
});
