/**
 * Slows password guessing without handing strangers a way to lock a seller out. Wrong passwords
 * are counted per address and per username at that address: after `maxFailures` for one username
 * from one address, or `maxFailuresPerAddress` from one address whatever the usernames, within
 * `windowMs`, that address (for that username) is refused without a check until the oldest failure
 * leaves the window. Nothing is counted per username alone, so guesses from one address never
 * refuse the right password from another. A right password clears its username+address count.
 * Kept in memory per instance, bounded in the keys it tracks.
 */
export interface LoginThrottleSettings {
  /** Wrong passwords for one username from one address. */
  readonly maxFailures: number;
  /** Wrong passwords from one address, any usernames. Default 10 × `maxFailures`. */
  readonly maxFailuresPerAddress?: number;
  readonly windowMs: number;
  /** Keys tracked at once; the least recently failed are forgotten first. */
  readonly maxTracked?: number;
}

export interface LoginAttempt {
  readonly username: string;
  /** The caller's address, as the HTTP adapter sees it (behind a trusted proxy, the client's). */
  readonly address: string;
}

const userKey = ({ username, address }: LoginAttempt) => `user\u0000${address}\u0000${username}`;
const addressKey = ({ address }: LoginAttempt) => `addr\u0000${address}`;

export class LoginThrottle {
  readonly #settings: Required<LoginThrottleSettings>;
  readonly #failures = new Map<string, number[]>();

  constructor(settings: LoginThrottleSettings) {
    this.#settings = {
      maxTracked: 100_000,
      maxFailuresPerAddress: settings.maxFailures * 10,
      ...settings,
    };
  }

  /** How long this attempt must wait, or `undefined` when it may try now. */
  blockedFor(attempt: LoginAttempt, now: Date): number | undefined {
    const waits = [
      this.#wait(userKey(attempt), this.#settings.maxFailures, now.getTime()),
      this.#wait(addressKey(attempt), this.#settings.maxFailuresPerAddress, now.getTime()),
    ].filter((wait) => wait !== undefined);
    return waits.length === 0 ? undefined : Math.max(...waits);
  }

  failed(attempt: LoginAttempt, now: Date): void {
    this.#count(userKey(attempt), this.#settings.maxFailures, now.getTime());
    this.#count(addressKey(attempt), this.#settings.maxFailuresPerAddress, now.getTime());
  }

  succeeded(attempt: LoginAttempt): void {
    this.#failures.delete(userKey(attempt));
  }

  #wait(key: string, max: number, now: number): number | undefined {
    const recent = this.#recent(key, now);
    if (recent.length < max) return undefined;
    const oldest = recent[recent.length - max] ?? now;
    return Math.max(1, oldest + this.#settings.windowMs - now);
  }

  #count(key: string, max: number, now: number): void {
    const recent = this.#recent(key, now);
    this.#failures.delete(key);
    this.#failures.set(key, [...recent, now].slice(-max));
    if (this.#failures.size > this.#settings.maxTracked) {
      const forgotten = this.#failures.keys().next().value;
      if (forgotten !== undefined) this.#failures.delete(forgotten);
    }
  }

  #recent(key: string, now: number): number[] {
    return (this.#failures.get(key) ?? []).filter((at) => at > now - this.#settings.windowMs);
  }
}

/**
 * Bounds the password checks under way at once (scrypt runs on libuv's thread pool, shared with DNS
 * and file I/O) and the ones waiting for a turn; beyond both, a check is refused at once.
 */
export class CheckGate {
  readonly #maxRunning: number;
  readonly #maxWaiting: number;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(maxRunning: number, maxWaiting: number) {
    this.#maxRunning = maxRunning;
    this.#maxWaiting = maxWaiting;
  }

  /** The task's result, or `'busy'` without running it when too many are running and waiting. */
  async run<T>(task: () => Promise<T>): Promise<T | 'busy'> {
    if (this.#running >= this.#maxRunning) {
      if (this.#waiting.length >= this.#maxWaiting) return 'busy';
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running += 1;
    }
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      // The turn passes straight to the next waiter: the running count stays as it is.
      if (next === undefined) this.#running -= 1;
      else next();
    }
  }
}
