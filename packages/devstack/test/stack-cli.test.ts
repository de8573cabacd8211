import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '../src/process-group.ts';

/**
 * `pnpm stack` as a developer runs it: real embedded servers, started by the real command, in a
 * throw-away stack folder (DEVSTACK_HOME) so that nothing here touches a developer's own stack.
 */
const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
let home: string;
let env: NodeJS.ProcessEnv;

type Run = { code: number; stdout: string; stderr: string };

async function stack(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args], {
      env,
      timeout: 180_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

type ServerStatus = {
  name: string;
  pid: number | null;
  running: boolean;
  answers: boolean;
  port: number;
  endpoint: string;
  rssKiB: number | null;
  dataDir: string;
};

async function servers(): Promise<Record<string, ServerStatus>> {
  const run = await stack('status', '--json');
  const parsed = JSON.parse(run.stdout) as { servers: ServerStatus[] };
  return Object.fromEntries(parsed.servers.map((server) => [server.name, server]));
}

async function upOrThrow(): Promise<Run> {
  const run = await stack('up');
  if (run.code !== 0) throw new Error(`stack up exited with ${run.code}:\n${run.stderr}`);
  return run;
}

function mongoUri(status: Record<string, ServerStatus>): string {
  return required(status.mongodb).endpoint;
}

function required<T>(value: T | undefined | null): T {
  if (value === undefined || value === null) throw new Error('missing');
  return value;
}

async function withMongo<T>(uri: string, work: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

async function waitUntilGone(pid: number): Promise<void> {
  await expect.poll(() => isAlive(pid), { timeout: 30_000, interval: 100 }).toBe(false);
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'devstack-cli-'));
  env = {
    ...process.env,
    DEVSTACK_SOURCE: 'embedded',
    DEVSTACK_HOME: home,
    DEVSTACK_ENV_FILE: join(home, 'env.stack'),
    DEVSTACK_ZIPKIN: 'off',
  };
  await upOrThrow();
});

afterAll(async () => {
  await stack('down');
  await rm(home, { recursive: true, force: true });
});

describe('pnpm stack', () => {
  it('keeps databases, documents and indexes when the MongoDB server is stopped and started again', async () => {
    const before = await servers();
    const kafkaPid = required(before.kafka).pid;
    await withMongo(mongoUri(before), async (client) => {
      const orders = client.db('kept').collection<{ orderId: string; state: string }>('orders');
      await orders.createIndex({ orderId: 1 }, { unique: true, name: 'orderId_unique' });
      await orders.insertMany([
        { orderId: 'SO-1', state: 'open' },
        { orderId: 'SO-2', state: 'open' },
      ]);
    });

    const mongoPid = required(required(before.mongodb).pid);
    process.kill(-mongoPid, 'SIGTERM');
    await waitUntilGone(mongoPid);
    await upOrThrow();

    const after = await servers();
    expect(required(after.mongodb).pid).not.toBe(mongoPid);
    expect(required(after.mongodb).port).toBe(required(before.mongodb).port);
    expect(required(after.kafka).pid).toBe(kafkaPid);
    await withMongo(mongoUri(after), async (client) => {
      const orders = client.db('kept').collection<{ orderId: string; state: string }>('orders');
      expect((await client.db('admin').admin().listDatabases()).databases.map((db) => db.name)).toContain(
        'kept',
      );
      expect(await orders.find({}, { projection: { _id: 0 } }).toArray()).toEqual([
        { orderId: 'SO-1', state: 'open' },
        { orderId: 'SO-2', state: 'open' },
      ]);
      expect(await orders.indexes()).toContainEqual(
        expect.objectContaining({ name: 'orderId_unique', unique: true, key: { orderId: 1 } }),
      );
      await expect(orders.insertOne({ orderId: 'SO-1', state: 'again' })).rejects.toMatchObject({
        code: 11000,
      });
      // The compare-and-set the ledger relies on still lets exactly one writer win.
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, writer) =>
          orders.findOneAndUpdate({ orderId: 'SO-2', state: 'open' }, { $set: { state: `w${writer}` } }),
        ),
      );
      expect(results.filter((result) => result !== null)).toHaveLength(1);
    });
  });

  it('leaves a healthy stack running when `up` is run again', async () => {
    const before = await servers();
    const run = await upOrThrow();
    const after = await servers();
    expect(run.stdout).toContain('already');
    expect(required(after.kafka).pid).toBe(required(before.kafka).pid);
    expect(required(after.mongodb).pid).toBe(required(before.mongodb).pid);
  });

  it('restarts only Kafka when only Kafka died, on the same port and with its topics', async () => {
    const before = await servers();
    const kafka = required(before.kafka);
    const admin = new Kafka({
      clientId: 'stack-cli-test',
      brokers: [kafka.endpoint],
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'kept-topic', numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();

    const kafkaPid = required(kafka.pid);
    process.kill(-kafkaPid, 'SIGKILL');
    await waitUntilGone(kafkaPid);
    const run = await upOrThrow();

    const after = await servers();
    expect(required(after.kafka).pid).not.toBe(kafkaPid);
    expect(required(after.kafka).port).toBe(kafka.port);
    expect(required(after.kafka).answers).toBe(true);
    expect(required(after.mongodb).pid).toBe(required(before.mongodb).pid);
    expect(run.stdout).toContain(`MONGODB_URI=${mongoUri(before)}`);
    const adminAfter = new Kafka({
      clientId: 'stack-cli-test',
      brokers: [required(after.kafka).endpoint],
      logLevel: logLevel.NOTHING,
    }).admin();
    await adminAfter.connect();
    try {
      await expect(adminAfter.listTopics()).resolves.toContain('kept-topic');
    } finally {
      await adminAfter.disconnect();
    }
  });

  it('names each server with its pid, port, memory and data folder', async () => {
    const status = await servers();
    const run = await stack('status');
    expect(run.code).toBe(0);
    for (const name of ['kafka', 'mongodb']) {
      const server = required(status[name]);
      expect(server.running).toBe(true);
      expect(server.rssKiB).toBeGreaterThan(0);
      expect(server.dataDir.startsWith(home)).toBe(true);
      const line = run.stdout.split('\n').find((text) => text.includes(`pid ${server.pid}`));
      expect(line).toBeDefined();
      expect(line).toContain(`port ${server.port}`);
      expect(line).toMatch(/RSS \d+ MiB/);
      expect(line).toContain(server.dataDir);
    }
  });

  it('wipes the data only on `reset`, after which the stack starts empty', async () => {
    const down = await stack('down');
    expect(down.code).toBe(0);
    await upOrThrow();
    const kept = await withMongo(mongoUri(await servers()), (client) =>
      client.db('kept').collection('orders').countDocuments(),
    );
    expect(kept).toBe(2);

    const reset = await stack('reset');
    expect(reset.code).toBe(0);
    await upOrThrow();
    const names = await withMongo(mongoUri(await servers()), async (client) =>
      (await client.db('admin').admin().listDatabases()).databases.map((db) => db.name),
    );
    expect(names).not.toContain('kept');
  });

  it('answers --help for itself and for every command', async () => {
    for (const args of [
      ['--help'],
      ['up', '--help'],
      ['down', '--help'],
      ['status', '--help'],
      ['reset', '--help'],
    ]) {
      const run = await stack(...args);
      expect(run.code, args.join(' ')).toBe(0);
      expect(run.stdout, args.join(' ')).toMatch(/^Usage: pnpm stack/);
      if (args.length === 2) expect(run.stdout).toContain(`pnpm stack ${args[0]}`);
    }
  });
});
