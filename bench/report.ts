/** The figures of one `pnpm bench` run, and the Markdown table they print as. Pure: no I/O. */
import type { Rounds } from './stats.ts';

export interface Side {
  /** Throughput per round (requests or events per second). */
  readonly throughput: Rounds;
  /** p99 latency per round, in ms, where the case measures latency. */
  readonly p99Ms?: Rounds;
  /** Answers by HTTP status over all rounds, where the case sends HTTP requests. */
  readonly statuses?: Readonly<Record<string, number>>;
  /** Requests the service answered as retries of an earlier identical one (the bench sends none). */
  readonly replayed?: number;
}

export interface Memory {
  readonly rssMiB: number;
  readonly heapUsedMiB: number;
}

export interface CaseResult {
  readonly name: string;
  readonly unit: 'req/s' | 'events/s';
  readonly service: Side;
  readonly baseline: Side;
  /** median service ÷ median baseline. */
  readonly ratio: number;
  readonly p99Ratio?: number;
  /** What no implementation can beat, e.g. 64 in flight / 50 ms = 1,280 events/s. */
  readonly bound?: number;
  readonly ratioToBound?: number;
  /** A second comparison, e.g. two instances ÷ one. */
  readonly versus?: { readonly label: string; readonly ratio: number };
  /** MongoDB commands the service sent per operation, by command name, plus `total`. */
  readonly commandsPerOperation: Readonly<Record<string, number>>;
  readonly memoryAfter: { readonly service: Memory; readonly baseline: Memory };
}

export interface MemoryRow {
  readonly name: string;
  readonly service: Memory;
  readonly baseline: Memory;
  readonly baselineName: string;
}

export interface BenchResults {
  readonly at: string;
  readonly quick: boolean;
  readonly machine: Readonly<Record<string, unknown>>;
  readonly sizes: Readonly<Record<string, number | string>>;
  readonly cases: readonly CaseResult[];
  readonly memory: readonly MemoryRow[];
  /** Commands the service sends per second when nothing happens (relay and dispatcher polls). */
  readonly idleCommandsPerSecond: Readonly<Record<string, number>>;
  /** Commands one scrape of /metrics sends (its gauges), taken off every measured window. */
  readonly scrapeCommands: Readonly<Record<string, number>>;
  /** Whether the first instance's RSS came back near its idle figure after the cases and an idle wait. */
  readonly settle: {
    readonly idleRssMiB: number;
    /** The largest RSS after a case (per instance in the two-instance case). */
    readonly peakRssMiB: number;
    readonly settledRssMiB: number;
    readonly settleMs: number;
    /** Settled RSS within 1.2× of idle. */
    readonly backNearIdle: boolean;
  };
}

const number = (value: number | undefined, digits = 0): string =>
  value === undefined || !Number.isFinite(value)
    ? '—'
    : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const times = (value: number | undefined): string =>
  value === undefined || !Number.isFinite(value) ? '—' : `${number(value, 2)}×`;

const spread = (rounds: Rounds): string => `±${number(rounds.spreadPercent / 2)} %`;

const side = (figures: Side): string =>
  `${number(figures.throughput.median)} ${spread(figures.throughput)}` +
  (figures.p99Ms === undefined ? '' : `, p99 ${number(figures.p99Ms.median)} ms`);

const commands = (perOperation: Readonly<Record<string, number>>): string => {
  const { total, ...byName } = perOperation;
  if (total === undefined) return '—';
  const names = Object.entries(byName)
    .filter(([, value]) => value >= 0.01)
    .map(([name, value]) => `${name} ${number(value, 2)}`);
  return `${number(total, 2)} (${names.join(', ')})`;
};

const memory = (figures: Memory): string =>
  `${number(figures.rssMiB)} MiB (heap ${number(figures.heapUsedMiB)} MiB)`;

const answers = (statuses: Readonly<Record<string, number>>): string =>
  Object.entries(statuses)
    .map(([status, count]) => `${status}×${count}`)
    .join(' ');

const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;

/** The Markdown tables of a run: throughput and latency beside the baseline, commands, memory. */
export const renderMarkdown = (results: BenchResults): string => {
  const lines = [
    `# pnpm bench, ${results.at}${results.quick ? ' (quick mode)' : ''}`,
    '',
    `Machine: ${Object.entries(results.machine)
      .map(([key, value]) => `${key} ${String(value)}`)
      .join(', ')}. Sizes: ${Object.entries(results.sizes)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key} ${value}`)
      .join(', ')}.`,
    '',
    'Medians of alternating rounds, ± half the spread between rounds; ratio = service ÷ baseline.',
    'Throughput counts every answer, whatever its status: see the notes.',
    '',
    row(['case', 'unit', 'service', 'baseline', 'ratio', 'p99 ratio', 'note']),
    row(['---', '---', '---:', '---:', '---:', '---:', '---']),
  ];
  for (const result of results.cases) {
    const notes = [
      result.bound === undefined
        ? undefined
        : `bound ${number(result.bound)}; service ${times(result.ratioToBound)} of it`,
      result.versus === undefined ? undefined : `${result.versus.label} ${times(result.versus.ratio)}`,
      result.service.statuses === undefined
        ? undefined
        : `service answers ${answers(result.service.statuses)}${result.service.replayed === undefined ? '' : `, ${result.service.replayed} replayed`}`,
      // Throughput counts every answer: a baseline that gives up on a hot order (409) says so here.
      result.baseline.statuses === undefined
        ? undefined
        : `baseline answers ${answers(result.baseline.statuses)}`,
    ].filter((note) => note !== undefined);
    lines.push(
      row([
        result.name,
        result.unit,
        side(result.service),
        side(result.baseline),
        times(result.ratio),
        times(result.p99Ratio),
        notes.join('; '),
      ]),
    );
  }
  lines.push(
    '',
    'MongoDB commands the service sent per operation (driver command monitoring, read from',
    '`cancel_sync_mongodb_commands_total` before and after each round; background polls included,',
    'the scrapes themselves taken off). The inbound baseline needs 2 (`find`, `update`).',
    '',
    row(['case', 'commands per operation', 'service memory after the case']),
    row(['---', '---', '---:']),
    ...results.cases.map((result) =>
      row([result.name, commands(result.commandsPerOperation), memory(result.memoryAfter.service)]),
    ),
    '',
    `Idle, the service sends ${commands(results.idleCommandsPerSecond)} commands per second.`,
    '',
    `Memory: ${number(results.settle.idleRssMiB)} MiB idle, up to ${number(results.settle.peakRssMiB)} MiB after a case, ` +
      `${number(results.settle.settledRssMiB)} MiB after ${number(results.settle.settleMs / 1000)} s idle: ` +
      `${results.settle.backNearIdle ? 'back near idle (within 1.2×)' : 'not back near idle (more than 1.2× idle)'}.`,
    '',
    row(['memory', 'service', 'baseline', 'RSS ratio']),
    row(['---', '---:', '---:', '---:']),
    ...results.memory.map((entry) =>
      row([
        entry.name,
        memory(entry.service),
        `${memory(entry.baseline)}, ${entry.baselineName}`,
        times(entry.baseline.rssMiB === 0 ? Number.NaN : entry.service.rssMiB / entry.baseline.rssMiB),
      ]),
    ),
    '',
  );
  return lines.join('\n');
};
