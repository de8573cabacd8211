import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withFileLock } from '../src/file-lock.ts';

const options = { staleAfterMs: 60_000 };
const directories: string[] = [];

async function lockFile(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'devstack-lock-'));
  directories.push(directory);
  return join(directory, 'x.lock');
}

afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

describe('withFileLock', () => {
  it('runs holders one at a time', async () => {
    const lock = await lockFile();
    const events: string[] = [];
    const holder = (name: string) =>
      withFileLock(lock, options, async () => {
        events.push(`${name} in`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        events.push(`${name} out`);
        return name;
      });
    await expect(Promise.all([holder('a'), holder('b'), holder('c')])).resolves.toEqual(['a', 'b', 'c']);
    for (let i = 0; i < events.length; i += 2) {
      expect(events[i]?.replace(' in', '')).toBe(events[i + 1]?.replace(' out', ''));
    }
  });

  it('takes over a lock whose holder process is gone', async () => {
    const lock = await lockFile();
    // Linux pids stay below pid_max, which is at most 2^22: no process has this one.
    await writeFile(lock, JSON.stringify({ pid: 4_194_304, host: hostname(), since: Date.now() }));
    await expect(withFileLock(lock, options, async () => 'ran')).resolves.toBe('ran');
  });

  it('releases the lock when the work fails', async () => {
    const lock = await lockFile();
    await expect(
      withFileLock(lock, options, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(withFileLock(lock, options, async () => 'again')).resolves.toBe('again');
  });
});
