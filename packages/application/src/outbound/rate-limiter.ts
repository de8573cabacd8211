/** A token bucket: at most `perSecond` calls a second on average, bursts of up to `burst`. */
export class RateLimiter {
  readonly #perSecond: number;
  readonly #burst: number;
  #tokens: number;
  #refilledAt: number;
  #queue: Promise<void> = Promise.resolve();

  constructor(perSecond: number, burst = Math.max(1, Math.ceil(perSecond / 10))) {
    this.#perSecond = perSecond;
    this.#burst = burst;
    this.#tokens = burst;
    this.#refilledAt = performance.now();
  }

  /** Resolves when a call may go; callers are served in order. */
  take(): Promise<void> {
    if (!Number.isFinite(this.#perSecond)) return Promise.resolve();
    const turn = this.#queue.then(() => this.#wait());
    this.#queue = turn;
    return turn;
  }

  async #wait(): Promise<void> {
    for (;;) {
      const now = performance.now();
      this.#tokens = Math.min(
        this.#burst,
        this.#tokens + ((now - this.#refilledAt) / 1000) * this.#perSecond,
      );
      this.#refilledAt = now;
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, ((1 - this.#tokens) / this.#perSecond) * 1000));
    }
  }
}
