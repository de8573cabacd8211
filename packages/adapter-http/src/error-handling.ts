/** The error and not-found handlers: every failure leaves as JSON in the one error shape. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  answerForError,
  type FailureAnswer,
  methodNotAllowedAnswer,
  notFoundAnswer,
  uriTooLongAnswer,
} from './error-answers.ts';
import { REQUEST_ID_HEADER } from './request-id.ts';

const send = (reply: FastifyReply, answer: FailureAnswer) => {
  if (answer.retryAfter !== undefined) reply.header('retry-after', String(answer.retryAfter));
  return reply.code(answer.statusCode).type('application/json; charset=utf-8').send(answer.body);
};

const onError = (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
  const answer = answerForError(error, request.id);
  if (answer.statusCode >= 500) {
    request.log.error({ err: error, statusCode: answer.statusCode }, 'request failed');
  } else {
    request.log.info({ statusCode: answer.statusCode, code: answer.body.code }, answer.body.message);
  }
  return send(reply, answer);
};

/** Every declared route as a matcher of concrete paths, with its method. */
interface KnownRoute {
  readonly method: string;
  readonly matches: RegExp;
}

const matcherOf = (url: string): RegExp =>
  new RegExp(
    `^${url
      .split('/')
      .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/')}$`,
  );

const onNotFound = (routes: readonly KnownRoute[]) => (request: FastifyRequest, reply: FastifyReply) => {
  const path = request.url.split('?', 1)[0] ?? '/';
  const allowed = [
    ...new Set(routes.filter((route) => route.matches.test(path)).map((route) => route.method)),
  ];
  if (allowed.length > 0) {
    const allow = allowed.sort().join(', ');
    reply.header('allow', allow);
    return send(reply, methodNotAllowedAnswer(request.method, path, allow, request.id));
  }
  return send(reply, notFoundAnswer(request.method, path, request.id));
};

/**
 * Errors Fastify raises before routing (a path parameter over `maxParamLength`, a malformed URL):
 * answered in the same shape as every other failure, with the request id, never echoing the path.
 */
export const onFrameworkError = (error: Error, request: FastifyRequest, reply: FastifyReply) => {
  reply.header(REQUEST_ID_HEADER, request.id);
  const code = (error as { code?: unknown }).code;
  if (code === 'FST_ERR_MAX_PARAM_LENGTH') return send(reply, uriTooLongAnswer(request.id));
  return send(reply, answerForError(Object.assign(error, { statusCode: 400 }), request.id));
};

export const installErrorHandling = (app: FastifyInstance): void => {
  const routes: KnownRoute[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method, matches: matcherOf(route.url) });
  });
  app.setErrorHandler(onError);
  app.setNotFoundHandler(onNotFound(routes));
};
