/**
 * Whether Uniware answers, for readiness to name it degraded while its calls keep failing. It never
 * turns the process not ready: the API Uniware calls does not need Uniware, and a load balancer that
 * took the process out would only add inbound failures to the outbound ones.
 */
export type SeenAnswer =
  | { readonly kind: 'response'; readonly httpStatus: number }
  | { readonly kind: 'network-error'; readonly code: string };

/** Answers that say nothing about the cancellation: Uniware (or the way to it) is not serving us. */
const isFailing = (answer: SeenAnswer): boolean =>
  answer.kind === 'network-error' ||
  answer.httpStatus >= 500 ||
  [401, 403, 408, 425, 429].includes(answer.httpStatus);

export class UniwareHealth {
  readonly #now: () => Date;
  #failingSince: Date | undefined;
  #failures = 0;
  #last = '';

  constructor(now: () => Date) {
    this.#now = now;
  }

  record(answer: SeenAnswer): void {
    if (!isFailing(answer)) {
      this.#failingSince = undefined;
      this.#failures = 0;
      return;
    }
    this.#failingSince ??= this.#now();
    this.#failures += 1;
    this.#last = answer.kind === 'network-error' ? answer.code : `HTTP ${answer.httpStatus}`;
  }

  /** A short reason while the calls fail, else undefined. */
  degradation(): string | undefined {
    if (this.#failingSince === undefined) return undefined;
    return `calls failing since ${this.#failingSince.toISOString()} (${this.#failures} in a row, last ${this.#last})`;
  }
}
