export { buildHttpApi } from './build-http-api.ts';
export { httpLoggerOptions, REDACTED_PATHS } from './logging.ts';
export { buildOperationsApi, type OperationsApiOptions } from './operations-api.ts';
export {
  type Authenticate,
  type CancelFromUniware,
  type CancellationHistory,
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_MAX_LINES_PER_REQUEST,
  type HttpApiOptions,
  type HttpApiUseCases,
  type HttpLimits,
  type HttpLoggerOptions,
  type HttpSettings,
  type HttpTimeouts,
  type IssueAccessToken,
  type Readiness,
  resolveSettings,
} from './options.ts';
