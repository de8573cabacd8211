import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root; this file lives in packages/devstack/src/. */
export const repoRoot: string = fileURLToPath(new URL('../../../', import.meta.url));

/** Run directories (logs, Kafka data, pid files). Git-ignored. */
export const devstackDir: string = join(repoRoot, '.devstack');

/** Where `pnpm stack up` records what it started, for `pnpm stack status` and `pnpm stack down`. */
export const stackStateFile: string = join(devstackDir, 'stack.json');

/** Endpoints written by `pnpm stack up`, in `KEY=value` form. Git-ignored. */
export const envFilePath: string = join(repoRoot, '.env.stack');

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
