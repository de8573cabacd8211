/**
 * `GET /authToken?username=&password=` and `POST /authToken {username, password}`: Uniware trades a
 * seller's credentials for the token it then sends as `apiKey`. The two forms differ only in where
 * the credentials come from and in the status of a refusal, as Uniware's documentation has it.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IssueAccessToken } from '../options.ts';
import {
  ALWAYS_POSSIBLE,
  BODY_FAILURES,
  type Credentials,
  Credentials as CredentialsSchema,
  ERROR_CODES,
  GetTokenRefused,
  PostTokenRefused,
  TokenIssued,
} from '../schemas.ts';

export interface AuthTokenRoutesOptions {
  readonly issueAccessToken: IssueAccessToken;
}

const REFUSED = 'invalid username or password';
const THROTTLED = 'too many wrong passwords from this address; try again after Retry-After seconds';

const busy = (requestId: string) => ({
  status: 'FAILED' as const,
  code: ERROR_CODES.busy,
  message: 'too many password checks under way; nothing was checked; try again',
  requestId,
});

export const authTokenRoutes: FastifyPluginAsyncTypebox<AuthTokenRoutesOptions> = async (app, options) => {
  /** The use case's answer, logged; token answers are never cached. */
  const answerFor = async (
    { username, password }: Credentials,
    request: FastifyRequest,
    reply: FastifyReply,
  ) => {
    reply.header('cache-control', 'no-store');
    const answer = await options.issueAccessToken({ username, password, address: request.ip });
    if (answer.ok) {
      reply.log.info({ sellerId: answer.sellerId, expiresAt: answer.expiresAt }, 'access token issued');
    } else if (answer.code === 'TOO_MANY_ATTEMPTS') {
      reply.log.warn('credentials not checked: too many wrong passwords from this address');
      reply.header('retry-after', String(Math.ceil(answer.retryAfterMs / 1000)));
    } else if (answer.code === 'BUSY') {
      reply.log.warn('credentials not checked: too many password checks under way');
      reply.header('retry-after', '1');
    } else {
      reply.log.info('credentials refused');
    }
    return answer;
  };

  app.get(
    '/authToken',
    {
      schema: {
        summary: 'Get an access token (credentials in the query string)',
        tags: ['auth'],
        querystring: CredentialsSchema,
        response: { 200: TokenIssued, 401: GetTokenRefused, 429: GetTokenRefused, ...ALWAYS_POSSIBLE },
      },
    },
    async (request, reply) => {
      const answer = await answerFor(request.query, request, reply);
      if (answer.ok) return reply.code(200).send({ status: 'SUCCESS', accessToken: answer.accessToken });
      if (answer.code === 'BUSY') return reply.code(503).send(busy(request.id));
      if (answer.code === 'TOO_MANY_ATTEMPTS')
        return reply.code(429).send({ status: 'FAILED', message: THROTTLED });
      return reply.code(401).send({ status: 'FAILED', message: REFUSED });
    },
  );

  app.post(
    '/authToken',
    {
      schema: {
        summary: 'Get an access token (credentials in a JSON body)',
        tags: ['auth'],
        body: CredentialsSchema,
        response: {
          200: TokenIssued,
          401: PostTokenRefused,
          429: PostTokenRefused,
          ...ALWAYS_POSSIBLE,
          ...BODY_FAILURES,
        },
      },
    },
    async (request, reply) => {
      const answer = await answerFor(request.body, request, reply);
      if (answer.ok) return reply.code(200).send({ status: 'SUCCESS', accessToken: answer.accessToken });
      if (answer.code === 'BUSY') return reply.code(503).send(busy(request.id));
      if (answer.code === 'TOO_MANY_ATTEMPTS') {
        return reply.code(429).send({ status: 'INVALID_CREDENTIALS', message: THROTTLED });
      }
      return reply.code(401).send({ status: 'INVALID_CREDENTIALS', message: REFUSED });
    },
  );
};
