import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { devstackDir } from '../paths.ts';
import { commandLine, isAlive, stopProcessGroup } from '../process-group.ts';
import { progress } from '../progress.ts';

/**
 * A run directory holds one start of the embedded servers: their configuration, data and logs, and
 * `owner.json`, which says which process started them and which server processes belong to them.
 */
export type Owner = {
  /** The Node process that stops the servers when it ends; null when they outlive it (`stack up`). */
  ownerPid: number | null;
  pids: number[];
  startedAt: string;
};

const OWNER_FILE = 'owner.json';
const KEEP_FAILED_RUNS_MS = 24 * 60 * 60_000;

export async function createRunDir(outliveParent: boolean): Promise<string> {
  const stamp = new Date().toISOString().replaceAll(':', '').replace(/\..*/, '');
  const dir = join(devstackDir, `run-${stamp}-${process.pid}`);
  await mkdir(dir, { recursive: true });
  await writeOwner(dir, {
    ownerPid: outliveParent ? null : process.pid,
    pids: [],
    startedAt: new Date().toISOString(),
  });
  return dir;
}

/** Written whole or not at all: a reader never sees half a file. */
export async function writeOwner(dir: string, owner: Owner): Promise<void> {
  const temporary = join(dir, `${OWNER_FILE}.tmp`);
  await writeFile(temporary, `${JSON.stringify(owner, null, 2)}\n`);
  await rename(temporary, join(dir, OWNER_FILE));
}

export async function readOwner(dir: string): Promise<Owner | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(dir, OWNER_FILE), 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { ownerPid, pids, startedAt } = parsed as Record<string, unknown>;
    if (ownerPid !== null && typeof ownerPid !== 'number') return undefined;
    if (!Array.isArray(pids) || !pids.every((pid) => typeof pid === 'number')) return undefined;
    return { ownerPid, pids, startedAt: typeof startedAt === 'string' ? startedAt : '' };
  } catch {
    return undefined;
  }
}

/**
 * A test run killed with SIGKILL (or a crashed machine session) cannot stop its servers. The next
 * start stops those it finds: servers of a run whose owner process is gone. A process is only
 * touched if its command line names that run directory, so a recycled pid is left alone.
 */
export async function reapAbandonedRuns(): Promise<void> {
  let entries: string[];
  try {
    entries = (await readdir(devstackDir)).filter((name) => name.startsWith('run-'));
  } catch {
    return; // no .devstack yet
  }
  for (const name of entries) {
    const dir = join(devstackDir, name);
    const owner = await readOwner(dir);
    if (owner?.ownerPid === null) continue; // `stack up` servers: `stack down` stops them
    if (owner !== undefined && isAlive(owner.ownerPid)) continue;
    for (const pid of owner?.pids ?? []) {
      if (isAlive(pid) && commandLine(pid).includes(`-Ddevstack.run=${dir}`)) {
        progress(
          `stopping java process ${pid}, left running by an earlier run that ended without stopping it`,
        );
        await stopProcessGroup(pid, 5_000);
      }
    }
    // Keep the logs of a failed or interrupted run for a day, for whoever looks into it.
    const modified = await stat(dir).then(
      (info) => info.mtimeMs,
      () => 0,
    );
    if (Date.now() - modified > KEEP_FAILED_RUNS_MS) await rm(dir, { recursive: true, force: true });
  }
}
