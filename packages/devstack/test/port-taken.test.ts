import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logShowsPortTaken } from '../src/embedded/port-taken.ts';

const directories: string[] = [];

async function logWith(text: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'devstack-log-'));
  directories.push(directory);
  const file = join(directory, 'server.log');
  await writeFile(file, text);
  return file;
}

afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

describe('logShowsPortTaken', () => {
  it("recognises Kafka's failure to bind", async () => {
    const log = await logWith(
      '[2026-11-22 15:09:01,100] ERROR [KafkaRaftServer nodeId=1] Fatal error during startup\n' +
        'org.apache.kafka.common.KafkaException: Socket server failed to bind to 127.0.0.1:52781: Address already in use.\n' +
        'Caused by: java.net.BindException: Address already in use\n',
    );
    await expect(logShowsPortTaken(log)).resolves.toBe(true);
  });

  it("recognises the MongoDB launcher's failure to bind", async () => {
    const log = await logWith('java.net.BindException: Address already in use\n\tSuppressed: ...\n');
    await expect(logShowsPortTaken(log)).resolves.toBe(true);
  });

  it('says no for other failures and for a missing log', async () => {
    await expect(
      logShowsPortTaken(await logWith('java.lang.OutOfMemoryError: Java heap space\n')),
    ).resolves.toBe(false);
    await expect(logShowsPortTaken('/nonexistent/server.log')).resolves.toBe(false);
  });
});
