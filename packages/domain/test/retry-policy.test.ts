import { describe, expect, it } from 'vitest';
import { planRetry, type RetryPolicy } from '../src/index.ts';

const policy: RetryPolicy = { maxAttempts: 5, maxAgeMs: 60_000, baseDelayMs: 1000, maxDelayMs: 8000 };
const firstAttemptAt = new Date('2026-11-22T10:00:00.000Z');
const at = (ms: number) => new Date(firstAttemptAt.getTime() + ms);

describe('retry planning', () => {
  it('doubles the ceiling of the jittered delay with every attempt, up to the cap', () => {
    const ceilings = [1, 2, 3, 4].map((attempts) =>
      planRetry(policy, { attempts, firstAttemptAt }, firstAttemptAt, 0.999999),
    );
    expect(ceilings.map((plan) => (plan.action === 'retry' ? plan.delayMs : -1))).toEqual([
      999, 1999, 3999, 7999,
    ]);
  });

  it('uses full jitter: a random of zero retries at once', () => {
    expect(planRetry(policy, { attempts: 3, firstAttemptAt }, firstAttemptAt, 0)).toEqual({
      action: 'retry',
      delayMs: 0,
    });
  });

  it('never waits less than Uniware asked for', () => {
    expect(planRetry(policy, { attempts: 1, firstAttemptAt }, firstAttemptAt, 0.5, 30_000)).toEqual({
      action: 'retry',
      delayMs: 30_000,
    });
  });

  it('gives up once the attempts are spent', () => {
    expect(planRetry(policy, { attempts: 5, firstAttemptAt }, at(1000), 0.5)).toMatchObject({
      action: 'give-up',
    });
  });

  it('gives up when the next attempt would come after the age limit', () => {
    const plan = planRetry(policy, { attempts: 2, firstAttemptAt }, at(59_500), 0.9);
    expect(plan).toMatchObject({ action: 'give-up' });
  });
});
