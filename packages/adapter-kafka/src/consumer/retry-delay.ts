/** How long a record's failed step waits before it is tried again: the domain's one backoff. */
import { backoffDelayMs } from '@cancel-sync/domain';

export interface RetryDelays {
  /** Ceiling of the wait before the second attempt; doubles with every failure. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_DELAYS: RetryDelays = { initialDelayMs: 200, maxDelayMs: 30_000 };

/** `attempt` is the number of attempts made so far (1 or more). */
export const retryDelayMs = (attempt: number, delays: RetryDelays, random: () => number = Math.random) =>
  backoffDelayMs({ baseDelayMs: delays.initialDelayMs, maxDelayMs: delays.maxDelayMs }, attempt, random());
