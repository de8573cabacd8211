/**
 * `pnpm bench`: the benchmarks, with figures printed as JSON and written to bench/results/latest.json.
 * Kafka and MongoDB come from the environment, `.env.stack` (pnpm stack up), Docker or embedded.
 * Sizes: BENCH_REQUESTS (default 3000), BENCH_CONCURRENCY (32), BENCH_EVENTS (2000).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { startStack } from '@cancel-sync/devstack';
import { readEnvStack } from '../scripts/env-stack.ts';
import { benchDomain } from './domain.bench.ts';
import { benchService } from './service.bench.ts';

const sizes = {
  requests: Number(process.env.BENCH_REQUESTS ?? 3000),
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 32),
  events: Number(process.env.BENCH_EVENTS ?? 2000),
};
const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};

const domain = benchDomain();
process.stdout.write(`domain: ${JSON.stringify(domain)}\n`);
const stack = await startStack({ env: { ...readEnvStack(), ...process.env } });
try {
  const service = await benchService(stack, sizes);
  const results = { at: new Date().toISOString(), machine, stack: stack.sources, sizes, domain, service };
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/latest.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
} finally {
  await stack.stop();
}
