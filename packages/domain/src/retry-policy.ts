/** When to try a delivery again: the shared backoff, bounded by attempts and by the job's age. */
import { type Backoff, backoffDelayMs } from './backoff.ts';

export interface RetryPolicy extends Backoff {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** After this long since the job was stored, a delivery is given up. */
  readonly maxAgeMs: number;
  /**
   * The longest `Retry-After` honoured as asked; a longer one (a maintenance window) is waited in
   * steps of this size, so one such answer never gives up a job at once.
   */
  readonly maxRetryAfterMs?: number | undefined;
}

export type RetryPlan =
  | { readonly action: 'retry'; readonly delayMs: number }
  | { readonly action: 'give-up'; readonly reason: string };

export interface RetryState {
  /** Attempts made so far, the failed one included. */
  readonly attempts: number;
  /** When the job was stored: its age is counted from here. */
  readonly since: Date;
}

/** Whether a job of this age is past the policy's limit. */
export const isPastMaxAge = (policy: RetryPolicy, since: Date, now: Date): boolean =>
  now.getTime() - since.getTime() > policy.maxAgeMs;

/**
 * @param random a number in [0, 1), passed in so that the plan is a pure function.
 * @param retryAfterMs the wait Uniware asked for; a floor (up to `maxRetryAfterMs`), never
 *   shortened by jitter.
 */
export const planRetry = (
  policy: RetryPolicy,
  state: RetryState,
  now: Date,
  random: number,
  retryAfterMs?: number,
): RetryPlan => {
  if (state.attempts >= policy.maxAttempts) {
    return { action: 'give-up', reason: `gave up after ${state.attempts} attempt(s)` };
  }
  const asked = Math.min(retryAfterMs ?? 0, policy.maxRetryAfterMs ?? Number.POSITIVE_INFINITY);
  const delayMs = Math.max(backoffDelayMs(policy, state.attempts, random), asked);
  const ageAtRetry = now.getTime() + delayMs - state.since.getTime();
  if (ageAtRetry > policy.maxAgeMs) {
    return {
      action: 'give-up',
      reason: `gave up after ${state.attempts} attempt(s): the next one would come ${Math.round(ageAtRetry / 1000)} s after the job was stored, past the ${Math.round(policy.maxAgeMs / 1000)} s limit`,
    };
  }
  return { action: 'retry', delayMs };
};
