/**
 * A Kafka broker and a MongoDB-protocol server of their own, in a temporary DEVSTACK_HOME, for tests
 * that stop or kill a server: the run's shared stack, and other engineers' stacks, are not touched.
 * Driven through `pnpm stack` itself (up, status, down), as an operator would.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const cli = fileURLToPath(new URL('../../../../packages/devstack/src/cli.ts', import.meta.url));

export interface StackServer {
  readonly name: string;
  readonly pid: number;
  readonly endpoint: string;
}

export interface PrivateStack {
  readonly kafkaBrokers: string[];
  readonly mongodbUri: string;
  /** `pnpm stack up`: starts what is not running, on the ports and with the data it had. */
  up(): Promise<void>;
  /** The servers as `pnpm stack status --json` names them. */
  servers(): Promise<Record<string, StackServer>>;
  /** Sends `signal` to the server's recorded process. */
  signal(server: 'kafka' | 'mongodb', signal: NodeJS.Signals): Promise<void>;
  /** `pnpm stack down`, then the folder is deleted. */
  remove(): Promise<void>;
}

export const startPrivateStack = async (prefix = 'private-stack-'): Promise<PrivateStack> => {
  const home = await mkdtemp(join(tmpdir(), prefix));
  const env = {
    ...process.env,
    DEVSTACK_SOURCE: 'embedded',
    DEVSTACK_HOME: home,
    DEVSTACK_ENV_FILE: join(home, 'env.stack'),
    DEVSTACK_ZIPKIN: 'off',
  };
  const stack = async (...args: string[]) =>
    (await promisify(execFile)(process.execPath, [cli, ...args], { env, timeout: 180_000 })).stdout;
  const servers = async () =>
    Object.fromEntries(
      (JSON.parse(await stack('status', '--json')) as { servers: StackServer[] }).servers.map((server) => [
        server.name,
        server,
      ]),
    );
  await stack('up');
  const { kafka, mongodb } = await servers();
  return {
    kafkaBrokers: [(kafka?.endpoint ?? '').replace(/^kafka:\/\//, '')],
    mongodbUri: mongodb?.endpoint ?? '',
    up: async () => {
      await stack('up');
    },
    servers,
    signal: async (server, signal) => {
      const pid = (await servers())[server]?.pid;
      if (pid === undefined) throw new Error(`no ${server} in the private stack`);
      process.kill(pid, signal);
    },
    remove: async () => {
      await stack('down').catch(() => undefined);
      await rm(home, { recursive: true, force: true });
    },
  };
};
