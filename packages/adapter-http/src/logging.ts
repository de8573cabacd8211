/**
 * Logging without secrets. Uniware sends the seller's password in the query string of
 * `GET /authToken` and the access token in the `apiKey` header: neither may reach a log line.
 */
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { HttpLoggerOptions } from './options.ts';

const CENSOR = '[REDACTED]';

export const REDACTED_PATHS: readonly string[] = [
  'req.headers.apikey',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.query.password',
  'req.body.password',
  'body.password',
  'query.password',
  'headers.apikey',
  'password',
  'accessToken',
  'apiKey',
  'apikey',
  '*.password',
  '*.accessToken',
  '*.apiKey',
  '*.apikey',
];

/** The path without its query: the query of `GET /authToken` holds the password. */
const pathOf = (url: string): string => {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
};

/** Fastify's request serializer, minus the query string. */
export const serializeRequest = (request: FastifyRequest) => ({
  method: request.method,
  url: pathOf(request.url),
  route: request.routeOptions.url,
  host: request.host,
  remoteAddress: request.ip,
  remotePort: request.socket?.remotePort,
});

const existingPaths = (redact: HttpLoggerOptions['redact']): readonly string[] =>
  redact === undefined ? [] : Array.isArray(redact) ? redact : 'paths' in redact ? redact.paths : [];

/** The caller's pino options with secrets redacted and query strings dropped from request lines. */
export const httpLoggerOptions = (base: HttpLoggerOptions = {}): HttpLoggerOptions => ({
  level: 'info',
  ...base,
  redact: { paths: [...new Set([...REDACTED_PATHS, ...existingPaths(base.redact)])], censor: CENSOR },
  serializers: { ...base.serializers, req: serializeRequest },
});

/**
 * A caller's logger, as a child that logs requests without query strings and redacts our paths.
 * pino lets a child replace its parent's redaction, not extend it: HTTP lines get ours only.
 */
export const withoutSecrets = (logger: FastifyBaseLogger): FastifyBaseLogger =>
  logger.child(
    {},
    { serializers: { req: serializeRequest }, redact: { paths: [...REDACTED_PATHS], censor: CENSOR } },
  );
