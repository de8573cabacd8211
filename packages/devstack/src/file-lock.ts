import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isAlive } from './process-group.ts';

type Holder = { pid: number; host: string; since: number };

export type LockOptions = {
  /** A lock older than this is taken to be left over by a crashed holder on another host. */
  staleAfterMs: number;
  /** Called once when the lock is held by someone else and we start waiting. */
  onWait?: (holder: string) => void;
};

/**
 * Runs `work` while holding `lockFile`, so that two processes (say two test runs started at once on a
 * fresh machine) do not both download the same artifacts. The lock file is created atomically with
 * its content by hard-linking a private temporary file; a lock whose holder is gone is taken over.
 */
export async function withFileLock<T>(
  lockFile: string,
  options: LockOptions,
  work: () => Promise<T>,
): Promise<T> {
  await acquire(lockFile, options);
  try {
    return await work();
  } finally {
    await unlink(lockFile).catch(() => undefined);
  }
}

async function acquire(lockFile: string, options: LockOptions): Promise<void> {
  const me: Holder = { pid: process.pid, host: hostname(), since: Date.now() };
  const candidate = `${lockFile}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await writeFile(candidate, JSON.stringify(me));
  let waiting = false;
  try {
    for (;;) {
      try {
        await link(candidate, lockFile);
        return;
      } catch (error) {
        if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
      }
      const holder = await readHolder(lockFile);
      if (holder === 'gone') continue;
      if (holder === 'unreadable' || isStale(holder, options.staleAfterMs)) {
        // Two waiters may both see the same stale lock; the loser of the race then waits again.
        await unlink(lockFile).catch(() => undefined);
        continue;
      }
      if (!waiting) {
        waiting = true;
        options.onWait?.(
          `process ${holder.pid} on ${holder.host}, since ${new Date(holder.since).toISOString()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await unlink(candidate).catch(() => undefined);
  }
}

async function readHolder(lockFile: string): Promise<Holder | 'gone' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(lockFile, 'utf8');
  } catch {
    return 'gone';
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'pid' in parsed &&
      typeof parsed.pid === 'number' &&
      'host' in parsed &&
      typeof parsed.host === 'string' &&
      'since' in parsed &&
      typeof parsed.since === 'number'
    ) {
      return { pid: parsed.pid, host: parsed.host, since: parsed.since };
    }
  } catch {
    // fall through: a lock we cannot read cannot be honoured
  }
  return 'unreadable';
}

function isStale(holder: Holder, staleAfterMs: number): boolean {
  if (holder.host === hostname() && !isAlive(holder.pid)) return true;
  return Date.now() - holder.since > staleAfterMs;
}
