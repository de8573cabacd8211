import { readFileSync } from 'node:fs';

/**
 * Every server this package starts is the leader of its own process group (spawned `detached`), so
 * that stopping it also stops anything it forked, and so that a Ctrl-C meant for the terminal's
 * foreground job does not reach it before we decide to stop it.
 */

/** Whether `pid` is a live process. A zombie (exited, not yet reaped) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the command name, which is in parentheses and may itself hold spaces.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    if (process.platform === 'linux') return false;
    // No /proc to read: the portable check, which cannot tell a zombie from a live process.
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/** The command line of `pid`, or '' when it cannot be read (gone, or not Linux). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Resident set size of `pid` in KiB, or undefined when it cannot be read. */
export function residentKiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

/** Sends `signal` to the whole group led by `pid`; false when there is no such group. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * SIGTERM to the group, wait up to `graceMs` for the leader to exit, then SIGKILL the group.
 * Resolves once the leader is gone.
 */
export async function stopProcessGroup(pid: number, graceMs: number): Promise<void> {
  if (!isAlive(pid)) {
    signalGroup(pid, 'SIGKILL'); // stragglers the leader may have left behind
    return;
  }
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  signalGroup(pid, 'SIGKILL');
  const killDeadline = Date.now() + 5_000;
  while (isAlive(pid) && Date.now() < killDeadline) await sleep(50);
}

/**
 * The same for several groups at once, blocking: for `exit` handlers and signal handlers of a process
 * that is about to die and has no event loop left to wait with.
 */
export function stopProcessGroupsSync(pids: readonly number[], graceMs: number): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const sleepSync = (ms: number) => Atomics.wait(pause, 0, 0, ms);
  for (const pid of pids) if (isAlive(pid)) signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some(isAlive) && Date.now() < deadline) sleepSync(100);
  for (const pid of pids) signalGroup(pid, 'SIGKILL');
  const killDeadline = Date.now() + 5_000;
  while (pids.some(isAlive) && Date.now() < killDeadline) sleepSync(20);
}
