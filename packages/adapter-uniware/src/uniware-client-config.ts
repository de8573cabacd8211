export interface UniwareClientConfig {
  /** e.g. `https://genericproxy.unicommerce.com`; a path prefix and a trailing slash are allowed. */
  readonly baseUrl: string;
  /** Issued by Unicommerce to the marketplace; sent as `clientid`. */
  readonly clientId: string;
  /** Issued by Unicommerce to the marketplace; sent as `securitykey`, never logged or reported. */
  readonly securityKey: string;
  /** Connections kept open (keep-alive) to Uniware at most; further calls queue. */
  readonly connections: number;
  readonly connectTimeoutMs: number;
  /** Longest wait for the answer's headers once the request is sent, and between chunks of its body. */
  readonly responseTimeoutMs: number;
  /** Bytes of an answer read at most; the rest is discarded. Default 64 KiB. */
  readonly maxResponseBytes?: number | undefined;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

export const CANCEL_PATH = '/uc/v1/order/cancel';

export interface CancelEndpoint {
  readonly origin: string;
  readonly path: string;
}

/**
 * Where to POST, from a base URL with or without a path prefix or trailing slash.
 * @throws TypeError for a URL the client cannot use, at construction rather than on the first call.
 */
export const cancelEndpointOf = (baseUrl: string): CancelEndpoint => {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError(`Uniware baseUrl is not a URL: "${baseUrl}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`Uniware baseUrl must be http or https, not ${url.protocol}`);
  }
  // Credentials in a URL end up in logs; this client authenticates with headers only.
  if (url.username !== '' || url.password !== '') {
    throw new TypeError('Uniware baseUrl must not carry credentials');
  }
  if (url.search !== '' || url.hash !== '') {
    // Not echoed: a query string is where people paste keys.
    throw new TypeError('Uniware baseUrl must not have a query or fragment');
  }
  return { origin: url.origin, path: `${url.pathname.replace(/\/+$/, '')}${CANCEL_PATH}` };
};

/** @throws RangeError naming the first setting that cannot work. */
export const checkConfig = (config: UniwareClientConfig): void => {
  const positiveIntegers = {
    connections: config.connections,
    connectTimeoutMs: config.connectTimeoutMs,
    responseTimeoutMs: config.responseTimeoutMs,
    maxResponseBytes: config.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
  };
  for (const [name, value] of Object.entries(positiveIntegers)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`Uniware client ${name} must be a positive integer, got ${value}`);
    }
  }
  if (config.clientId.trim() === '') throw new RangeError('Uniware client clientId must not be empty');
  if (config.securityKey.trim() === '') throw new RangeError('Uniware client securityKey must not be empty');
};
