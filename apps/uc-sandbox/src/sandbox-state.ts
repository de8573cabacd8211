import { CallLog } from './call-log.ts';
import { type CallPlan, planCall, resolveFaults } from './faults.ts';
import { OrderBook } from './order-book.ts';
import { type Random, randomFor } from './random.ts';
import type { SandboxOptions } from './sandbox-options.ts';
import type { Faults, FaultsUpdate, FaultsView } from './schemas/fault-schemas.ts';

/** Everything the sandbox remembers between calls, reachable over HTTP and in-process alike. */
export class SandboxState {
  readonly options: SandboxOptions;
  readonly orders: OrderBook;
  readonly calls: CallLog;
  #faults: Faults;
  #seed: number | null = null;
  #random: Random = Math.random;

  constructor(options: SandboxOptions) {
    this.options = options;
    this.orders = new OrderBook(options);
    this.calls = new CallLog(options.maxRecordedCalls);
    this.#faults = resolveFaults(options.faults);
    this.#reseed(options.faults.seed);
  }

  get faults(): FaultsView {
    return { ...structuredClone(this.#faults), seed: this.#seed };
  }

  /** @throws RangeError when the rates add up to more than 1 or a range is upside down. */
  setFaults(update: FaultsUpdate): FaultsView {
    this.#faults = resolveFaults(update);
    this.#reseed(update.seed);
    return this.faults;
  }

  planCall(): CallPlan {
    return planCall(this.#faults, this.#random);
  }

  /** Back to the state at start: no orders, no calls, the starting faults and seed. */
  reset(): void {
    this.orders.clear();
    this.calls.clear();
    this.#faults = resolveFaults(this.options.faults);
    this.#seed = null;
    this.#random = Math.random;
    this.#reseed(this.options.faults.seed);
  }

  #reseed(seed: number | undefined): void {
    if (seed === undefined) return;
    this.#seed = seed;
    this.#random = randomFor(seed);
  }
}
