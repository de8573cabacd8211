import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { ADMIN_PREFIX, adminRoutes } from './routes/admin-routes.ts';
import { cancelRoute } from './routes/cancel-route.ts';
import { healthRoute } from './routes/health-route.ts';
import type { LogLevel } from './sandbox-options.ts';
import type { SandboxState } from './sandbox-state.ts';
import { failure } from './schemas/cancel-schemas.ts';

export interface SandboxAppOptions {
  readonly state: SandboxState;
}

/** The whole sandbox as a Fastify plugin; its state is passed in, never decorated onto the instance. */
export const sandboxApp: FastifyPluginAsyncTypebox<SandboxAppOptions> = async (app, { state }) => {
  // Every error answer has Uniware's shape; only 4xx messages are ours to show.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status < 500) return reply.code(status).send(failure(error.message));
    request.log.error({ err: error }, 'unexpected error');
    return reply.code(500).send(failure('Internal sandbox error'));
  });
  await app.register(healthRoute);
  await app.register(cancelRoute, { state });
  await app.register(adminRoutes, { state, prefix: ADMIN_PREFIX });
};

export const build = async (state: SandboxState, logLevel: LogLevel): Promise<FastifyInstance> => {
  const app = Fastify({
    logger: { level: logLevel },
    // A fake should catch a client that sends "2" for a quantity, and an admin call with a
    // misspelt field, not quietly fix or drop them.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
  });
  await app.register(sandboxApp, { state });
  return app;
};
