/** The benchmark harness's pure parts: statistics over rounds, ratios, command counts, the table. */
import { describe, expect, it } from 'vitest';
import { type BenchResults, type CaseResult, renderMarkdown } from '../report.ts';
import { commandCounts, countsBetween, median, perOperation, ratio, rounds } from '../stats.ts';

describe('rounds', () => {
  it('gives the median, the range and the spread relative to the median', () => {
    expect(rounds([120, 80, 100])).toEqual({
      rounds: [120, 80, 100],
      median: 100,
      min: 80,
      max: 120,
      spreadPercent: 40,
    });
  });

  it('takes the middle two for an even count and leaves out what is not a number', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([Number.NaN, 5, 7, 9])).toBe(7);
    expect(median([])).toBeNaN();
  });
});

describe('ratio', () => {
  it('is service over baseline, to two places', () => {
    expect(ratio(73, 380)).toBe(0.19);
    expect(ratio(500, 250)).toBe(2);
  });

  it('is not a number when the baseline is 0 or a side is missing', () => {
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(Number.NaN, 3)).toBeNaN();
  });
});

describe('command counts', () => {
  const scrape = (find: number, update: number) =>
    [
      '# HELP cancel_sync_mongodb_commands_total Commands sent to MongoDB',
      '# TYPE cancel_sync_mongodb_commands_total counter',
      `cancel_sync_mongodb_commands_total{command="find"} ${find}`,
      `cancel_sync_mongodb_commands_total{command="update"} ${update}`,
      'cancel_sync_mongodb_commands_total_other{command="find"} 999',
      'cancel_sync_nodejs_heap_size_used_bytes 123',
    ].join('\n');

  it('reads the counter by command name from a scrape, and nothing else', () => {
    expect(commandCounts(scrape(10, 4))).toEqual({ find: 10, update: 4 });
  });

  it('takes the difference less the overhead, per operation by name with the total first', () => {
    const delta = countsBetween(commandCounts(scrape(10, 4)), commandCounts(scrape(40, 24)), { find: 2 });
    expect(delta).toEqual({ find: 28, update: 20 });
    expect(perOperation(delta, 10)).toEqual({ total: 4.8, find: 2.8, update: 2 });
    expect(Object.keys(perOperation(delta, 10))).toEqual(['total', 'find', 'update']);
    expect(perOperation(delta, 0)).toEqual({});
  });
});

describe('renderMarkdown', () => {
  const memory = { rssMiB: 200, heapUsedMiB: 60 };
  const inbound: CaseResult = {
    name: 'inbound, 16 in flight, distinct orders',
    unit: 'req/s',
    service: {
      throughput: rounds([170, 176, 180]),
      p99Ms: rounds([200, 204, 210]),
      statuses: { 200: 900 },
      replayed: 0,
    },
    baseline: {
      throughput: rounds([480, 482, 490]),
      p99Ms: rounds([70, 78, 80]),
      statuses: { 200: 2000, 409: 5 },
    },
    ratio: ratio(176, 482),
    p99Ratio: ratio(204, 78),
    commandsPerOperation: { total: 6.8, find: 3.1, update: 2.7, insert: 1, getMore: 0.001 },
    memoryAfter: { service: memory, baseline: { rssMiB: 100, heapUsedMiB: 20 } },
  };
  const outbound: CaseResult = {
    name: 'outbound, Uniware answers in 50 ms',
    unit: 'events/s',
    service: { throughput: rounds([250, 254, 260]) },
    baseline: { throughput: rounds([1000, 1086, 1100]) },
    ratio: ratio(254, 1086),
    bound: 1280,
    ratioToBound: ratio(254, 1280),
    commandsPerOperation: {},
    memoryAfter: { service: memory, baseline: memory },
  };
  const results: BenchResults = {
    at: '2026-12-01T12:00:00.000Z',
    quick: true,
    machine: { cpus: 2 },
    sizes: { rounds: 3 },
    cases: [inbound, outbound],
    memory: [
      {
        name: 'idle after start',
        service: memory,
        baseline: { rssMiB: 100, heapUsedMiB: 20 },
        baselineName: 'bare Fastify',
      },
    ],
    idleCommandsPerSecond: { total: 7, find: 7 },
    scrapeCommands: {},
    settle: { idleRssMiB: 200, peakRssMiB: 400, settledRssMiB: 300, settleMs: 10_000, backNearIdle: false },
  };
  const markdown = renderMarkdown(results);

  it('puts each case on one row: medians with their spread, the ratio, the p99 ratio and notes', () => {
    expect(markdown).toContain(
      '| inbound, 16 in flight, distinct orders | req/s | 176 ±3 %, p99 204 ms | 482 ±1 %, p99 78 ms | 0.37× | 2.62× | service answers 200×900, 0 replayed; baseline answers 200×2000 409×5 |',
    );
    expect(markdown).toContain(
      '| outbound, Uniware answers in 50 ms | events/s | 254 ±2 % | 1,086 ±5 % | 0.23× | — | bound 1,280; service 0.20× of it |',
    );
  });

  it('lists commands per operation by name, leaves out what rounds to nothing, and says when none were counted', () => {
    expect(markdown).toContain('| 6.80 (find 3.10, update 2.70, insert 1.00) |');
    expect(markdown).toContain('| outbound, Uniware answers in 50 ms | — |');
  });

  it('shows memory beside the baseline with the ratio, and whether it came back down', () => {
    expect(markdown).toContain(
      '| idle after start | 200 MiB (heap 60 MiB) | 100 MiB (heap 20 MiB), bare Fastify | 2.00× |',
    );
    expect(markdown).toContain('300 MiB after 10 s idle: not back near idle');
    expect(markdown).toContain('(quick mode)');
  });
});
