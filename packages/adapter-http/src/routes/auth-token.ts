/**
 * `GET /authToken?username=&password=` and `POST /authToken {username, password}`: Uniware trades a
 * seller's credentials for the token it then sends as `apiKey`. The two forms differ only in where
 * the credentials come from and in the status of a refusal, as Uniware's documentation has it.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { IssueAccessToken } from '../options.ts';
import {
  ALWAYS_POSSIBLE,
  BODY_FAILURES,
  type Credentials,
  Credentials as CredentialsSchema,
  GetTokenRefused,
  PostTokenRefused,
  TokenIssued,
} from '../schemas.ts';

export interface AuthTokenRoutesOptions {
  readonly issueAccessToken: IssueAccessToken;
}

const REFUSED = 'invalid username or password';

export const authTokenRoutes: FastifyPluginAsyncTypebox<AuthTokenRoutesOptions> = async (app, options) => {
  /** The token, or `undefined` for wrong credentials; answers are never cached. */
  const tokenFor = async ({ username, password }: Credentials, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store');
    const answer = await options.issueAccessToken({ username, password });
    if (!answer.ok) {
      reply.log.info('credentials refused');
      return undefined;
    }
    reply.log.info({ sellerId: answer.sellerId, expiresAt: answer.expiresAt }, 'access token issued');
    return answer.accessToken;
  };

  app.get(
    '/authToken',
    {
      schema: {
        summary: 'Get an access token (credentials in the query string)',
        tags: ['auth'],
        querystring: CredentialsSchema,
        response: { 200: TokenIssued, 401: GetTokenRefused, ...ALWAYS_POSSIBLE },
      },
    },
    async (request, reply) => {
      const accessToken = await tokenFor(request.query, reply);
      if (accessToken === undefined) return reply.code(401).send({ status: 'FAILED', message: REFUSED });
      return reply.code(200).send({ status: 'SUCCESS', accessToken });
    },
  );

  app.post(
    '/authToken',
    {
      schema: {
        summary: 'Get an access token (credentials in a JSON body)',
        tags: ['auth'],
        body: CredentialsSchema,
        response: { 200: TokenIssued, 401: PostTokenRefused, ...ALWAYS_POSSIBLE, ...BODY_FAILURES },
      },
    },
    async (request, reply) => {
      const accessToken = await tokenFor(request.body, reply);
      if (accessToken === undefined) {
        return reply.code(401).send({ status: 'INVALID_CREDENTIALS', message: REFUSED });
      }
      return reply.code(200).send({ status: 'SUCCESS', accessToken });
    },
  );
};
