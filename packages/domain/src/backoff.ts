/**
 * The one backoff of the codebase: exponential, capped, with full jitter (a delay drawn uniformly
 * below the ceiling), so that retries of one outage spread out instead of arriving in lockstep.
 */

export interface Backoff {
  /** Ceiling of the first delay; it doubles with every attempt. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** The ceiling of the delay after `attempts` failed attempts (1 or more). */
export const backoffCeilingMs = (backoff: Backoff, attempts: number): number =>
  Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** Math.min(Math.max(0, attempts - 1), 40));

/** @param random a number in [0, 1), passed in so that the delay is a pure function. */
export const backoffDelayMs = (backoff: Backoff, attempts: number, random: number): number =>
  Math.floor(Math.min(Math.max(random, 0), 1) * backoffCeilingMs(backoff, attempts));
