/**
 * The operations port, apart from the Uniware-facing API: probes and metrics for the platform, and
 * the whole story of one order for an operator. `/healthz`, `/readyz` and `/metrics` answer anyone
 * who reaches the port (orchestrators and Prometheus; keep the port on a private network); `/ops/*`
 * needs `Authorization: Bearer <operator token>`, compared in constant time, and is refused
 * altogether when no token is configured. Every process has it, whatever its roles.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { OrderStory } from '@cancel-sync/application';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { installErrorHandling, onFrameworkError } from './error-handling.ts';
import { describeOperationsApi, serveOperationsApiDescription } from './openapi.ts';
import type { Readiness } from './options.ts';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id.ts';
import { healthRoutes } from './routes/health.ts';
import { ALWAYS_POSSIBLE, ERROR_RESPONSES, ErrorAnswer } from './schemas.ts';

export interface OperationsApiOptions {
  readonly ready: () => Promise<Readiness>;
  /** The Prometheus exposition text and its content type. */
  readonly metrics: () => Promise<{ readonly contentType: string; readonly text: string }>;
  readonly orderStory: (orderId: string) => Promise<OrderStory>;
  /** Without one, `/ops/*` is refused. */
  readonly operatorToken?: string | undefined;
  readonly loggerInstance?: import('fastify').FastifyBaseLogger;
  /** The version in the OpenAPI document at `/openapi.json`. */
  readonly apiVersion?: string;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Constant time whatever the lengths: both sides are digested first. */
const sameToken = (presented: string, expected: string): boolean =>
  timingSafeEqual(digest(presented), digest(expected));

const Refused = Type.Object(ErrorAnswer.properties, { description: 'No operator token, or a wrong one' });

/** The story as stored data; its fields are documented with the OrderStory type and the README. */
const Story = Type.Object(
  {
    orderId: Type.String(),
    order: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
    rememberedRequests: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    cancellationRecords: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    deliveryJobs: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    pendingAnnouncements: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    traceIds: Type.Array(Type.String()),
  },
  {
    description:
      "The order's ledger state, cancellations, deliveries with every attempt, dead letters and traces",
  },
);

const metricsSchema = {
  summary: 'Prometheus metrics (text exposition format)',
  tags: ['operations'],
  produces: ['text/plain'],
  response: {
    200: Type.String({ description: 'The Prometheus text exposition' }),
    ...ALWAYS_POSSIBLE,
  },
};

const opsRoutes: FastifyPluginAsyncTypebox<
  Pick<OperationsApiOptions, 'orderStory' | 'operatorToken'>
> = async (app, { orderStory, operatorToken }) => {
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    if (operatorToken === undefined || presented === '' || !sameToken(presented, operatorToken)) {
      return reply.code(401).send({
        status: 'FAILED',
        code: 'OPERATOR_TOKEN_REQUIRED',
        message:
          operatorToken === undefined
            ? 'the operations endpoints are off: set OPS_TOKEN'
            : 'send Authorization: Bearer <operator token>',
        requestId: request.id,
      });
    }
  });
  app.get(
    '/ops/orders/:orderId',
    {
      schema: {
        summary: "An order's whole story: ledger, cancellations, deliveries, dead letters, traces",
        tags: ['ops'],
        security: [{ operatorToken: [] }],
        params: Type.Object({ orderId: Type.String({ minLength: 1, maxLength: 128 }) }),
        response: {
          200: Story,
          401: Refused,
          404: Type.Object(ErrorAnswer.properties, { description: 'Nothing is known of this order' }),
          414: ERROR_RESPONSES[414],
          ...ALWAYS_POSSIBLE,
        },
      },
    },
    async (request, reply) => {
      const story = await orderStory(request.params.orderId);
      if (story.order === undefined && story.deliveryJobs.length === 0) {
        return reply.code(404).send({
          status: 'FAILED',
          code: 'ORDER_NOT_FOUND',
          message: `nothing is known of order ${request.params.orderId}`,
          requestId: request.id,
        });
      }
      // Stored data as JSON (dates as ISO-8601 strings).
      return reply.code(200).send(JSON.parse(JSON.stringify({ ...story, order: story.order ?? null })));
    },
  );
};

export const buildOperationsApi = async (options: OperationsApiOptions): Promise<FastifyInstance> => {
  const app = Fastify({
    ...(options.loggerInstance === undefined
      ? { logger: false }
      : { loggerInstance: options.loggerInstance }),
    requestIdHeader: false,
    genReqId: requestIdOf,
    routerOptions: { maxParamLength: 256 },
    // An over-long order id is refused before routing: in the error shape, never echoing the path.
    frameworkErrors: onFrameworkError,
  }).withTypeProvider<TypeBoxTypeProvider>();
  installErrorHandling(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  await describeOperationsApi(app, options.apiVersion ?? '0.1.0');
  await app.register(healthRoutes, { ready: options.ready });
  app.get('/metrics', { logLevel: 'warn', schema: metricsSchema }, async (_request, reply) => {
    const { contentType, text } = await options.metrics();
    return reply.code(200).type(contentType).send(text);
  });
  await app.register(opsRoutes, { orderStory: options.orderStory, operatorToken: options.operatorToken });
  serveOperationsApiDescription(app);
  return app as unknown as FastifyInstance;
};
