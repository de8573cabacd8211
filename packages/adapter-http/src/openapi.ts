/** The OpenAPI 3 document, made from the route schemas, at `/openapi.json`; Swagger UI at `/docs`. */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/** Must run before the routes are added: the document is collected as they are. */
export const describeApi = async (app: FastifyInstance, version: string): Promise<void> => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'cancel-sync',
        version,
        description:
          'Order cancellations between Uniware and the marketplace. Uniware first trades a seller’s ' +
          'credentials for a token at /authToken, then sends it in the apiKey header.',
      },
      tags: [
        { name: 'auth', description: 'Tokens for Uniware' },
        { name: 'orders', description: 'Cancellations from Uniware' },
        { name: 'operations', description: 'Probes' },
      ],
      components: {
        securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'apiKey' } },
      },
    },
  });
};

/**
 * The operations port's own document (probes, metrics, the order story behind the operator token),
 * apart from the Uniware-facing one: a reader of either sees only the routes of that port.
 */
export const describeOperationsApi = async (app: FastifyInstance, version: string): Promise<void> => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'cancel-sync operations',
        version,
        description:
          'The operations port: probes and metrics for the platform (no token; keep the port on a ' +
          'private network) and /ops/* for operators, behind Authorization: Bearer <OPS_TOKEN>.',
      },
      tags: [
        { name: 'operations', description: 'Probes and metrics' },
        { name: 'ops', description: 'Operator endpoints, behind the operator token' },
      ],
      components: { securitySchemes: { operatorToken: { type: 'http', scheme: 'bearer' } } },
    },
  });
};

/** The document alone at `/openapi.json`, without Swagger UI (the operations port serves no HTML). */
export const serveOperationsApiDescription = (app: FastifyInstance): void => {
  app.get(
    '/openapi.json',
    { schema: { hide: true, response: { 200: { type: 'object', additionalProperties: true } } } },
    async (_request, reply) => reply.code(200).send(app.swagger()),
  );
};

/** Must run after the routes are added. */
export const serveApiDescription = async (app: FastifyInstance): Promise<void> => {
  app.get(
    '/openapi.json',
    {
      schema: {
        hide: true,
        response: { 200: { type: 'object', additionalProperties: true } },
      },
    },
    async (_request, reply) => reply.code(200).send(app.swagger()),
  );
  await app.register(swaggerUi, { routePrefix: '/docs' });
};
