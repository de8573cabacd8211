/**
 * `pnpm bench`: the domain on its own, then the service beside its baselines (see
 * service.bench.ts). Writes bench/results/<date>.json and <date>.md (…-quick.* in quick mode) and
 * prints the Markdown table. Kafka and MongoDB come from the environment, `.env.stack` (pnpm stack
 * up), Docker or embedded.
 *
 * Sizes, by env variable (full / BENCH_QUICK=1 defaults):
 * BENCH_ROUNDS (5 / 3) rounds per side of each case, at least 3;
 * BENCH_INBOUND_ROUND_MS (5000 / 1000) how long one inbound round sends;
 * BENCH_EVENTS (1000 / 200) events per outbound round;
 * BENCH_ORDERS (1000 / 200) orders in the ledger and in the baseline's collection;
 * BENCH_OUTBOUND_IN_FLIGHT (64) calls to Uniware at once, service and bare consumer alike;
 * BENCH_SLOW_UNIWARE_MS (50) the sandbox's answer time in the slow case;
 * BENCH_SETTLE_MS (10000 / 5000) idle time before the last memory reading;
 * BENCH_SERVICE_ENV (empty) extra service settings, `NAME=value,NAME=value`;
 * BENCH_ONLY (empty) `inbound` or `outbound` runs only those cases (a partial result, named so).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { startStack } from '@cancel-sync/devstack';
import { readEnvStack } from '../scripts/env-stack.ts';
import { benchDomain } from './domain.bench.ts';
import { renderMarkdown } from './report.ts';
import { type BenchSizes, benchService } from './service.bench.ts';

if (process.argv.slice(2).some((arg) => arg === '--help' || arg === '-h')) {
  process.stdout.write(
    'usage: pnpm bench\n  Runs every benchmark case beside its baseline in alternating rounds and writes bench/results/<date>.json\n  and .md. BENCH_QUICK=1 for a short run; sizes: BENCH_ROUNDS, BENCH_INBOUND_ROUND_MS, BENCH_EVENTS,\n  BENCH_ORDERS, BENCH_OUTBOUND_IN_FLIGHT, BENCH_SLOW_UNIWARE_MS, BENCH_SETTLE_MS, BENCH_SERVICE_ENV; BENCH_ONLY=inbound|outbound runs only those cases.\n',
  );
  process.exit(0);
}

const quick = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';
const size = (name: string, full: number, quickValue: number, minimum = 1): number => {
  const text = process.env[name];
  const value = text === undefined || text === '' ? (quick ? quickValue : full) : Number(text);
  if (!Number.isInteger(value) || value < minimum) {
    process.stderr.write(`${name} must be a whole number of at least ${minimum}; got ${text}\n`);
    process.exit(2);
  }
  return value;
};
const only =
  process.env.BENCH_ONLY === undefined || process.env.BENCH_ONLY === '' ? undefined : process.env.BENCH_ONLY;
if (only !== undefined && only !== 'inbound' && only !== 'outbound') {
  process.stderr.write(`BENCH_ONLY must be inbound or outbound; got ${only}\n`);
  process.exit(2);
}
const sizes: BenchSizes = {
  only,
  rounds: size('BENCH_ROUNDS', 5, 3, 3),
  inboundRoundMs: size('BENCH_INBOUND_ROUND_MS', 5_000, 1_000),
  events: size('BENCH_EVENTS', 1_000, 200),
  orders: size('BENCH_ORDERS', 1_000, 200),
  outboundInFlight: size('BENCH_OUTBOUND_IN_FLIGHT', 64, 64),
  slowUniwareMs: size('BENCH_SLOW_UNIWARE_MS', 50, 50),
  settleMs: size('BENCH_SETTLE_MS', 10_000, 5_000, 0),
};
const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  loadAverageAtStart: loadavg()[0]?.toFixed(2) ?? 'unknown',
  shared: 'yes, with other engineers running tests',
};

const started = performance.now();
const domain = benchDomain();
process.stderr.write(`[bench] domain: ${JSON.stringify(domain)}\n`);
const stack = await startStack({ env: { ...readEnvStack(), ...process.env } });
try {
  const service = await benchService(stack, sizes, quick);
  const results = {
    ...service,
    machine: { ...machine, loadAverageAtEnd: loadavg()[0]?.toFixed(2) ?? 'unknown' },
    stack: stack.sources,
    seconds: Math.round((performance.now() - started) / 1000),
    domain,
  };
  const name = `${results.at.slice(0, 10)}${quick ? '-quick' : ''}${only === undefined ? '' : `-${only}`}`;
  const markdown = renderMarkdown(results);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL(`./results/${name}.json`, import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(new URL(`./results/${name}.md`, import.meta.url), markdown);
  process.stdout.write(
    `${markdown}\nwritten: bench/results/${name}.json, bench/results/${name}.md (${results.seconds} s)\n`,
  );
} finally {
  await stack.stop();
}
