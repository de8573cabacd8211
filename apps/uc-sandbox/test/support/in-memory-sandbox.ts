import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { build, CANCEL_PATH, type SandboxOptions, SandboxState } from '../../src/index.ts';
import { aCancelRequest, testOptions, validHeaders } from './mothers.ts';

/** The sandbox without a socket, driven through `inject()`. */
export interface InMemorySandbox {
  readonly app: FastifyInstance;
  readonly state: SandboxState;
  cancel(body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

export const inMemorySandbox = async (overrides: Partial<SandboxOptions> = {}): Promise<InMemorySandbox> => {
  const state = new SandboxState(testOptions(overrides));
  const app = await build(state, 'silent');
  const cancel = (body: unknown = aCancelRequest(), headers = validHeaders()) =>
    app.inject({
      method: 'POST',
      url: CANCEL_PATH,
      headers,
      payload: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { app, state, cancel };
};
