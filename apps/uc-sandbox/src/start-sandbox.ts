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
  /** The server listening now (a new one after each `comeBack`). */
  readonly app: FastifyInstance;
  /**
   * An outage: held connections are ended and the port refuses connections until `comeBack`, as a
   * Uniware that is down would. Orders, calls and faults are kept.
   */
  goDown(): Promise<void>;
  /** Listens again on the same port, with the same state. */
  comeBack(): Promise<void>;
  /** Ends held (hanging) connections, then closes the server. */
  close(): Promise<void>;
}

/** Starts the sandbox in-process; by default on 127.0.0.1 and a free port. */
export const startSandbox = async (options: Partial<SandboxOptions> = {}): Promise<RunningSandbox> => {
  const settings: SandboxOptions = { ...DEFAULT_OPTIONS, ...options };
  const state = new SandboxState(settings);
  const listen = async (port: number) => {
    const app = await build(state, settings.logLevel);
    await app.listen({ host: settings.host, port });
    return app;
  };
  let app: FastifyInstance | undefined = await listen(settings.port);
  const address = app.server.address();
  if (address === null || typeof address === 'string') {
    await app.close();
    throw new Error(`the sandbox is not listening on a TCP port (${String(address)})`);
  }
  const url = `http://${reachableHost(address.address)}:${address.port}`;
  const close = async () => {
    const closing = app;
    app = undefined;
    await closing?.close();
  };
  return {
    url,
    port: address.port,
    state,
    get app() {
      if (app === undefined) throw new Error('the sandbox is down');
      return app;
    },
    goDown: close,
    comeBack: async () => {
      app ??= await listen(address.port);
    },
    close,
  };
};

/** A wildcard address is where the server listens, not where a client can reach it. */
const reachableHost = (address: string): string => {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return address.includes(':') ? `[${address}]` : address;
};
