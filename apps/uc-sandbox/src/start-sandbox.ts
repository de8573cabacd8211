import type { FastifyInstance } from 'fastify';
import { build } from './app.ts';
import { DEFAULT_OPTIONS, type SandboxOptions } from './sandbox-options.ts';
import { SandboxState } from './sandbox-state.ts';

export interface RunningSandbox {
  /** e.g. `http://127.0.0.1:40123`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Orders, calls and faults, for tests that would rather not go through the admin API. */
  readonly state: SandboxState;
  readonly app: FastifyInstance;
  /** Ends held (hanging) connections, then closes the server. */
  close(): Promise<void>;
}

/** Starts the sandbox in-process; by default on 127.0.0.1 and a free port. */
export const startSandbox = async (options: Partial<SandboxOptions> = {}): Promise<RunningSandbox> => {
  const settings: SandboxOptions = { ...DEFAULT_OPTIONS, ...options };
  const state = new SandboxState(settings);
  const app = await build(state, settings.logLevel);
  await app.listen({ host: settings.host, port: settings.port });
  const address = app.server.address();
  if (address === null || typeof address === 'string') {
    await app.close();
    throw new Error(`the sandbox is not listening on a TCP port (${String(address)})`);
  }
  const url = `http://${reachableHost(address.address)}:${address.port}`;
  return { url, port: address.port, state, app, close: () => app.close() };
};

/** A wildcard address is where the server listens, not where a client can reach it. */
const reachableHost = (address: string): string => {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return address.includes(':') ? `[${address}]` : address;
};
