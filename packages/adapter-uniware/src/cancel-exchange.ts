import { type Dispatcher, errors } from 'undici';

export interface ExchangeLimits {
  /** From the request's last byte written to the answer's last byte read. */
  readonly responseTimeoutMs: number;
  readonly maxResponseBytes: number;
}

export type ExchangeOutcome =
  | {
      readonly kind: 'answered';
      readonly httpStatus: number;
      readonly retryAfter: string | undefined;
      readonly text: string;
    }
  | {
      readonly kind: 'failed';
      readonly error: unknown;
      /** The request was written to a socket: Uniware may have received it. */
      readonly sent: boolean;
    };

/**
 * One request/answer exchange as an undici dispatch handler. Dispatching by hand rather than
 * through `request()` tells us whether the request left (`onRequestSent`), which is what decides
 * `outcomeUnknown`, and lets the response timeout run on a precise timer: undici's own headers and
 * body timeouts tick in half-second steps and can fire a second late.
 */
export class CancelExchange implements Dispatcher.DispatchHandler {
  readonly outcome: Promise<ExchangeOutcome>;
  readonly #settle: (outcome: ExchangeOutcome) => void;
  readonly #limits: ExchangeLimits;
  readonly #signal: AbortSignal | undefined;
  #controller: Dispatcher.DispatchController | undefined;
  #settled = false;
  #sent = false;
  #timer: NodeJS.Timeout | undefined;
  #httpStatus = 0;
  #retryAfter: string | undefined;
  #chunks: Buffer[] = [];
  #size = 0;

  constructor(limits: ExchangeLimits, signal?: AbortSignal) {
    const { promise, resolve } = Promise.withResolvers<ExchangeOutcome>();
    this.outcome = promise;
    this.#settle = resolve;
    this.#limits = limits;
    this.#signal = signal;
    signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    // Abandoned while it waited for a free connection: it must not leave now.
    if (this.#settled) controller.abort(new errors.RequestAbortedError());
  }

  onRequestSent(): void {
    this.#sent = true;
    const headersOrBody = () =>
      this.#httpStatus === 0 ? new errors.HeadersTimeoutError() : new errors.BodyTimeoutError();
    this.#timer = setTimeout(() => this.#controller?.abort(headersOrBody()), this.#limits.responseTimeoutMs);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200) return; // 100 Continue and the like: the real answer follows.
    this.#httpStatus = statusCode;
    const retryAfter = headers['retry-after'];
    this.#retryAfter = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    const room = this.#limits.maxResponseBytes - this.#size;
    if (chunk.length <= room) {
      this.#chunks.push(chunk);
      this.#size += chunk.length;
      return;
    }
    // Past the cap: keep what fits, answer with it, and stop reading (the connection is dropped).
    this.#chunks.push(chunk.subarray(0, room));
    this.#answer();
    controller.abort(new errors.ResponseExceededMaxSizeError());
  }

  onResponseEnd(): void {
    this.#answer();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#finish({ kind: 'failed', error, sent: this.#sent });
  }

  #answer(): void {
    this.#finish({
      kind: 'answered',
      httpStatus: this.#httpStatus,
      retryAfter: this.#retryAfter,
      text: Buffer.concat(this.#chunks).toString('utf8'),
    });
  }

  #finish(outcome: ExchangeOutcome): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#timer);
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#settle(outcome);
  }

  readonly #onAbort = (): void => {
    const reason: unknown = this.#signal?.reason;
    const error = reason instanceof Error ? reason : new errors.RequestAbortedError();
    if (this.#controller === undefined) {
      // Still queued for a connection: nothing was written, and onRequestStart will cancel it.
      this.#finish({ kind: 'failed', error, sent: false });
      return;
    }
    this.#controller.abort(error);
  };
}
