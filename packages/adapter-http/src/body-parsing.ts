/**
 * Bodies are JSON. `application/json` is parsed as Fastify does (prototype poisoning refused); a body
 * without any Content-Type is parsed as JSON too, because Uniware's documentation names only the
 * `Accept` header; any other content type is 415.
 */
import type { FastifyInstance } from 'fastify';

const unsupportedMediaType = (contentType: string) =>
  Object.assign(new Error(`unsupported content type ${JSON.stringify(contentType)}: send application/json`), {
    statusCode: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  });

export const acceptOnlyJson = (app: FastifyInstance): void => {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const contentType = request.headers['content-type'];
    if (contentType !== undefined && contentType.trim() !== '') {
      done(unsupportedMediaType(contentType.slice(0, 100)), undefined);
      return;
    }
    parseJson(request, typeof body === 'string' ? body : body.toString('utf8'), done);
  });
};
