/** Probes for the orchestrator; unauthenticated, and logged only when something goes wrong. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Readiness } from '../options.ts';
import { ALWAYS_POSSIBLE, ErrorAnswer, Liveness, ReadinessAnswer } from '../schemas.ts';

export interface HealthRoutesOptions {
  readonly ready: () => Promise<Readiness>;
}

export const healthRoutes: FastifyPluginAsyncTypebox<HealthRoutesOptions> = async (app, options) => {
  app.get(
    '/healthz',
    {
      logLevel: 'warn',
      schema: {
        summary: 'Liveness: the process answers',
        tags: ['operations'],
        response: { 200: Liveness, ...ALWAYS_POSSIBLE },
      },
    },
    async (_request, reply) => reply.code(200).send({ status: 'UP' }),
  );

  app.get(
    '/readyz',
    {
      logLevel: 'warn',
      schema: {
        summary: 'Readiness: the dependencies answer',
        tags: ['operations'],
        response: {
          200: ReadinessAnswer('Ready to serve'),
          ...ALWAYS_POSSIBLE,
          // Not ready; or the error shape when the check itself outlived the handler timeout.
          503: Type.Union([ReadinessAnswer('Not ready: see the checks'), ErrorAnswer], {
            description: 'Not ready: see the checks',
          }),
        },
      },
    },
    async (request, reply) => {
      let readiness: Readiness;
      try {
        readiness = await options.ready();
      } catch (error) {
        request.log.error({ err: error }, 'readiness check failed');
        readiness = { ready: false, checks: { readiness: 'the check failed' } };
      }
      if (!readiness.ready) request.log.warn({ checks: readiness.checks }, 'not ready');
      return reply.code(readiness.ready ? 200 : 503).send({
        ready: readiness.ready,
        checks: readiness.checks,
        ...(readiness.degraded === undefined ? {} : { degraded: readiness.degraded }),
      });
    },
  );
};
