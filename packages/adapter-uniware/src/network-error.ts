import type { UniwareAnswer } from '@cancel-sync/domain';

type NetworkError = Extract<UniwareAnswer, { kind: 'network-error' }>;

/**
 * Failures that can only happen before the request leaves: connecting, resolving, the TLS
 * handshake, a closed client, a request undici refused to build. A second opinion next to the
 * exchange's own knowledge of whether the request was written.
 */
const SURELY_NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_INVALID_ARG',
  'ERR_INVALID_CHAR',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

const isSurelyNotSent = (code: string): boolean => SURELY_NOT_SENT.has(code);

/**
 * @param sent the request was written to a socket; until then Uniware cannot have seen it, and
 * after it any failure - a timeout, a reset, a garbled answer - leaves the outcome unknown.
 * @param secrets strings that must never appear in the message, whatever the error says.
 */
export const toNetworkError = (error: unknown, sent: boolean, secrets: readonly string[]): NetworkError => {
  const code = codeOf(error);
  return {
    kind: 'network-error',
    code,
    message: redact(messageOf(error), secrets),
    outcomeUnknown: sent && !isSurelyNotSent(code),
  };
};

export const notSent = (code: string, message: string): NetworkError => ({
  kind: 'network-error',
  code,
  message,
  outcomeUnknown: false,
});

const codeOf = (error: unknown): string => {
  if (!(error instanceof Error)) return 'UNKNOWN';
  const { code } = error as Error & { code?: unknown };
  if (typeof code === 'string' && code !== '') return code;
  // Happy-eyeballs connects fail with an AggregateError whose own code may be missing.
  if (error instanceof AggregateError) {
    const inner = error.errors.find((each): each is Error => each instanceof Error);
    if (inner !== undefined) return codeOf(inner);
  }
  // An aborted signal rejects with its reason, e.g. a DOMException named TimeoutError.
  return error.name === 'Error' ? 'UNKNOWN' : error.name;
};

const messageOf = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  if (error.message !== '') return error.message;
  if (error instanceof AggregateError) {
    return error.errors.map((each) => (each instanceof Error ? each.message : String(each))).join('; ');
  }
  return error.name;
};

const redact = (text: string, secrets: readonly string[]): string =>
  secrets.reduce((clean, secret) => (secret === '' ? clean : clean.split(secret).join('[redacted]')), text);
