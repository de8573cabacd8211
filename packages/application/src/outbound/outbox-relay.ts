/**
 * Publishes the announcements the ledger wrote to its outbox, then marks them published. A crash
 * between the two publishes them again on restart: at least once, never lost.
 */
import type { CancellationEvents } from '../ports/cancellation-events.ts';
import type { Outbox } from '../ports/order-ledger.ts';

export interface OutboxRelaySettings {
  readonly batchSize: number;
  readonly pollIntervalMs: number;
}

export class OutboxRelay {
  readonly #outbox: Outbox;
  readonly #events: CancellationEvents;
  readonly #settings: OutboxRelaySettings;
  readonly #onError: (error: unknown) => void;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(deps: {
    readonly outbox: Outbox;
    readonly events: CancellationEvents;
    readonly settings: OutboxRelaySettings;
    readonly onError: (error: unknown) => void;
  }) {
    this.#outbox = deps.outbox;
    this.#events = deps.events;
    this.#settings = deps.settings;
    this.#onError = deps.onError;
  }

  /** Publishes one batch; resolves to how many were published. */
  async relayOnce(): Promise<number> {
    const pending = await this.#outbox.pending(this.#settings.batchSize);
    if (pending.length === 0) return 0;
    await this.#events.publish(pending);
    await this.#outbox.markPublished(pending);
    return pending.length;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
  }

  /** Something was written to the outbox: relay now rather than at the next poll. */
  notify(): void {
    this.#wake?.();
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let published = 0;
      try {
        published = await this.relayOnce();
      } catch (error) {
        this.#onError(error);
      }
      if (published < this.#settings.batchSize && this.#running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, this.#settings.pollIntervalMs);
          function done() {
            clearTimeout(timer);
            resolve();
          }
          this.#wake = done;
        });
      }
    }
  }
}
