/**
 * Repeated failures are counted, not written out one by one: the first of a kind is logged at once,
 * then at most one line per interval carries how many more happened.
 */
export class ThrottledLog {
  readonly #intervalMs: number;
  readonly #kinds = new Map<string, { loggedAt: number; suppressed: number }>();

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** Calls `write(suppressedSinceLastLine)` when this kind may be logged now. */
  maybe(kind: string, write: (suppressed: number) => void, now = Date.now()): void {
    const seen = this.#kinds.get(kind);
    if (seen === undefined || now - seen.loggedAt >= this.#intervalMs) {
      write(seen?.suppressed ?? 0);
      this.#kinds.set(kind, { loggedAt: now, suppressed: 0 });
      return;
    }
    seen.suppressed += 1;
  }
}
