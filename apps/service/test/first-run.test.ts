/**
 * `pnpm start` on an empty database: it puts a demo seller and demo orders in place and prints a
 * "try it" whose commands work as printed — run here by bash, exactly as printed. Ctrl-C stops it.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnvironment } from './support/environment.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });

let start: ChildProcess | undefined;
afterAll(() => {
  start?.kill('SIGKILL');
});

describe('the first run', () => {
  it('seeds a demo and prints a try-it that works as printed; Ctrl-C stops everything', {
    timeout: 180_000,
  }, async () => {
    const [httpPort, sandboxPort] = [await freePort(), await freePort()];
    const base = testEnvironment('http://unused');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KAFKA_BROKERS: base.KAFKA_BROKERS,
      MONGODB_URI: base.MONGODB_URI,
      MONGODB_DATABASE: `first_run_${randomUUID().slice(0, 8)}`,
      KAFKA_GROUP_ID: base.KAFKA_GROUP_ID,
      TOPIC_ORDER_CANCELLED: base.TOPIC_ORDER_CANCELLED,
      TOPIC_ORDER_CANCELLED_DLQ: base.TOPIC_ORDER_CANCELLED_DLQ,
      TOPIC_ORDER_LIFECYCLE: base.TOPIC_ORDER_LIFECYCLE,
      TOPIC_ORDER_LIFECYCLE_DLQ: base.TOPIC_ORDER_LIFECYCLE_DLQ,
      HTTP_PORT: String(httpPort),
      SANDBOX_PORT: String(sandboxPort),
      METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
    };
    delete env.UC_BASE_URL;
    const output: string[] = [];
    start = spawn(process.execPath, ['scripts/start.ts'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => start?.once('exit', resolve));
    start.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    start.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    await expect
      .poll(() => output.join('').includes('Ctrl-C stops'), { timeout: 120_000, interval: 250 })
      .toBe(true);

    const text = output.join('');
    const lines = text.slice(text.indexOf('Try it')).split('\n');
    const commands = lines
      .slice(
        1,
        lines.findIndex((line) => line.includes('Ctrl-C')),
      )
      .filter((line) => line.startsWith('  '));
    expect(commands.length).toBeGreaterThanOrEqual(4);
    const script = ['set -euo pipefail', ...commands.map((line) => line.trim())].join('\n');
    const { stdout } = await promisify(execFile)('bash', ['-c', script], {
      cwd: root,
      env,
      timeout: 120_000,
    });
    process.stdout.write(`[first run] the printed try-it printed:\n${stdout}\n`);
    expect(stdout).toContain('"status":"SUCCESS"');
    expect(stdout).toContain('published to');
    expect(stdout).toMatch(/"saleOrderCode":\s*"SO-DEMO-2"/);

    start.kill('SIGINT');
    expect(await exited).toBe(0);
    start = undefined;
    await expect(fetch(`http://127.0.0.1:${sandboxPort}/__sandbox/calls`)).rejects.toThrow();
  });
});
