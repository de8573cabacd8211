/**
 * Slows password guessing: after `maxFailures` wrong passwords for one username within `windowMs`,
 * that username is refused without a check until the oldest failure leaves the window. A right
 * password clears the count. Kept in memory per instance, bounded in the usernames it tracks.
 */
export interface LoginThrottleSettings {
  readonly maxFailures: number;
  readonly windowMs: number;
  /** Usernames tracked at once; the least recently failed are forgotten first. */
  readonly maxTracked?: number;
}

export class LoginThrottle {
  readonly #settings: Required<LoginThrottleSettings>;
  readonly #failures = new Map<string, number[]>();

  constructor(settings: LoginThrottleSettings) {
    this.#settings = { maxTracked: 100_000, ...settings };
  }

  /** How long `username` must wait, or `undefined` when it may try now. */
  blockedFor(username: string, now: Date): number | undefined {
    const recent = this.#recent(username, now.getTime());
    if (recent.length < this.#settings.maxFailures) return undefined;
    const oldest = recent[recent.length - this.#settings.maxFailures] ?? now.getTime();
    return Math.max(1, oldest + this.#settings.windowMs - now.getTime());
  }

  failed(username: string, now: Date): void {
    const recent = this.#recent(username, now.getTime());
    this.#failures.delete(username);
    this.#failures.set(username, [...recent, now.getTime()].slice(-this.#settings.maxFailures));
    if (this.#failures.size > this.#settings.maxTracked) {
      const forgotten = this.#failures.keys().next().value;
      if (forgotten !== undefined) this.#failures.delete(forgotten);
    }
  }

  succeeded(username: string): void {
    this.#failures.delete(username);
  }

  #recent(username: string, now: number): number[] {
    return (this.#failures.get(username) ?? []).filter((at) => at > now - this.#settings.windowMs);
  }
}
