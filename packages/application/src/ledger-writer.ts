/**
 * Read-decide-write against the ledger with the revision check, retried when another writer got
 * there first. Writers of one order in this process queue on a mutex, so conflicts only come from
 * other instances and a few attempts are enough.
 */
import { KeyedMutex } from './keyed-mutex.ts';
import type { CancellationRecord, CancellationRecords } from './ports/cancellation-records.ts';
import type { LedgerEntry, LedgerWrite, OrderLedger } from './ports/order-ledger.ts';

export class WriteConflictError extends Error {
  override readonly name = 'WriteConflictError';
}

/** What one attempt decided: write this change, or answer without writing. */
export type LedgerStep<T> = { readonly write: LedgerWrite; readonly answer: T } | { readonly answer: T };

/**
 * How a bounded update ended. `deadline-passed` and `busy` both mean nothing was written: the
 * deadline is checked before every write is sent, never after; a write sent is waited for.
 */
export type BoundedUpdate<T> =
  | { readonly kind: 'done'; readonly answer: T }
  | { readonly kind: 'deadline-passed' }
  | { readonly kind: 'busy' };

export interface UpdateBounds {
  /** Aborts the update if it fires before the write is sent. */
  readonly signal?: AbortSignal | undefined;
  /** Most updates of one order running or waiting in this process; beyond it the answer is `busy`. */
  readonly maxQueued: number;
}

const DEADLINE_PASSED = { kind: 'deadline-passed' } as const;

/**
 * Where the history records that ledger writes carry are copied. A record is part of its order's
 * write, so a copy that fails loses nothing: it is reported, the record stays on the order (the
 * history reads it there) and a later write copies it again.
 */
export interface HistoryCopy {
  readonly records: CancellationRecords;
  readonly onCopyFailed: (error: unknown) => void;
  /**
   * Records an order may hold before they are copied. 0 or absent: every write is followed by a
   * copy of what the order holds and an update that drops it (two round trips per write). Above 0:
   * records stay on the order; a write that finds it holding this many first copies the older half
   * in one insert, and its own conditional update drops them (about 2 / this many per write).
   */
  readonly holdOnOrder?: number | undefined;
}

export class LedgerWriter {
  readonly #ledger: OrderLedger;
  readonly #maxAttempts: number;
  readonly #mutex = new KeyedMutex();
  readonly #history: HistoryCopy | undefined;
  readonly #holds: number;

  constructor(ledger: OrderLedger, maxAttempts: number, history?: HistoryCopy) {
    this.#ledger = ledger;
    this.#maxAttempts = maxAttempts;
    this.#history = history;
    this.#holds = Math.max(0, history?.holdOnOrder ?? 0);
  }

  /** `decide` is called afresh with the stored entry on every attempt. */
  update<T>(orderId: string, decide: (entry: LedgerEntry | undefined) => LedgerStep<T>): Promise<T> {
    return this.#mutex.run(orderId, async () => {
      const outcome = await this.#attempts(orderId, decide, undefined);
      if (outcome.kind !== 'done') throw new Error('an update without a deadline cannot pass it');
      return outcome.answer;
    });
  }

  /**
   * `update` with a deadline and a bounded queue. An update still waiting its turn when the signal
   * fires is answered `deadline-passed` at once and skipped when its turn comes.
   */
  updateWithin<T>(
    orderId: string,
    decide: (entry: LedgerEntry | undefined) => LedgerStep<T>,
    bounds: UpdateBounds,
  ): Promise<BoundedUpdate<T>> {
    const { signal } = bounds;
    if (signal?.aborted === true) return Promise.resolve(DEADLINE_PASSED);
    if (this.#mutex.queued(orderId) >= bounds.maxQueued) return Promise.resolve({ kind: 'busy' });
    let started = false;
    const task = this.#mutex.run(orderId, async (): Promise<BoundedUpdate<T>> => {
      if (signal?.aborted === true) return DEADLINE_PASSED;
      started = true;
      return this.#attempts(orderId, decide, signal);
    });
    if (signal === undefined) return task;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (!started) resolve(DEADLINE_PASSED);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      task.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  async #attempts<T>(
    orderId: string,
    decide: (entry: LedgerEntry | undefined) => LedgerStep<T>,
    signal: AbortSignal | undefined,
  ): Promise<BoundedUpdate<T>> {
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt += 1) {
      const entry = await this.#find(orderId, signal);
      if (entry === 'aborted') return DEADLINE_PASSED;
      const step = decide(entry);
      if (!('write' in step)) return { kind: 'done', answer: step.answer };
      const write = await this.#tidied(entry, step.write);
      // The last moment the request can still be given up without having changed anything.
      if (signal?.aborted === true) return DEADLINE_PASSED;
      if ((await this.#ledger.write(write)) === 'written') {
        if (this.#holds === 0)
          await this.#copyHistory(orderId, entry?.pendingRecords ?? [], step.write.record);
        return { kind: 'done', answer: step.answer };
      }
    }
    throw new WriteConflictError(`order ${orderId} kept changing under ${this.#maxAttempts} write attempts`);
  }

  /**
   * The housekeeping folded into the write itself: it drops the expired remembered requests (told
   * what was read), and the history records copied just before to make room for the new one.
   */
  async #tidied(entry: LedgerEntry | undefined, write: LedgerWrite): Promise<LedgerWrite> {
    if (entry === undefined) return write;
    const readRemembered = write.remember === undefined ? undefined : entry.rememberedRequests;
    return { ...write, readRemembered, keepRecords: await this.#makeRoom(entry, write) };
  }

  /** How many records the order keeps after this write, once the older half is in the history. */
  async #makeRoom(entry: LedgerEntry, write: LedgerWrite): Promise<number | undefined> {
    const held = entry.pendingRecords;
    const history = this.#history;
    if (history === undefined || this.#holds === 0 || write.record === undefined) return undefined;
    if (held.length < this.#holds) return undefined;
    const older = held.slice(0, held.length - Math.floor(this.#holds / 2));
    try {
      await history.records.appendAll(older);
    } catch (error) {
      history.onCopyFailed(error);
      return undefined;
    }
    return held.length + 1 - older.length;
  }

  async #copyHistory(
    orderId: string,
    leftovers: readonly CancellationRecord[],
    written: CancellationRecord | undefined,
  ): Promise<void> {
    const history = this.#history;
    const records = written === undefined ? leftovers : [...leftovers, written];
    if (history === undefined || records.length === 0) return;
    try {
      await history.records.appendAll(records);
      await this.#ledger.forgetRecords(
        orderId,
        records.map((record) => record.recordId),
      );
    } catch (error) {
      history.onCopyFailed(error);
    }
  }

  /** A read the signal aborted wrote nothing: it is the deadline passing, not a failure. */
  async #find(
    orderId: string,
    signal: AbortSignal | undefined,
  ): Promise<LedgerEntry | undefined | 'aborted'> {
    try {
      return await this.#ledger.find(orderId, { signal });
    } catch (error) {
      if (signal?.aborted === true) return 'aborted';
      throw error;
    }
  }
}
