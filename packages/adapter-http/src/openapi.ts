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
