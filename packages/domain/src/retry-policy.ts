/** When to try a delivery again: exponential backoff with full jitter, bounded by attempts and age. */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** After this long since the first attempt a delivery is given up. */
  readonly maxAgeMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export type RetryPlan =
  | { readonly action: 'retry'; readonly delayMs: number }
  | { readonly action: 'give-up'; readonly reason: string };

export interface RetryState {
  /** Attempts made so far, the failed one included. */
  readonly attempts: number;
  readonly firstAttemptAt: Date;
}

/**
 * @param random a number in [0, 1), passed in so that the plan is a pure function.
 * @param retryAfterMs the wait Uniware asked for; it is a floor, never shortened by jitter.
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
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, state.attempts - 1));
  const jittered = Math.floor(Math.min(Math.max(random, 0), 1) * ceiling);
  const delayMs = Math.max(jittered, retryAfterMs ?? 0);
  const ageAtRetry = now.getTime() + delayMs - state.firstAttemptAt.getTime();
  if (ageAtRetry > policy.maxAgeMs) {
    return {
      action: 'give-up',
      reason: `gave up after ${state.attempts} attempt(s): the next one would come ${Math.round(ageAtRetry / 1000)} s after the first, past the ${Math.round(policy.maxAgeMs / 1000)} s limit`,
    };
  }
  return { action: 'retry', delayMs };
};
