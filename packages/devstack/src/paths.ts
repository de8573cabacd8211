import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root; this file lives in packages/devstack/src/. */
export const repoRoot: string = fileURLToPath(new URL('../../../', import.meta.url));

/** Run directories of test runs (logs, throw-away data, pid files). Git-ignored. */
export const devstackDir: string = join(repoRoot, '.devstack');

/**
 * The folder of `pnpm stack`: its record (`stack.json`) and, under `stack/`, each server's
 * configuration, data and log, kept from one `up` to the next until `pnpm stack reset`. Git-ignored.
 * DEVSTACK_HOME moves it (the tests of `pnpm stack` use a throw-away one).
 */
export function stackHome(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.DEVSTACK_HOME;
  return override !== undefined && override !== '' ? override : devstackDir;
}

/** Where `pnpm stack up` records what it started, for `pnpm stack status` and `pnpm stack down`. */
export function stackStateFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(stackHome(env), 'stack.json');
}

/** The servers' own folders (`kafka/`, `mongodb/`, `zipkin/`), data included. */
export function stackServersDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(stackHome(env), 'stack');
}

/** Endpoints written by `pnpm stack up`, in `KEY=value` form. Git-ignored. DEVSTACK_ENV_FILE moves it. */
export function envFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.DEVSTACK_ENV_FILE;
  return override !== undefined && override !== '' ? override : join(repoRoot, '.env.stack');
}

/** The single-file Java launcher(s) run with `java <file>.java`. */
export const javaSourceDir: string = fileURLToPath(new URL('../java/', import.meta.url));

/**
 * Resolved Maven artifacts live outside the repository so that every clone and worktree on a machine
 * shares one download. DEVSTACK_CACHE_DIR overrides the location.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.DEVSTACK_CACHE_DIR;
  if (override !== undefined && override !== '') return override;
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache');
  return join(base, 'cancel-sync');
}
