/**
 * One scenario of the reliability suite. It drives the real stack (its own, where it stops or kills
 * a server) and reports figures; each figure says what it must be and whether it was. The quick
 * size runs inside the README's test command, the long one with `pnpm reliability --long`.
 */
export type Size = 'quick' | 'long';

export interface Figure {
  /** What was counted or measured, e.g. "events delivered". */
  readonly name: string;
  readonly value: number | string;
  readonly unit?: string;
  /** The requirement in words, e.g. "= 0" or "= events"; absent for a figure only reported. */
  readonly must?: string;
  /** False when the figure misses its requirement; true for a figure only reported. */
  readonly ok: boolean;
}

export interface ScenarioReport {
  readonly scenario: string;
  readonly figures: readonly Figure[];
  /** How the scenario ran (sizes, timings) and, for a missed figure, its cause. */
  readonly notes: readonly string[];
}

export interface ScenarioContext {
  readonly size: Size;
  /** Progress lines, shown as the scenario goes. */
  log(line: string): void;
  /** The run's shared stack, for scenarios that stop no server. */
  sharedStack(): Promise<{ kafkaBrokers: string[]; mongodbUri: string }>;
}

export interface Scenario {
  /** Short name for `--only`, e.g. "crashes". */
  readonly name: string;
  readonly title: string;
  run(context: ScenarioContext): Promise<ScenarioReport>;
}

/** A figure that must equal `expected`. */
export const mustEqual = (name: string, value: number, expected: number, unit?: string): Figure => ({
  name,
  value,
  ...(unit === undefined ? {} : { unit }),
  must: `= ${expected}`,
  ok: value === expected,
});

/** A figure that must be at most `bound`. */
export const mustBeAtMost = (name: string, value: number, bound: number, unit?: string): Figure => ({
  name,
  value,
  ...(unit === undefined ? {} : { unit }),
  must: `≤ ${bound}`,
  ok: value <= bound,
});

/** A figure only reported. */
export const reported = (name: string, value: number | string, unit?: string): Figure => ({
  name,
  value,
  ...(unit === undefined ? {} : { unit }),
  ok: true,
});

export const missed = (report: ScenarioReport): readonly Figure[] => report.figures.filter((f) => !f.ok);
