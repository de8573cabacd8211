/** The error and not-found handlers: every failure leaves as JSON in the one error shape. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { answerForError, type FailureAnswer, notFoundAnswer } from './error-answers.ts';

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

const onNotFound = (request: FastifyRequest, reply: FastifyReply) => {
  const path = request.url.split('?', 1)[0] ?? '/';
  return send(reply, notFoundAnswer(request.method, path, request.id));
};

export const installErrorHandling = (app: FastifyInstance): void => {
  app.setErrorHandler(onError);
  app.setNotFoundHandler(onNotFound);
};
