import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { stopProcessGroup } from '../process-group.ts';

/** Kafka 4.x brokers need Java 17; so does the single-file source launch of MongoLauncher.java. */
const MINIMUM_JAVA = 17;

export function javaExecutable(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.JAVA_HOME;
  return home !== undefined && home !== '' ? join(home, 'bin', 'java') : 'java';
}

export type JavaCheck = { ok: true; major: number } | { ok: false; reason: string };

/** Finds out whether a usable Java is there, without throwing for the expected ways it is not. */
export async function checkJava(): Promise<JavaCheck> {
  const java = javaExecutable();
  const child = spawn(java, ['-version'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  try {
    const [code] = (await once(child, 'close')) as [number | null];
    if (code !== 0)
      return { ok: false, reason: `\`${java} -version\` exited with ${code}: ${output.trim()}` };
  } catch (error) {
    return {
      ok: false,
      reason: `cannot run \`${java}\` (${describe(error)}); JAVA_HOME or PATH must point to Java ${MINIMUM_JAVA}+`,
    };
  }
  // `version "17.0.15"`, `version "21"`, or the old `version "1.8.0_392"`.
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  const first = Number(match?.[1]);
  const major = first === 1 ? Number(match?.[2]) : first;
  if (!Number.isFinite(major))
    return { ok: false, reason: `cannot read the Java version from: ${output.trim()}` };
  if (major < MINIMUM_JAVA) {
    return { ok: false, reason: `${java} is Java ${major}; Java ${MINIMUM_JAVA} or later is needed` };
  }
  return { ok: true, major };
}

/**
 * Flags for a short-lived server on a small machine: the client compiler only and the serial
 * collector start faster and hold less memory; peak throughput does not matter for tests.
 */
export const quickStartJvmFlags: readonly string[] = [
  '-XX:TieredStopAtLevel=1',
  '-XX:+UseSerialGC',
  '-Xshare:auto',
  '-Djava.awt.headless=true',
];

export type JavaExit = { code: number | null; signal: NodeJS.Signals | null };

export type RunningJava = {
  readonly pid: number;
  readonly logFile: string;
  /** How the process ended, or undefined while it runs (or once this Node process has let it go). */
  exit(): JavaExit | undefined;
  stop(graceMs: number): Promise<void>;
};

export function describeExit(exit: JavaExit): string {
  return exit.signal === null ? `exited with code ${exit.code}` : `was killed by ${exit.signal}`;
}

/**
 * Starts `java args` as the leader of a new process group, stdout and stderr appended to `logFile`.
 * With `outliveParent` the process is not tied to this Node process's event loop, so that
 * `pnpm stack up` can return while the servers keep running.
 */
export async function spawnJava(
  args: readonly string[],
  options: { cwd: string; logFile: string; outliveParent: boolean },
): Promise<RunningJava> {
  const fd = openSync(options.logFile, 'a');
  const child = spawn(javaExecutable(), args, {
    cwd: options.cwd,
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd); // the child holds its own copy
  let exit: JavaExit | undefined;
  child.on('exit', (code, signal) => {
    exit = { code, signal };
  });
  try {
    await once(child, 'spawn');
  } catch (error) {
    throw new Error(`cannot start ${javaExecutable()}: ${describe(error)}`);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot start ${javaExecutable()}: no process id`);
  if (options.outliveParent) child.unref();
  return {
    pid,
    logFile: options.logFile,
    exit: () => exit,
    stop: (graceMs) => stopProcessGroup(pid, graceMs),
  };
}

/** Runs a Java tool to completion and gives its exit code; output goes to `logFile`. */
export async function runJava(
  args: readonly string[],
  options: { cwd: string; logFile: string; timeoutMs: number },
): Promise<number | null> {
  const tool = await spawnJava(args, { ...options, outliveParent: false });
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const exit = tool.exit();
    if (exit !== undefined) return exit.code;
    if (Date.now() > deadline) {
      await tool.stop(1_000);
      throw new Error(`java ${args.join(' ')} did not finish within ${options.timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
