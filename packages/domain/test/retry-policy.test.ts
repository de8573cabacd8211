import { describe, expect, it } from 'vitest';
import { planRetry, type RetryPolicy } from '../src/index.ts';

const policy: RetryPolicy = { maxAttempts: 5, maxAgeMs: 60_000, baseDelayMs: 1000, maxDelayMs: 8000 };
const since = new Date('2026-11-22T10:00:00.000Z');
const at = (ms: number) => new Date(since.getTime() + ms);

describe('retry planning', () => {
  it('doubles the ceiling of the jittered delay with every attempt, up to the cap', () => {
    const ceilings = [1, 2, 3, 4].map((attempts) => planRetry(policy, { attempts, since }, since, 0.999999));
    expect(ceilings.map((plan) => (plan.action === 'retry' ? plan.delayMs : -1))).toEqual([
      999, 1999, 3999, 7999,
    ]);
  });

  it('uses full jitter: a random of zero retries at once', () => {
    expect(planRetry(policy, { attempts: 3, since }, since, 0)).toEqual({
      action: 'retry',
      delayMs: 0,
    });
  });

  it('never waits less than Uniware asked for', () => {
    expect(planRetry(policy, { attempts: 1, since }, since, 0.5, 30_000)).toEqual({
      action: 'retry',
      delayMs: 30_000,
    });
  });

  it('gives up once the attempts are spent', () => {
    expect(planRetry(policy, { attempts: 5, since }, at(1000), 0.5)).toMatchObject({
      action: 'give-up',
    });
  });

  it('gives up when the next attempt would come after the age limit', () => {
    const plan = planRetry(policy, { attempts: 2, since }, at(59_500), 0.9);
    expect(plan).toMatchObject({ action: 'give-up' });
  });
});

describe('a long Retry-After', () => {
  const capped: RetryPolicy = { ...policy, maxAgeMs: 86_400_000, maxRetryAfterMs: 300_000 };

  it('is honoured up to the cap, so a maintenance window does not give the job up at once', () => {
    const twoDays = 2 * 86_400_000;
    expect(planRetry(capped, { attempts: 1, since }, since, 0.5, twoDays)).toEqual({
      action: 'retry',
      delayMs: 300_000,
    });
  });

  it('is honoured as asked below the cap', () => {
    expect(planRetry(capped, { attempts: 1, since }, since, 0, 120_000)).toEqual({
      action: 'retry',
      delayMs: 120_000,
    });
  });
});
