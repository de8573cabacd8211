/**
 * The HTTP API as a Fastify plugin: the error shape, JSON bodies, request ids, the OpenAPI document,
 * and the routes, each handed the use case it calls as a plugin option.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireApiKey } from './authentication.ts';
import { acceptOnlyJson } from './body-parsing.ts';
import { installErrorHandling } from './error-handling.ts';
import { describeApi, serveApiDescription } from './openapi.ts';
import type { HttpApiUseCases, HttpSettings } from './options.ts';
import { REQUEST_ID_HEADER } from './request-id.ts';
import { authTokenRoutes } from './routes/auth-token.ts';
import { cancelOrderRoutes } from './routes/cancel-order.ts';
import { cancellationHistoryRoutes } from './routes/cancellation-history.ts';
import { healthRoutes } from './routes/health.ts';

export interface HttpApiPluginOptions {
  readonly useCases: HttpApiUseCases;
  readonly settings: HttpSettings;
}

export const httpApi: FastifyPluginAsyncTypebox<HttpApiPluginOptions> = async (
  app,
  { useCases, settings },
) => {
  installErrorHandling(app);
  acceptOnlyJson(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  await describeApi(app, settings.apiVersion);

  await app.register(healthRoutes, { ready: useCases.ready });
  await app.register(authTokenRoutes, { issueAccessToken: useCases.issueAccessToken });
  await app.register(async (secured) => {
    requireApiKey(secured, useCases.authenticate);
    await secured.register(cancelOrderRoutes, {
      cancelFromUniware: useCases.cancelFromUniware,
      maxLinesPerRequest: settings.maxLinesPerRequest,
      handlerMs: settings.timeouts.handlerMs,
      writeGraceMs: settings.timeouts.writeGraceMs,
    });
    await secured.register(cancellationHistoryRoutes, { cancellationHistory: useCases.cancellationHistory });
  });

  await serveApiDescription(app);
};
