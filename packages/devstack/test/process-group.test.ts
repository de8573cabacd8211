import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isAlive, stopProcessGroup, stopProcessGroupsSync } from '../src/process-group.ts';

/** A shell in its own process group with a background child; resolves with both pids. */
async function startGroup(script: string): Promise<{ leader: number; child: number }> {
  const shell = spawn('sh', ['-c', `${script} & echo $!; wait`], {
    detached: true,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [chunk] = (await once(shell.stdout, 'data')) as [Buffer];
  const leader = shell.pid;
  if (leader === undefined) throw new Error('sh did not start');
  return { leader, child: Number(chunk.toString().trim()) };
}

describe('stopping a process group', () => {
  it('stops the leader and what it started', async () => {
    const { leader, child } = await startGroup('sleep 300');
    expect(isAlive(leader) && isAlive(child)).toBe(true);
    await stopProcessGroup(leader, 5_000);
    expect(isAlive(leader)).toBe(false);
    await expect.poll(() => isAlive(child)).toBe(false);
  });

  it('kills a group that ignores SIGTERM once the grace period is over', async () => {
    const { leader, child } = await startGroup("trap '' TERM; sleep 300");
    const started = Date.now();
    await stopProcessGroup(leader, 500);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(isAlive(leader)).toBe(false);
    await expect.poll(() => isAlive(child)).toBe(false);
  });

  it('does the same synchronously for several groups', async () => {
    const groups = await Promise.all([startGroup('sleep 300'), startGroup("trap '' TERM; sleep 300")]);
    stopProcessGroupsSync(
      groups.map((group) => group.leader),
      500,
    );
    for (const { leader, child } of groups) {
      expect(isAlive(leader)).toBe(false);
      await expect.poll(() => isAlive(child)).toBe(false);
    }
  });
});
