/**
 * The one poll/wake loop of the codebase: runs `step` again and again; when a step says there is
 * nothing more to do now, waits `intervalMs` or until `notify()`, whichever comes first.
 */
export type StepResult = 'more' | 'idle';

export class PollLoop {
  readonly #step: () => Promise<StepResult>;
  readonly #intervalMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #now: () => number;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #woken = false;
  /** When `notifyIn` asked to be woken (`now` times, ascending), and the timer of the first. */
  #wakeAt: number[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Number.POSITIVE_INFINITY;

  constructor(options: {
    readonly step: () => Promise<StepResult>;
    readonly intervalMs: number;
    /** A step that throws is reported here and the loop waits one interval before the next. */
    readonly onError: (error: unknown) => void;
    /** The monotonic clock `notifyIn` counts by, in milliseconds (tests set it by hand). */
    readonly now?: (() => number) | undefined;
  }) {
    this.#step = options.step;
    this.#intervalMs = options.intervalMs;
    this.#onError = options.onError;
    this.#now = options.now ?? (() => performance.now());
  }

  get running(): boolean {
    return this.#running;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Stops after the step under way; resolves when it is done. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    this.#wakeAt = [];
    this.notify();
    await this.#loop;
  }

  /** Something will be due in `ms`: run a step then, rather than at the next poll. */
  notifyIn(ms: number): void {
    if (!this.#running) return;
    const at = this.#now() + Math.max(0, ms);
    const index = this.#wakeAt.findIndex((each) => each > at);
    if (index === -1) this.#wakeAt.push(at);
    else this.#wakeAt.splice(index, 0, at);
    this.#arm();
  }

  #arm(): void {
    const first = this.#wakeAt[0];
    if (first === undefined || first >= this.#timerAt) return;
    clearTimeout(this.#timer);
    this.#timerAt = first;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = Number.POSITIVE_INFINITY;
        // A timer may fire before its time on this clock (Node rounds to whole milliseconds and
        // counts from a cached loop time): only what is due now wakes the loop, the rest re-arms.
        const now = this.#now();
        let due = false;
        while ((this.#wakeAt[0] ?? Number.POSITIVE_INFINITY) <= now) {
          this.#wakeAt.shift();
          due = true;
        }
        if (due) this.notify();
        this.#arm();
      },
      Math.max(0, first - this.#now()),
    );
    this.#timer.unref?.();
  }

  /** Something arrived: run a step now rather than at the end of the wait. */
  notify(): void {
    this.#woken = true;
    this.#wake?.();
  }

  /** Waits `ms`, cut short by `notify()` or `stop()`. */
  pause(ms: number): Promise<void> {
    if (this.#woken || !this.#running) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        this.#woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let result: StepResult = 'idle';
      try {
        result = await this.#step();
      } catch (error) {
        this.#onError(error);
      }
      if (result === 'idle' && this.#running) await this.pause(this.#intervalMs);
    }
  }
}
