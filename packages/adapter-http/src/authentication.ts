/**
 * The `apiKey` header guard. Node lowercases header names, so `apiKey`, `apikey` and `APIKEY` all
 * arrive as `apikey`. The check runs on `onRequest`, before any body is read.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Authenticate } from './options.ts';

const SELLER = 'sellerId';

/** OpenAPI: the routes that need the header. */
export const API_KEY_SECURITY = [{ apiKey: [] }];

/** The seller the request was authenticated as; only for routes of an instance `requireApiKey` guards. */
export const authenticatedSeller = (request: FastifyRequest): string => {
  const sellerId = request.getDecorator<string>(SELLER);
  if (sellerId === '') throw new Error('no authenticated seller on this request');
  return sellerId;
};

/** Guards every route of `app` (an encapsulated plugin instance) and those registered below it. */
export const requireApiKey = (app: FastifyInstance, authenticate: Authenticate): void => {
  app.decorateRequest(SELLER, '');
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.apikey;
    const answer = await authenticate(typeof header === 'string' ? header : undefined);
    if (!answer.ok) {
      request.log.info({ code: answer.code }, 'apiKey refused');
      return reply.code(401).send({ status: 'FAILED', code: answer.code, message: answer.message });
    }
    request.setDecorator(SELLER, answer.sellerId);
    return undefined;
  });
};
