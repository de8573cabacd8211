/**
 * `pnpm bench:memory`: where the service's memory goes. Starts the service as production does
 * (`service-command.ts`: the flags and environment of `pnpm start`), idle, then `BENCH_MEMORY_EVENTS`
 * outbound events through the sandbox, then `BENCH_SETTLE_MS` idle, and reads at each point RSS (and
 * its anonymous part), the V8 heap by space, external memory, from /proc and /metrics. Figures are
 * reported, never asserted.
 *
 * BENCH_MEMORY_SNAPSHOTS=<dir>: also takes a heap snapshot at each point through the inspector (after a
 * full GC) and writes the constructors that grew between them, with who retains them
 * (`heap-diff.ts`). The inspector costs memory of its own: read the RSS of a run without snapshots.
 *
 * BENCH_MEMORY_EVENTS (2000), BENCH_SETTLE_MS (10000), BENCH_MEMORY_RUNS (1, fresh service each),
 * BENCH_SERVICE_ENV (`NAME=value,NAME=value`, extra service settings), BENCH_MEMORY_RAW=1 (spawn
 * `node src/main.ts` with no flags nor environment of the start command: the "before" of a change),
 * BENCH_MEMORY_NODE_ARGS (node flags instead of the start command's, space-separated, to try one),
 * BENCH_MEMORY_TIMEOUT_S (900) for the events to be answered.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createNodeCrypto } from '@cancel-sync/adapter-crypto';
import { connectMongo, createMongoStores } from '@cancel-sync/adapter-mongodb';
import { registerSeller } from '@cancel-sync/application';
import { startStack } from '@cancel-sync/devstack';
import { startSandbox } from '@cancel-sync/uc-sandbox';
import { Kafka, logLevel } from 'kafkajs';
import { serviceCommand } from '../apps/service/src/service-command.ts';
import { readEnvStack } from '../scripts/env-stack.ts';
import { diffSnapshots, type SnapshotSummary, summarizeSnapshot } from './heap-diff.ts';
import { benchServiceEnvironment, orderCancelledRecord } from './service-environment.ts';
import { metricSamples, round } from './stats.ts';

if (process.argv.slice(2).some((arg) => arg === '--help' || arg === '-h')) {
  process.stdout.write(
    "usage: pnpm bench:memory\n  The service's memory idle, after BENCH_MEMORY_EVENTS (2000) outbound events and after BENCH_SETTLE_MS\n  (10000) idle. BENCH_MEMORY_SNAPSHOTS=<dir> also writes heap snapshots and their diff; BENCH_MEMORY_RUNS,\n  BENCH_SERVICE_ENV, BENCH_MEMORY_RAW=1 (no flags of the start command).\n",
  );
  process.exit(0);
}

const number = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number`);
  return value;
};
const events = number('BENCH_MEMORY_EVENTS', 2_000);
const settleMs = number('BENCH_SETTLE_MS', 10_000);
const runs = Math.max(1, number('BENCH_MEMORY_RUNS', 1));
const snapshotDir = process.env.BENCH_MEMORY_SNAPSHOTS;
const raw = process.env.BENCH_MEMORY_RAW === '1';
const timeoutMs = number('BENCH_MEMORY_TIMEOUT_S', 900) * 1000;
const serviceDir = fileURLToPath(new URL('../apps/service/', import.meta.url));
const progress = (message: string) => process.stderr.write(`[memory] ${message}\n`);
const MiB = (bytes: number) => round(bytes / 2 ** 20, 1);

export interface Reading {
  readonly point: string;
  readonly rssMiB: number;
  readonly anonymousMiB: number;
  readonly heapUsedMiB: number;
  readonly heapTotalMiB: number;
  readonly externalMiB: number;
  /** Used size of each V8 heap space. */
  readonly spacesMiB: Record<string, number>;
  /** Committed size of each V8 heap space. */
  readonly spacesTotalMiB: Record<string, number>;
}

const proc = (pid: number) => {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? Number.NaN);
  return { rssMiB: round(kib('Rss') / 1024, 1), anonymousMiB: round(kib('Anonymous') / 1024, 1) };
};

const read = async (point: string, pid: number, metricsUrl: string): Promise<Reading> => {
  const text = await (await fetch(metricsUrl)).text();
  const one = (name: string) => metricSamples(text, `cancel_sync_${name}`).get('') ?? Number.NaN;
  const spaces = metricSamples(text, 'cancel_sync_nodejs_heap_space_size_used_bytes');
  const spacesTotal = metricSamples(text, 'cancel_sync_nodejs_heap_space_size_total_bytes');
  const bySpace = (samples: Map<string, number>) =>
    Object.fromEntries(
      [...samples].map(([labels, value]) => [/space="([^"]+)"/.exec(labels)?.[1] ?? labels, MiB(value)]),
    );
  return {
    point,
    ...proc(pid),
    heapUsedMiB: MiB(one('nodejs_heap_size_used_bytes')),
    heapTotalMiB: MiB(one('nodejs_heap_size_total_bytes')),
    externalMiB: MiB(one('nodejs_external_memory_bytes')),
    spacesMiB: bySpace(spaces),
    spacesTotalMiB: bySpace(spacesTotal),
  };
};

/** A heap snapshot through the inspector protocol, after a full collection. */
const inspector = async (url: string) => {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
  let id = 0;
  const pending = new Map<number, (result: unknown) => void>();
  let chunks: string[] = [];
  socket.addEventListener('message', (message) => {
    const data = JSON.parse(String(message.data)) as {
      id?: number;
      method?: string;
      params?: { chunk: string };
    };
    if (data.method === 'HeapProfiler.addHeapSnapshotChunk') chunks.push(data.params?.chunk ?? '');
    if (data.id !== undefined) pending.get(data.id)?.(data);
  });
  const call = (method: string, params: object = {}) =>
    new Promise((resolve) => {
      id += 1;
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  return {
    snapshot: async (): Promise<string> => {
      await call('HeapProfiler.collectGarbage');
      chunks = [];
      await call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      const text = chunks.join('');
      chunks = [];
      return text;
    },
    close: () => socket.close(),
  };
};

interface Service {
  readonly child: ChildProcess;
  readonly metricsUrl: string;
  readonly inspectorUrl: string | undefined;
  stop(): Promise<void>;
}

const startService = (env: Record<string, string>): Promise<Service> =>
  new Promise((resolve, reject) => {
    const command = serviceCommand();
    const flags = process.env.BENCH_MEMORY_NODE_ARGS;
    const args = raw
      ? ['src/main.ts']
      : flags === undefined
        ? [...command.args]
        : [...flags.split(' ').filter((flag) => flag !== ''), command.args.at(-1) ?? ''];
    if (snapshotDir !== undefined) args.unshift('--inspect=127.0.0.1:0');
    const child = spawn(process.execPath, args, {
      cwd: serviceDir,
      env: { ...process.env, ...(raw ? {} : command.env), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    let metricsUrl: string | undefined;
    let inspectorUrl: string | undefined;
    let kafka = false;
    let out = '';
    const settle = () => {
      if (metricsUrl === undefined || !kafka) return;
      if (snapshotDir !== undefined && inspectorUrl === undefined) return;
      resolve({
        child,
        metricsUrl,
        inspectorUrl,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stderr?.on('data', (chunk: Buffer) => {
      inspectorUrl ??= /ws:\/\/\S+/.exec(chunk.toString())?.[0];
      settle();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      if (metricsUrl !== undefined && kafka) return; // read and dropped, as a log shipper would
      out += chunk.toString();
      metricsUrl ??= /"metricsUrl":"([^"]+)"/.exec(out)?.[1];
      kafka ||= out.includes('"Kafka parts started"');
      settle();
    });
    child.once('exit', (code) => reject(new Error(`the service exited with ${code}:\n${out.slice(-3000)}`)));
  });

const stack = await startStack({ env: { ...readEnvStack(), ...process.env } });
const sandbox = await startSandbox({ logLevel: 'silent', maxRecordedCalls: 100 });
const kafka = new Kafka({
  clientId: 'bench-memory',
  brokers: stack.kafkaBrokers,
  logLevel: logLevel.NOTHING,
});
const producer = kafka.producer();
await producer.connect();
const all: { run: number; readings: Reading[]; diff?: unknown }[] = [];
try {
  for (let run = 1; run <= runs; run += 1) {
    const { env } = benchServiceEnvironment(stack, sandbox.url, { name: 'memory', inFlight: 64 });
    const mongo = await connectMongo(stack.mongodbUri, { dbName: env.MONGODB_DATABASE ?? '' });
    const stores = createMongoStores(mongo.db);
    await stores.ensureIndexes();
    await registerSeller({
      sellers: stores.sellers,
      tokens: stores.accessTokens,
      crypto: createNodeCrypto(),
      clock: { now: () => new Date() },
    })({
      sellerId: 'seller-1',
      username: 'memory-seller',
      uniwareMerchantId: 'memory-merchant',
      password: 'pw-memory-bench',
    });
    const orderIds = Array.from({ length: events }, (_, index) => `SO-MEM-${index}`);
    progress(`run ${run}: ${events} orders in the ledger`);
    for (const orderId of orderIds) {
      await stores.ledger.write({
        expectedRevision: undefined,
        order: {
          orderId,
          sellerId: 'seller-1',
          status: 'CREATED',
          revision: 1,
          sourceRevision: 1,
          items: [
            {
              orderItemId: 'i-1',
              productId: 'p-1',
              variantId: 'v-1',
              quantity: 5,
              cancelledQuantity: 0,
              status: 'CREATED',
            },
          ],
        },
        now: new Date(),
      });
    }
    const service = await startService(env);
    const pid = service.child.pid ?? 0;
    const probe = service.inspectorUrl === undefined ? undefined : await inspector(service.inspectorUrl);
    const summaries: SnapshotSummary[] = [];
    const readings: Reading[] = [];
    const at = async (point: string) => {
      const reading = await read(point, pid, service.metricsUrl);
      readings.push(reading);
      progress(`run ${run} ${point}: ${JSON.stringify(reading)}`);
      if (probe !== undefined && snapshotDir !== undefined) {
        const text = await probe.snapshot();
        mkdirSync(snapshotDir, { recursive: true });
        const file = `${snapshotDir}/run${run}-${summaries.length}-${point.replaceAll(/\W+/g, '-')}.heapsnapshot`;
        writeFileSync(file, text);
        summaries.push(summarizeSnapshot(point, JSON.parse(text)));
      }
    };
    try {
      await sleep(3_000);
      await at('idle after start');
      const before = sandbox.state.calls.stats().answered;
      const started = performance.now();
      for (let from = 0; from < events; from += 500) {
        await producer.send({
          topic: env.TOPIC_ORDER_CANCELLED ?? '',
          messages: orderIds
            .slice(from, from + 500)
            .map((orderId) => orderCancelledRecord(orderId, 'memory bench')),
        });
      }
      while (sandbox.state.calls.stats().answered - before < events) {
        if (performance.now() - started > timeoutMs)
          throw new Error(
            `${events} events not answered in ${timeoutMs / 1000} s (${sandbox.state.calls.stats().answered - before} were)`,
          );
        await sleep(20);
      }
      progress(`run ${run}: ${events} events answered in ${Math.round(performance.now() - started)} ms`);
      await at(`after ${events} outbound events`);
      await sleep(settleMs);
      await at(`after ${settleMs / 1000} s idle`);
    } finally {
      probe?.close();
      await service.stop();
      await mongo.db.dropDatabase().catch(() => undefined);
      await mongo.close();
    }
    const diff =
      summaries.length === 3
        ? {
            afterLoad: diffSnapshots(summaries[0], summaries[1]),
            afterIdle: diffSnapshots(summaries[0], summaries[2]),
          }
        : undefined;
    all.push({ run, readings, ...(diff === undefined ? {} : { diff }) });
  }
} finally {
  await producer.disconnect().catch(() => undefined);
  await sandbox.close();
  await stack.stop();
}

const table = [
  '| run | point | RSS MiB | anonymous MiB | heap used MiB | heap total MiB | external MiB | new space used / committed | old space used / committed | code space |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...all.flatMap(({ run, readings }) =>
    readings.map(
      (r) =>
        `| ${run} | ${r.point} | ${r.rssMiB} | ${r.anonymousMiB} | ${r.heapUsedMiB} | ${r.heapTotalMiB} | ${r.externalMiB} | ${r.spacesMiB.new} / ${r.spacesTotalMiB.new} | ${r.spacesMiB.old} / ${r.spacesTotalMiB.old} | ${r.spacesMiB.code} |`,
    ),
  ),
].join('\n');
process.stdout.write(`${table}\n`);
if (snapshotDir !== undefined) {
  writeFileSync(`${snapshotDir}/memory.json`, `${JSON.stringify(all, null, 2)}\n`);
  process.stdout.write(`snapshots and diffs in ${snapshotDir} (memory.json)\n`);
}
