export interface RetryDelays {
  /** Wait before the second attempt; doubles with every failure. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_DELAYS: RetryDelays = { initialDelayMs: 200, maxDelayMs: 30_000 };

/**
 * Exponential backoff with ±20 % jitter, so that partitions (and instances) failing on the same
 * outage do not retry in lockstep. `attempt` is the number of attempts made so far (1 or more).
 */
export const retryDelayMs = (attempt: number, delays: RetryDelays, random: () => number = Math.random) => {
  const exponential = delays.initialDelayMs * 2 ** Math.min(attempt - 1, 30);
  return Math.round(Math.min(delays.maxDelayMs, exponential) * (0.8 + 0.4 * random()));
};
