/** /readyz of an instance sampled every 250 ms, to tell when it turned and turned back. */
import type { Instance } from './service-processes.ts';

export interface ReadinessSample {
  readonly at: number;
  readonly status: number;
  readonly body: unknown;
}

export interface ReadinessTimeline {
  readonly samples: readonly ReadinessSample[];
  /** The first sample in [from, to) that is not 200. */
  firstNotReady(from: number, to: number): ReadinessSample | undefined;
  /** The first sample in [from, to) that names `name` degraded. */
  firstDegraded(name: string, from: number, to: number): ReadinessSample | undefined;
  /** Resolves with the first time at or after `from` from which /readyz answered 200, or undefined past `timeoutMs`. */
  readyAgain(from: number, timeoutMs: number, notDegraded?: string): Promise<number | undefined>;
  stop(): Promise<void>;
}

export const watchReadiness = (instance: Instance): ReadinessTimeline => {
  const samples: ReadinessSample[] = [];
  let watching = true;
  const loop = (async () => {
    while (watching) {
      const at = Date.now();
      const { status, body } = await instance.readiness();
      samples.push({ at, status, body });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, at + 250 - Date.now())));
    }
  })();
  return {
    samples,
    firstNotReady: (from, to) => samples.find((s) => s.at >= from && s.at < to && s.status !== 200),
    firstDegraded: (name, from, to) => samples.find((s) => s.at >= from && s.at < to && isDegraded(s, name)),
    readyAgain: async (from, timeoutMs, notDegraded) => {
      while (Date.now() < from + timeoutMs) {
        const ready = samples.find(
          (s) =>
            s.at >= from && s.status === 200 && (notDegraded === undefined || !isDegraded(s, notDegraded)),
        );
        if (ready !== undefined) return ready.at;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return undefined;
    },
    stop: async () => {
      watching = false;
      await loop;
    },
  };
};

const isDegraded = (sample: ReadinessSample, name: string): boolean =>
  typeof (sample.body as { degraded?: Record<string, string> } | undefined)?.degraded?.[name] === 'string';
