/** Builds the Fastify server: limits, timeouts, request ids, logging and validation settings. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { onFrameworkError } from './error-handling.ts';
import { httpApi } from './http-api.ts';
import { httpLoggerOptions, withoutSecrets } from './logging.ts';
import { type HttpApiOptions, resolveSettings } from './options.ts';
import { requestIdOf } from './request-id.ts';

const logging = (options: HttpApiOptions): Pick<FastifyServerOptions, 'logger' | 'loggerInstance'> => {
  if (options.loggerInstance !== undefined) return { loggerInstance: withoutSecrets(options.loggerInstance) };
  if (options.logger === false) return { logger: false };
  return { logger: httpLoggerOptions(options.logger === true ? {} : options.logger) };
};

export const buildHttpApi = async (options: HttpApiOptions): Promise<FastifyInstance> => {
  const settings = resolveSettings(options);
  const app = Fastify({
    ...logging(options),
    bodyLimit: settings.bodyLimitBytes,
    requestTimeout: settings.timeouts.requestMs,
    connectionTimeout: settings.timeouts.connectionMs,
    keepAliveTimeout: settings.timeouts.keepAliveMs,
    handlerTimeout: settings.timeouts.handlerMs,
    requestIdHeader: false,
    genReqId: requestIdOf,
    trustProxy: options.trustProxy ?? false,
    routerOptions: { maxParamLength: 256 },
    frameworkErrors: onFrameworkError,
    ajv: {
      customOptions: {
        // A number where a string belongs (or `{"$gt": ""}`) is refused, never coerced.
        coerceTypes: false,
        // Every offending field is listed; the body limit and the line-count check bound the work.
        allErrors: true,
        // Unknown fields are left alone; the handlers pick the fields they know.
        removeAdditional: false,
        useDefaults: false,
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const { observeResponse } = options;
  if (observeResponse !== undefined) {
    // By route pattern, never the raw URL: bounded label values, and no query string (secrets).
    app.addHook('onResponse', async (request, reply) => {
      observeResponse({
        route: request.routeOptions.url ?? 'unknown',
        method: request.method,
        statusCode: reply.statusCode,
        durationMs: reply.elapsedTime,
      });
    });
  }

  await app.register(httpApi, {
    useCases: {
      issueAccessToken: options.issueAccessToken,
      authenticate: options.authenticate,
      cancelFromUniware: options.cancelFromUniware,
      cancellationHistory: options.cancellationHistory,
      ready: options.ready,
    },
    settings,
  });
  return app;
};
