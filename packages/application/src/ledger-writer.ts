/**
 * Read-decide-write against the ledger with the revision check, retried when another writer got
 * there first. Writers of one order in this process queue on a mutex, so conflicts only come from
 * other instances and a few attempts are enough.
 */
import { KeyedMutex } from './keyed-mutex.ts';
import type { LedgerEntry, LedgerWrite, OrderLedger } from './ports/order-ledger.ts';

export class WriteConflictError extends Error {
  override readonly name = 'WriteConflictError';
}

/** What one attempt decided: write this change, or answer without writing. */
export type LedgerStep<T> = { readonly write: LedgerWrite; readonly answer: T } | { readonly answer: T };

export class LedgerWriter {
  readonly #ledger: OrderLedger;
  readonly #maxAttempts: number;
  readonly #mutex = new KeyedMutex();

  constructor(ledger: OrderLedger, maxAttempts: number) {
    this.#ledger = ledger;
    this.#maxAttempts = maxAttempts;
  }

  /** `decide` is called afresh with the stored entry on every attempt. */
  update<T>(orderId: string, decide: (entry: LedgerEntry | undefined) => LedgerStep<T>): Promise<T> {
    return this.#mutex.run(orderId, async () => {
      for (let attempt = 1; attempt <= this.#maxAttempts; attempt += 1) {
        const step = decide(await this.#ledger.find(orderId));
        if (!('write' in step)) return step.answer;
        if ((await this.#ledger.write(step.write)) === 'written') return step.answer;
      }
      throw new WriteConflictError(
        `order ${orderId} kept changing under ${this.#maxAttempts} write attempts`,
      );
    });
  }
}
