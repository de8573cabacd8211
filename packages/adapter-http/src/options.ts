/** What the composition root hands the HTTP adapter: use cases as plain functions, and settings. */
import type {
  authenticate,
  CancellationRecords,
  cancelFromUniware,
  issueAccessToken,
} from '@cancel-sync/application';
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';

export type IssueAccessToken = ReturnType<typeof issueAccessToken>;
export type Authenticate = ReturnType<typeof authenticate>;
export type CancelFromUniware = ReturnType<typeof cancelFromUniware>;
/** The cancellation records port's `forOrder`: oldest first, only `sellerId`'s records. */
export type CancellationHistory = CancellationRecords['forOrder'];

export interface Readiness {
  readonly ready: boolean;
  /** One entry per dependency: `'ok'` or a short reason. Served unauthenticated: keep them free of secrets. */
  readonly checks: Readonly<Record<string, string>>;
  /**
   * Dependencies that are failing but do not decide readiness (Uniware: the API Uniware calls does
   * not need it), each with a short reason; absent when none is. Same rule: no secrets.
   */
  readonly degraded?: Readonly<Record<string, string>> | undefined;
}

export interface HttpApiUseCases {
  readonly issueAccessToken: IssueAccessToken;
  readonly authenticate: Authenticate;
  readonly cancelFromUniware: CancelFromUniware;
  readonly cancellationHistory: CancellationHistory;
  readonly ready: () => Promise<Readiness>;
}

export interface HttpLimits {
  /** Largest request body accepted; beyond it the answer is 413. Default 256 KiB. */
  readonly bodyLimitBytes?: number;
  /** Most `orderItems` in one `POST /orders/cancel`; beyond it the answer is 400. Default 100. */
  readonly maxLinesPerRequest?: number;
}

export interface HttpTimeouts {
  /** Time to receive a whole request, headers and body (Node's `requestTimeout`). Default 10 s. */
  readonly requestMs?: number;
  /** Idle time on a socket before it is destroyed (Node's `server.timeout`). Default 120 s. */
  readonly connectionMs?: number;
  /** Idle time of a kept-alive connection between requests; keep above the load balancer's. Default 72 s. */
  readonly keepAliveMs?: number;
  /**
   * Time from routing to answer; beyond it the answer is 503 and `request.signal` aborts. Default 10 s.
   * `POST /orders/cancel` instead gives up at this deadline only before its write is sent (503,
   * nothing written) and waits for a write already sent.
   */
  readonly handlerMs?: number;
  /**
   * How much longer than `handlerMs` `POST /orders/cancel` may take to see a sent write through
   * before the last-resort timeout answers 503 anyway (a retry is then answered as the first request
   * if the write landed). Default 10 s.
   */
  readonly writeGraceMs?: number;
}

/** Fastify's logger options: its own and pino's. */
export type HttpLoggerOptions = Exclude<FastifyServerOptions['logger'], boolean | undefined>;

export interface HttpApiOptions extends HttpApiUseCases {
  /**
   * Options for the pino logger Fastify builds; redaction of secrets is added to them. `false` for
   * no logging. Default: info level to stdout.
   */
  readonly logger?: boolean | HttpLoggerOptions;
  /** A logger built by the caller instead; the API logs through a child of it that redacts secrets. */
  readonly loggerInstance?: FastifyBaseLogger;
  readonly limits?: HttpLimits;
  readonly timeouts?: HttpTimeouts;
  /** Trust `X-Forwarded-*` from this proxy (see Fastify's `trustProxy`). Default: trust none. */
  readonly trustProxy?: boolean | string | string[];
  /** The version shown in the OpenAPI document. */
  readonly apiVersion?: string;
  /** Told of every answer, e.g. for a latency histogram by route and status. */
  readonly observeResponse?: ((response: ObservedResponse) => void) | undefined;
}

export interface ObservedResponse {
  /** The route's pattern (`/orders/:orderId/cancellations`), `unknown` for no route. */
  readonly route: string;
  readonly method: string;
  readonly statusCode: number;
  readonly durationMs: number;
}

export interface HttpSettings {
  readonly bodyLimitBytes: number;
  readonly maxLinesPerRequest: number;
  readonly timeouts: Required<HttpTimeouts>;
  readonly apiVersion: string;
}

export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024;
export const DEFAULT_MAX_LINES_PER_REQUEST = 100;

const positive = (name: string, value: number): number => {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive whole number, got ${String(value)}`);
  }
  return value;
};

export const resolveSettings = (options: HttpApiOptions): HttpSettings => ({
  bodyLimitBytes: positive(
    'limits.bodyLimitBytes',
    options.limits?.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
  ),
  maxLinesPerRequest: positive(
    'limits.maxLinesPerRequest',
    options.limits?.maxLinesPerRequest ?? DEFAULT_MAX_LINES_PER_REQUEST,
  ),
  timeouts: {
    requestMs: positive('timeouts.requestMs', options.timeouts?.requestMs ?? 10_000),
    connectionMs: positive('timeouts.connectionMs', options.timeouts?.connectionMs ?? 120_000),
    keepAliveMs: positive('timeouts.keepAliveMs', options.timeouts?.keepAliveMs ?? 72_000),
    handlerMs: positive('timeouts.handlerMs', options.timeouts?.handlerMs ?? 10_000),
    writeGraceMs: positive('timeouts.writeGraceMs', options.timeouts?.writeGraceMs ?? 10_000),
  },
  apiVersion: options.apiVersion ?? '0.1.0',
});
