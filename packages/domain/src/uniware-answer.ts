/** What an answer from Uniware's cancel API means for the delivery of a cancellation. */

export type UniwareAnswer =
  | {
      readonly kind: 'response';
      readonly httpStatus: number;
      /** The parsed JSON body, or the raw text when it was not JSON. */
      readonly body: unknown;
      /** The `Retry-After` header as sent, if any. */
      readonly retryAfter?: string | undefined;
    }
  | {
      readonly kind: 'network-error';
      /** e.g. ECONNREFUSED, ECONNRESET, UND_ERR_HEADERS_TIMEOUT. */
      readonly code: string;
      readonly message: string;
      /** The request was (or may have been) sent but no answer came: Uniware may have applied it. */
      readonly outcomeUnknown: boolean;
    };

export type DeliveryVerdict =
  | { readonly verdict: 'delivered' }
  | { readonly verdict: 'rejected'; readonly message: string }
  /**
   * A repeat of a call whose outcome was unknown, refused because the units are cancelled already:
   * the first call most likely went through. Final; replaying it would cancel more units.
   */
  | { readonly verdict: 'probably-applied'; readonly message: string }
  | {
      readonly verdict: 'retryable';
      readonly reason: string;
      readonly retryAfterMs?: number | undefined;
      readonly outcomeUnknown: boolean;
    }
  | { readonly verdict: 'auth-failure'; readonly httpStatus: number; readonly message: string };

const RETRYABLE_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * How Uniware words "these units are cancelled already" (and how the sandbox does). Only matched
 * on a repeat after an unknown outcome: on a first call the same words are a plain refusal.
 */
const ALREADY_CANCELLED = [/already\s+cancel/i, /remain\S*\s+cancellable/i, /no\s+(units?|quantity)\s+left/i];

export const looksAlreadyCancelled = (message: string): boolean =>
  ALREADY_CANCELLED.some((pattern) => pattern.test(message));

export interface AnswerContext {
  /** An earlier call of this delivery may have reached Uniware without its answer reaching us. */
  readonly afterUnknownOutcome?: boolean | undefined;
}

export const classifyUniwareAnswer = (
  answer: UniwareAnswer,
  now: Date,
  context: AnswerContext = {},
): DeliveryVerdict => {
  const verdict = classifyAlone(answer, now);
  if (
    verdict.verdict === 'rejected' &&
    context.afterUnknownOutcome === true &&
    looksAlreadyCancelled(verdict.message)
  ) {
    return { verdict: 'probably-applied', message: verdict.message };
  }
  return verdict;
};

const classifyAlone = (answer: UniwareAnswer, now: Date): DeliveryVerdict => {
  if (answer.kind === 'network-error') {
    return {
      verdict: 'retryable',
      reason: `${answer.code}: ${answer.message}`,
      outcomeUnknown: answer.outcomeUnknown,
    };
  }
  const { httpStatus, body } = answer;
  if (httpStatus >= 200 && httpStatus < 300) return classifyAcknowledgement(body);
  if (httpStatus === 401 || httpStatus === 403) {
    return { verdict: 'auth-failure', httpStatus, message: messageOf(body) ?? `HTTP ${httpStatus}` };
  }
  if (RETRYABLE_STATUSES.has(httpStatus)) {
    return {
      verdict: 'retryable',
      reason: `HTTP ${httpStatus}${suffix(messageOf(body))}`,
      retryAfterMs: parseRetryAfter(answer.retryAfter, now),
      // A gateway timeout says nothing of whether Uniware applied the cancellation.
      outcomeUnknown: httpStatus === 504,
    };
  }
  // A redirect, a missing route or a page that is not Uniware's JSON comes from a wrong base URL or
  // a proxy in between, not from Uniware judging this cancellation: retried (bounded), never final.
  if ((httpStatus >= 300 && httpStatus < 400) || httpStatus === 404 || !isRecord(body)) {
    return {
      verdict: 'retryable',
      reason: `HTTP ${httpStatus} is not an answer of Uniware's cancel API (check UC_BASE_URL and any proxy)${suffix(messageOf(body))}`,
      retryAfterMs: parseRetryAfter(answer.retryAfter, now),
      outcomeUnknown: false,
    };
  }
  return { verdict: 'rejected', message: `HTTP ${httpStatus}${suffix(messageOf(body))}` };
};

const classifyAcknowledgement = (body: unknown): DeliveryVerdict => {
  const status = isRecord(body) && typeof body.status === 'string' ? body.status.toLowerCase() : undefined;
  if (status === 'success') return { verdict: 'delivered' };
  if (status === 'failure') {
    return { verdict: 'rejected', message: messageOf(body) ?? 'Uniware answered failure without a message' };
  }
  return {
    verdict: 'retryable',
    reason: `unrecognised answer from Uniware: ${preview(body)}`,
    outcomeUnknown: true,
  };
};

/** `Retry-After` is either whole seconds or an HTTP date; anything else is ignored. */
export const parseRetryAfter = (value: string | undefined, now: Date): number | undefined => {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at) || !/[a-z]/i.test(trimmed)) return undefined;
  return Math.max(0, at - now.getTime());
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const messageOf = (body: unknown): string | undefined => {
  if (isRecord(body) && typeof body.message === 'string' && body.message.trim() !== '') return body.message;
  if (typeof body === 'string' && body.trim() !== '') return preview(body);
  return undefined;
};

const suffix = (message: string | undefined): string => (message === undefined ? '' : `: ${message}`);

const preview = (body: unknown): string => {
  const text = typeof body === 'string' ? body : (JSON.stringify(body) ?? String(body));
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
};
