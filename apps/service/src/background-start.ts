/**
 * Starts a part that needs a dependency which may be away (Kafka), without holding up the parts
 * that do not (the HTTP API needs only MongoDB): tries now, and again after a growing pause until
 * it starts or is stopped. `start` must be safe to call again after it failed half-way.
 */
export interface BackgroundStart {
  /** Whether `start` has succeeded. */
  readonly started: boolean;
  /** Resolves when `start` has succeeded, or when stopped before it did. */
  readonly settled: Promise<void>;
  /** No further attempts; resolves once an attempt under way has ended. */
  stop(): Promise<void>;
}

export const startInBackground = (
  start: () => Promise<void>,
  options: {
    readonly firstDelayMs: number;
    readonly maxDelayMs: number;
    readonly onError: (error: unknown, attempt: number) => void;
  },
): BackgroundStart => {
  let stopped = false;
  let started = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const attempts = (async () => {
    let delay = options.firstDelayMs;
    for (let attempt = 1; !stopped; attempt += 1) {
      try {
        await start();
        started = true;
        return;
      } catch (error) {
        if (stopped) return;
        options.onError(error, attempt);
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, delay);
      });
      delay = Math.min(options.maxDelayMs, delay * 2);
    }
  })();
  return {
    get started() {
      return started;
    },
    settled: attempts,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await attempts;
    },
  };
};
