/** Small helpers to turn timings into the figures a benchmark reports. */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN);

export const summary = (samples: readonly number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return {
    n: sorted.length,
    mean: round(mean),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
  };
};

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/** Resident memory of a process, in MiB, from /proc. */
export const rssMiB = async (pid: number): Promise<number> => {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return round(kib / 1024, 1);
};

export const median = (values: readonly number[]): number => {
  const sorted = [...values].filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
};

/** The rounds of one side of a case: each round's figure, their median, and how far they spread. */
export interface Rounds {
  readonly rounds: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** (max − min) / median, in per cent: how much to trust the median on a shared machine. */
  readonly spreadPercent: number;
}

export const rounds = (values: readonly number[]): Rounds => {
  const middle = median(values);
  const finite = values.filter((value) => Number.isFinite(value));
  const min = finite.length === 0 ? Number.NaN : Math.min(...finite);
  const max = finite.length === 0 ? Number.NaN : Math.max(...finite);
  return {
    rounds: values.map((value) => round(value, 1)),
    median: round(middle, 1),
    min: round(min, 1),
    max: round(max, 1),
    spreadPercent: round(middle === 0 ? Number.NaN : ((max - min) / middle) * 100, 0),
  };
};

/** service ÷ baseline, to two places; not a number when either side is missing or the baseline is 0. */
export const ratio = (service: number, baseline: number): number =>
  Number.isFinite(service) && Number.isFinite(baseline) && baseline !== 0
    ? round(service / baseline, 2)
    : Number.NaN;

/** Sample values of one metric in a Prometheus text exposition, keyed by their labels' text. */
export const metricSamples = (exposition: string, name: string): Map<string, number> => {
  const samples = new Map<string, number>();
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match === null || match[1] !== name) continue;
    samples.set(match[2] ?? '', Number(match[3]));
  }
  return samples;
};

/** `cancel_sync_mongodb_commands_total` of one scrape, by command name. */
export const commandCounts = (exposition: string): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const [labels, value] of metricSamples(exposition, 'cancel_sync_mongodb_commands_total')) {
    const command = /command="([^"]*)"/.exec(labels)?.[1];
    if (command !== undefined) counts[command] = (counts[command] ?? 0) + value;
  }
  return counts;
};

export type Counts = Readonly<Record<string, number>>;

export const addCounts = (...all: readonly Counts[]): Record<string, number> => {
  const sum: Record<string, number> = {};
  for (const counts of all)
    for (const [name, value] of Object.entries(counts)) sum[name] = (sum[name] ?? 0) + value;
  return sum;
};

/** after − before − overhead, by name, never below 0. */
export const countsBetween = (
  before: Counts,
  after: Counts,
  overhead: Counts = {},
): Record<string, number> => {
  const delta: Record<string, number> = {};
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const value = (after[name] ?? 0) - (before[name] ?? 0) - (overhead[name] ?? 0);
    if (value > 0) delta[name] = value;
  }
  return delta;
};

/** Commands per operation by name (and `total`), two places, biggest first. */
export const perOperation = (counts: Counts, operations: number): Record<string, number> => {
  if (operations <= 0) return {};
  const entries = Object.entries(counts)
    .map(([name, value]) => [name, value / operations] as const)
    .sort(([, a], [, b]) => b - a);
  const total = entries.reduce((sum, [, value]) => sum + value, 0);
  return Object.fromEntries([
    ['total', round(total)],
    ...entries.map(([name, value]) => [name, round(value)]),
  ]);
};
