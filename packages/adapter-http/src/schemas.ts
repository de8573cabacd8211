/**
 * Every request and answer of the HTTP API, declared once: Fastify validates and serializes with
 * them, TypeScript derives the handler types from them, and the OpenAPI document is made of them.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';

/** A string enum as plain JSON Schema (`enum`, not `anyOf` of `const`): OpenAPI 3.0 reads it. */
const StringEnum = <const T extends readonly string[]>(values: T, options: { description?: string } = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

/** Identifiers from Uniware: any non-empty string of reasonable length. */
const Identifier = (description: string) => Type.String({ minLength: 1, maxLength: 128, description });

// ---------------------------------------------------------------------------------------------
// Failures

export const FieldError = Type.Object({
  in: StringEnum(['body', 'querystring', 'params', 'headers']),
  /** JSON pointer into that part of the request, e.g. `/orderItems/0/quantity`. */
  path: Type.String({ description: 'JSON pointer to the offending field, e.g. /orderItems/0/quantity' }),
  message: Type.String(),
});
export type FieldError = Static<typeof FieldError>;

/** The one shape of every refusal and error (other than `/authToken`'s credential refusals). */
const failure = (codes: readonly string[], description: string) =>
  Type.Object(
    {
      status: StringEnum(['FAILED']),
      code: StringEnum(codes),
      message: Type.String(),
      requestId: Type.Optional(Type.String({ description: 'The X-Request-Id of the request' })),
      errors: Type.Optional(Type.Array(FieldError)),
    },
    { description },
  );

/** The same shape, as the error handler builds it (any code). */
export const ErrorAnswer = Type.Object({
  status: StringEnum(['FAILED']),
  code: Type.String(),
  message: Type.String(),
  requestId: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(FieldError)),
});
export type ErrorAnswer = Static<typeof ErrorAnswer>;

export const ERROR_CODES = {
  invalidRequest: 'INVALID_REQUEST',
  notFound: 'NOT_FOUND',
  methodNotAllowed: 'METHOD_NOT_ALLOWED',
  uriTooLong: 'URI_TOO_LONG',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  unsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  idempotencyKeyReused: 'IDEMPOTENCY_KEY_REUSED',
  writeConflict: 'WRITE_CONFLICT',
  timeout: 'TIMEOUT',
  orderBusy: 'ORDER_BUSY',
  busy: 'BUSY',
  storeUnavailable: 'STORE_UNAVAILABLE',
  internal: 'INTERNAL_ERROR',
  /** Any other 4xx Fastify may raise. */
  refused: 'REQUEST_REFUSED',
} as const;

const InvalidRequest = failure(
  [ERROR_CODES.invalidRequest],
  'The request is malformed: missing or ill-typed fields (listed in `errors`), or JSON that does not parse',
);
const ApiKeyRefused = failure(
  ['MISSING_TOKEN', 'UNKNOWN_TOKEN', 'EXPIRED_TOKEN'],
  'The apiKey header is missing, unknown or expired; ask /authToken for a token',
);
const PayloadTooLarge = failure([ERROR_CODES.payloadTooLarge], 'The body is larger than the limit');
const UnsupportedMediaType = failure([ERROR_CODES.unsupportedMediaType], 'The body is not application/json');
const IdempotencyKeyReused = failure(
  [ERROR_CODES.idempotencyKeyReused],
  'This Idempotency-Key was used before with a different request',
);
const Unavailable = failure(
  [
    ERROR_CODES.writeConflict,
    ERROR_CODES.timeout,
    ERROR_CODES.orderBusy,
    ERROR_CODES.busy,
    ERROR_CODES.storeUnavailable,
  ],
  'Try again shortly (see Retry-After); nothing of this request was applied, or a retry is answered as the first',
);
const InternalError = failure(
  [ERROR_CODES.internal],
  'An unexpected error; details are in the logs under requestId',
);

// ---------------------------------------------------------------------------------------------
// GET and POST /authToken

export const Credentials = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 128 }),
  password: Type.String({ minLength: 1, maxLength: 256 }),
});
export type Credentials = Static<typeof Credentials>;

export const TokenIssued = Type.Object(
  {
    status: StringEnum(['SUCCESS']),
    accessToken: Type.String({ description: 'Send it in the apiKey header of every later call' }),
  },
  { description: 'The credentials are right' },
);
export type TokenIssued = Static<typeof TokenIssued>;

const credentialsRefused = <const S extends string>(status: S) =>
  Type.Object(
    { status: StringEnum([status] as const), message: Type.String() },
    { description: 'Unknown username or wrong password' },
  );
export const GetTokenRefused = credentialsRefused('FAILED');
export const PostTokenRefused = credentialsRefused('INVALID_CREDENTIALS');

// ---------------------------------------------------------------------------------------------
// POST /orders/cancel

export const CancelLineRequest = Type.Object({
  orderItemId: Identifier('Item of the order to cancel units of'),
  productId: Identifier('Product of the item'),
  variantId: Identifier('Variant of the item'),
  quantity: Type.Number({
    description:
      'Units to cancel. Any JSON number is accepted here; one that is not a positive whole number ' +
      'fails its line with INVALID_QUANTITY while the other lines go ahead',
  }),
});
export type CancelLineRequest = Static<typeof CancelLineRequest>;

/** The limit on lines is a setting, so the schema is made for it. */
export const CancelOrderRequest = (maxLines: number) =>
  Type.Object(
    {
      orderId: Identifier('The order (Uniware saleOrderCode)'),
      orderItems: Type.Array(CancelLineRequest, { minItems: 1, maxItems: maxLines }),
    },
    { description: 'Unknown fields are accepted and ignored' },
  );
export type CancelOrderRequest = Static<ReturnType<typeof CancelOrderRequest>>;

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[\\x21-\\x7E]+$',
      description:
        'Optional. A retry with the same key and body is answered as the first; the same key with another body is 422',
    }),
  ),
});

export const CancelOrderAnswer = Type.Object(
  {
    status: StringEnum(['SUCCESS', 'PARTIAL_SUCCESS', 'FAILED'], {
      description: 'SUCCESS: every line applied; PARTIAL_SUCCESS: some; FAILED: none',
    }),
    orderItems: Type.Array(Type.Object({ orderItemId: Type.String(), errorMessage: Type.String() }), {
      description: 'Only the lines that failed, in request order',
    }),
  },
  { description: 'The request was judged line by line (header Idempotent-Replayed: true on a retry)' },
);
export type CancelOrderAnswer = Static<typeof CancelOrderAnswer>;

// ---------------------------------------------------------------------------------------------
// GET /orders/:orderId/cancellations

export const OrderParams = Type.Object({ orderId: Identifier('The order (Uniware saleOrderCode)') });

const RecordedLine = Type.Object({
  orderItemId: Type.Optional(Type.String()),
  productId: Type.String(),
  variantId: Type.String(),
  quantity: Type.Number(),
  outcome: Type.String({ description: 'APPLIED, or the refusal code' }),
  message: Type.Optional(Type.String()),
});

export const CancellationHistoryAnswer = Type.Object(
  {
    orderId: Type.String(),
    cancellations: Type.Array(
      Type.Object({
        requestId: Type.String(),
        source: Type.String(),
        receivedAt: Type.String({ format: 'date-time' }),
        status: StringEnum(['SUCCESS', 'PARTIAL_SUCCESS', 'FAILED']),
        replayOf: Type.Optional(Type.String({ description: 'The request this retry was answered from' })),
        lines: Type.Array(RecordedLine),
      }),
      { description: 'Oldest first; empty for an unknown order or another seller’s' },
    ),
  },
  { description: 'The cancellation requests made for this order by the authenticated seller' },
);
export type CancellationHistoryAnswer = Static<typeof CancellationHistoryAnswer>;

// ---------------------------------------------------------------------------------------------
// Health

export const Liveness = Type.Object({ status: StringEnum(['UP']) }, { description: 'The process runs' });
export const ReadinessAnswer = (description: string) =>
  Type.Object(
    {
      ready: Type.Boolean(),
      checks: Type.Record(Type.String(), Type.String(), {
        description: '"ok" or a short reason, per dependency',
      }),
      degraded: Type.Optional(
        Type.Record(Type.String(), Type.String(), {
          description:
            'Dependencies failing without deciding readiness (Uniware), with a short reason; absent when none is',
        }),
      ),
    },
    { description },
  );

// ---------------------------------------------------------------------------------------------
// Answers per status code, for routes to spread into `response`

const UriTooLong = failure([ERROR_CODES.uriTooLong], 'A path parameter is longer than 256 characters');

export const ERROR_RESPONSES = {
  400: InvalidRequest,
  401: ApiKeyRefused,
  413: PayloadTooLarge,
  414: UriTooLong,
  415: UnsupportedMediaType,
  422: IdempotencyKeyReused,
  500: InternalError,
  503: Unavailable,
} as const satisfies Record<number, TSchema>;

/** The failures every route can answer, whatever it does. */
export const ALWAYS_POSSIBLE = {
  400: ERROR_RESPONSES[400],
  500: ERROR_RESPONSES[500],
  503: ERROR_RESPONSES[503],
} as const;

/** What a route with a JSON body can answer besides. */
export const BODY_FAILURES = {
  413: ERROR_RESPONSES[413],
  415: ERROR_RESPONSES[415],
} as const;
