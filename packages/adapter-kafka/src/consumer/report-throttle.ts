/**
 * At most one report per interval. A failing database fails every record on every partition; one
 * line per interval with a count says as much as thousands of lines.
 */
export class ReportThrottle {
  readonly #intervalMs: number;
  readonly #now: () => number;
  #lastReportAt = Number.NEGATIVE_INFINITY;
  #unreported = 0;

  constructor(intervalMs: number, now: () => number = Date.now) {
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  /**
   * Counts one occurrence; returns how many to report (this one included) when a report is due,
   * `undefined` when it is to stay quiet.
   */
  occurred(): number | undefined {
    this.#unreported += 1;
    const now = this.#now();
    if (now - this.#lastReportAt < this.#intervalMs) return undefined;
    const count = this.#unreported;
    this.#unreported = 0;
    this.#lastReportAt = now;
    return count;
  }
}
