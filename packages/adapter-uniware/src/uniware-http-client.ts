import { setImmediate } from 'node:timers/promises';
import type { UniwareClient } from '@cancel-sync/application';
import type { UniwareAnswer, UniwareCancelRequest } from '@cancel-sync/domain';
import { Pool } from 'undici';
import { parseAnswerBody } from './answer-body.ts';
import { CancelExchange, type ExchangeLimits } from './cancel-exchange.ts';
import { notSent, toNetworkError } from './network-error.ts';
import {
  cancelEndpointOf,
  checkConfig,
  DEFAULT_MAX_RESPONSE_BYTES,
  type UniwareClientConfig,
} from './uniware-client-config.ts';

/** Uniware's `POST /uc/v1/order/cancel` over a keep-alive pool of HTTP/1.1 connections. */
export class UniwareHttpClient implements UniwareClient {
  readonly #pool: Pool;
  readonly #path: string;
  readonly #clientId: string;
  // Private so that it shows in no `console.log`, `util.inspect` or `JSON.stringify` of the client.
  readonly #securityKey: string;
  readonly #limits: ExchangeLimits;
  #closing: Promise<void> | undefined;

  /** @throws TypeError or RangeError for a configuration that cannot work. */
  constructor(config: UniwareClientConfig) {
    checkConfig(config);
    const { origin, path } = cancelEndpointOf(config.baseUrl);
    this.#path = path;
    this.#clientId = config.clientId;
    this.#securityKey = config.securityKey;
    this.#limits = {
      responseTimeoutMs: config.responseTimeoutMs,
      maxResponseBytes: config.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    };
    // undici's own timeouts stay as a coarse backstop behind the exchange's precise timer.
    const backstopMs = config.responseTimeoutMs + 2_000;
    this.#pool = new Pool(origin, {
      connections: config.connections,
      connectTimeout: config.connectTimeoutMs,
      headersTimeout: backstopMs,
      bodyTimeout: backstopMs,
      // One request per connection at a time: a POST that is not idempotent must not be pipelined,
      // and HTTP/2 would make `connections` mean something else.
      pipelining: 1,
      allowH2: false,
    });
  }

  async cancelOrder(
    merchantId: string,
    request: UniwareCancelRequest,
    signal?: AbortSignal,
  ): Promise<UniwareAnswer> {
    if (this.#closing !== undefined) return notSent('UND_ERR_CLOSED', 'the Uniware client is closed');
    if (signal?.aborted) return toNetworkError(signal.reason, false, [this.#securityKey]);
    const exchange = new CancelExchange(this.#limits, signal);
    try {
      this.#pool.dispatch(
        {
          method: 'POST',
          path: this.#path,
          headers: {
            'content-type': 'application/json',
            clientid: this.#clientId,
            merchantid: merchantId,
            securitykey: this.#securityKey,
          },
          body: JSON.stringify(request),
          idempotent: false,
        },
        exchange,
      );
    } catch (error) {
      return toNetworkError(error, false, [this.#securityKey]);
    }
    const outcome = await exchange.outcome;
    if (outcome.kind === 'failed') return toNetworkError(outcome.error, outcome.sent, [this.#securityKey]);
    // undici marks the connection free a turn of the event loop after the answer ends; a caller
    // that sent its next cancellation at once would find it busy and open another connection.
    await setImmediate();
    return {
      kind: 'response',
      httpStatus: outcome.httpStatus,
      body: parseAnswerBody(outcome.text),
      retryAfter: outcome.retryAfter,
    };
  }

  /** Lets calls in flight finish (each bounded by the response timeout), then closes the connections. */
  close(): Promise<void> {
    this.#closing ??= this.#pool.close();
    return this.#closing;
  }
}

export const createUniwareHttpClient = (config: UniwareClientConfig): UniwareClient =>
  new UniwareHttpClient(config);
