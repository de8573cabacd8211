import { describe, expect, it } from 'vitest';
import { ReportThrottle } from '../src/consumer/report-throttle.ts';
import { retryDelayMs } from '../src/consumer/retry-delay.ts';

describe('ReportThrottle', () => {
  it('reports the first occurrence, then at most one per interval with the count since the last', () => {
    let now = 0;
    const throttle = new ReportThrottle(1_000, () => now);
    expect(throttle.occurred()).toBe(1);
    now = 10;
    expect(throttle.occurred()).toBeUndefined();
    now = 999;
    expect(throttle.occurred()).toBeUndefined();
    now = 1_000;
    expect(throttle.occurred()).toBe(3);
    now = 5_000;
    expect(throttle.occurred()).toBe(1);
  });
});

describe('retryDelayMs', () => {
  const delays = { initialDelayMs: 200, maxDelayMs: 30_000 };

  it('doubles from the initial delay up to the maximum', () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, delays, middle))).toEqual([
      200, 400, 800, 1600,
    ]);
    expect(retryDelayMs(20, delays, middle)).toBe(30_000);
    expect(retryDelayMs(5_000, delays, middle)).toBe(30_000);
  });

  it('spreads retries by 20 % either way', () => {
    expect(retryDelayMs(1, delays, () => 0)).toBe(160);
    expect(retryDelayMs(1, delays, () => 1)).toBe(240);
  });
});
