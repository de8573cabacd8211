import type { Random } from './random.ts';
import type { FaultPhase, Faults, FaultsUpdate, Latency } from './schemas/fault-schemas.ts';

export const NO_FAULTS: Faults = {
  latency: { kind: 'none' },
  serverError: { rate: 0, status: 503, phase: 'before-apply' },
  tooManyRequests: { rate: 0, retryAfterSeconds: 1, phase: 'before-apply' },
  hang: { rate: 0, answerAfterMs: null },
  drop: { rate: 0, phase: 'before-apply' },
};

export type Fault =
  | { readonly kind: 'server-error'; readonly status: 500 | 502 | 503; readonly phase: FaultPhase }
  | { readonly kind: 'too-many-requests'; readonly retryAfterSeconds: number; readonly phase: FaultPhase }
  /** A hang always comes after the cancellation is applied: the client cannot know the outcome. */
  | { readonly kind: 'hang'; readonly answerAfterMs: number | null; readonly phase: 'after-apply' }
  | { readonly kind: 'drop'; readonly phase: FaultPhase };

export type FaultKind = Fault['kind'];

/** Fills what an update leaves out with the defaults, and refuses rates that cannot all hold. */
export const resolveFaults = (update: FaultsUpdate): Faults => {
  const faults: Faults = {
    latency: update.latency ?? NO_FAULTS.latency,
    serverError: withDefaults(NO_FAULTS.serverError, update.serverError),
    tooManyRequests: withDefaults(NO_FAULTS.tooManyRequests, update.tooManyRequests),
    hang: withDefaults(NO_FAULTS.hang, update.hang),
    drop: withDefaults(NO_FAULTS.drop, update.drop),
  };
  const problem = faultsProblem(faults);
  if (problem !== undefined) throw new RangeError(problem);
  return faults;
};

/** Unlike a spread, a field present but undefined does not erase its default. */
const withDefaults = <T extends object>(defaults: T, update: Partial<T> | undefined): T => {
  const merged = { ...defaults };
  for (const key of Object.keys(update ?? {}) as (keyof T)[]) {
    const value = update?.[key];
    if (value !== undefined) merged[key] = value;
  }
  return merged;
};

const faultsProblem = (faults: Faults): string | undefined => {
  const { latency } = faults;
  if (latency.kind === 'uniform' && latency.minMs > latency.maxMs) {
    return `latency.minMs (${latency.minMs}) is greater than latency.maxMs (${latency.maxMs})`;
  }
  const total = faults.serverError.rate + faults.tooManyRequests.rate + faults.hang.rate + faults.drop.rate;
  // One draw picks at most one fault per call, so each rate is exactly its share of the calls.
  if (total > 1 + 1e-9) return `the fault rates add up to ${total}, more than 1`;
  return undefined;
};

export interface CallPlan {
  readonly latencyMs: number;
  readonly fault: Fault | null;
}

/**
 * Every call takes the same number of draws whatever the configuration, so with a seed the n-th
 * call always meets the same fate.
 */
export const planCall = (faults: Faults, random: Random): CallPlan => {
  const faultDraw = random();
  const latencyDraws = [random(), random(), random()] as const;
  return { latencyMs: sampleLatency(faults.latency, latencyDraws), fault: pickFault(faults, faultDraw) };
};

const pickFault = (faults: Faults, draw: number): Fault | null => {
  let threshold = faults.drop.rate;
  if (draw < threshold) return { kind: 'drop', phase: faults.drop.phase };
  threshold += faults.hang.rate;
  if (draw < threshold)
    return { kind: 'hang', answerAfterMs: faults.hang.answerAfterMs, phase: 'after-apply' };
  threshold += faults.tooManyRequests.rate;
  if (draw < threshold) {
    const { retryAfterSeconds, phase } = faults.tooManyRequests;
    return { kind: 'too-many-requests', retryAfterSeconds, phase };
  }
  threshold += faults.serverError.rate;
  if (draw < threshold) {
    return { kind: 'server-error', status: faults.serverError.status, phase: faults.serverError.phase };
  }
  return null;
};

const sampleLatency = (latency: Latency, [a, b, c]: readonly [number, number, number]): number => {
  switch (latency.kind) {
    case 'none':
      return 0;
    case 'fixed':
      return latency.ms;
    case 'uniform':
      return Math.round(latency.minMs + a * (latency.maxMs - latency.minMs));
    case 'normal': {
      // Irwin-Hall with three uniforms: mean 1.5, standard deviation 0.5, bounded - close enough
      // to a bell curve, and never an absurd outlier.
      const standard = (a + b + c - 1.5) / 0.5;
      return Math.max(0, Math.round(latency.meanMs + standard * latency.jitterMs));
    }
    default: {
      const exhaustive: never = latency;
      return exhaustive;
    }
  }
};
