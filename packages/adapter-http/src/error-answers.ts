/**
 * Errors turned into answers. A 4xx tells the caller what was wrong with its request; a 5xx tells it
 * nothing but the request id, because its message may come from a driver or a bug.
 */
import { StoreUnavailableError } from '@cancel-sync/application';
import { ERROR_CODES, type ErrorAnswer, type FieldError } from './schemas.ts';

export interface FailureAnswer {
  readonly statusCode: number;
  readonly body: ErrorAnswer;
  /** Seconds, for a `Retry-After` header. */
  readonly retryAfter?: number;
}

interface ValidationIssue {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Record<string, unknown>;
  readonly message?: string | undefined;
}

const PARTS = ['body', 'querystring', 'params', 'headers'] as const;
type Part = (typeof PARTS)[number];

const MAX_LISTED_ERRORS = 20;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

const statusOf = (error: unknown): number => {
  const status = isRecord(error) ? error.statusCode : undefined;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599
    ? status
    : 500;
};

const codeOf = (error: unknown): string | undefined =>
  isRecord(error) && typeof error.code === 'string' ? error.code : undefined;

const partOf = (context: unknown): Part => PARTS.find((part) => part === context) ?? 'body';

/** Ajv reports a missing property at its parent; the caller wants the property's own path. */
const fieldErrorOf = (part: Part, issue: ValidationIssue): FieldError => {
  const missing = issue.keyword === 'required' ? issue.params.missingProperty : undefined;
  const path = typeof missing === 'string' ? `${issue.instancePath}/${missing}` : issue.instancePath;
  const message = typeof missing === 'string' ? 'is required' : (issue.message ?? `fails ${issue.keyword}`);
  return { in: part, path: path === '' ? '/' : path, message };
};

const validationIssues = (error: unknown): readonly ValidationIssue[] | undefined =>
  isRecord(error) && Array.isArray(error.validation) ? (error.validation as ValidationIssue[]) : undefined;

const describe = (errors: readonly FieldError[]): string =>
  errors.map((error) => `${error.in}${error.path === '/' ? '' : error.path} ${error.message}`).join('; ');

const clientCode = (status: number, fastifyCode: string | undefined): string => {
  if (status === 413) return ERROR_CODES.payloadTooLarge;
  if (status === 415) return ERROR_CODES.unsupportedMediaType;
  if (status === 404) return ERROR_CODES.notFound;
  if (status === 400) return ERROR_CODES.invalidRequest;
  return fastifyCode === undefined || fastifyCode.startsWith('FST_') ? ERROR_CODES.refused : fastifyCode;
};

const failed = (code: string, message: string, extra: Partial<ErrorAnswer> = {}): ErrorAnswer => ({
  status: 'FAILED',
  code,
  message,
  ...extra,
});

export const answerForError = (error: unknown, requestId: string): FailureAnswer => {
  const issues = validationIssues(error);
  if (issues !== undefined) {
    const part = partOf(isRecord(error) ? error.validationContext : undefined);
    const errors = issues.slice(0, MAX_LISTED_ERRORS).map((issue) => fieldErrorOf(part, issue));
    return {
      statusCode: 400,
      body: failed(ERROR_CODES.invalidRequest, `invalid request: ${describe(errors)}`, { errors, requestId }),
    };
  }

  if (error instanceof StoreUnavailableError) {
    return {
      statusCode: 503,
      body: failed(ERROR_CODES.storeUnavailable, 'the service cannot reach its database; try again', {
        requestId,
      }),
      retryAfter: 5,
    };
  }
  const statusCode = statusOf(error);
  const code = codeOf(error);
  if (code === 'FST_ERR_HANDLER_TIMEOUT') {
    return {
      statusCode: 503,
      body: failed(ERROR_CODES.timeout, 'the request took too long; try again', { requestId }),
      retryAfter: 1,
    };
  }
  if (statusCode >= 500) {
    return { statusCode, body: failed(ERROR_CODES.internal, 'internal error', { requestId }) };
  }
  const message = error instanceof Error && error.message !== '' ? error.message : 'the request was refused';
  return { statusCode, body: failed(clientCode(statusCode, code), message, { requestId }) };
};

/** An error the error handler answers exactly like a schema validation failure. */
export const validationFailure = (part: Part, issues: readonly ValidationIssue[]) =>
  Object.assign(new Error('invalid request'), {
    statusCode: 400,
    validation: issues,
    validationContext: part,
  });

export const methodNotAllowedAnswer = (
  method: string,
  path: string,
  allow: string,
  requestId: string,
): FailureAnswer => ({
  statusCode: 405,
  body: failed(ERROR_CODES.methodNotAllowed, `${method} is not allowed on ${path}; allowed: ${allow}`, {
    requestId,
  }),
});

export const uriTooLongAnswer = (requestId: string): FailureAnswer => ({
  statusCode: 414,
  body: failed(ERROR_CODES.uriTooLong, 'a path parameter is longer than 256 characters', { requestId }),
});

export const notFoundAnswer = (method: string, path: string, requestId: string): FailureAnswer => ({
  statusCode: 404,
  body: failed(ERROR_CODES.notFound, `no route ${method} ${path}`, { requestId }),
});
