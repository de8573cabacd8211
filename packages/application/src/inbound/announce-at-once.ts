/**
 * Publishes at once the announcements this instance's own inbound cancellations wrote, with no
 * claim: their write marked them as this instance's (`LedgerWrite.announceHere`), so relays leave
 * them alone until the mark runs out, and one update per order removes them once they are on
 * the broker. Announcements accepted together go out in one send. Whatever this cannot publish (the
 * broker refuses, the process stops or dies) stays in the outbox and a relay publishes it once the
 * mark has run out: at least once, never lost, as with a relay's lease.
 */
import type { Outbox, OutboxEntry } from '../ports/order-ledger.ts';

interface Queued {
  readonly orderId: string;
  readonly entry: OutboxEntry;
}

export class AnnounceAtOnce {
  readonly #outbox: Outbox;
  readonly #publish: (entries: readonly OutboxEntry[]) => Promise<void>;
  readonly #onError: (error: unknown) => void;
  readonly #onPublished: (count: number) => void;
  #queue: Queued[] = [];
  #flushing: Promise<void> | undefined;
  #accepting = true;

  constructor(deps: {
    readonly outbox: Outbox;
    readonly publish: (entries: readonly OutboxEntry[]) => Promise<void>;
    /** A send or a removal failed: the relays publish what is left, once its mark has run out. */
    readonly onError: (error: unknown) => void;
    readonly onPublished?: ((count: number) => void) | undefined;
  }) {
    this.#outbox = deps.outbox;
    this.#publish = deps.publish;
    this.#onError = deps.onError;
    this.#onPublished = deps.onPublished ?? (() => undefined);
  }

  /** Whether a write may mark its announcement as this instance's now. */
  get accepting(): boolean {
    return this.#accepting;
  }

  /** An announcement written with `announceHere` by this instance: published as soon as possible. */
  publish(orderId: string, entry: OutboxEntry): void {
    this.#queue.push({ orderId, entry });
    this.#flushing ??= this.#flush().finally(() => {
      this.#flushing = undefined;
    });
  }

  /** Takes no more, and publishes what it was given. */
  async stop(): Promise<void> {
    this.#accepting = false;
    await this.#flushing;
  }

  async #flush(): Promise<void> {
    // What arrives while a send is under way goes in the next one.
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      try {
        await this.#publish(batch.map(({ entry }) => entry));
      } catch (error) {
        this.#onError(error);
        continue;
      }
      this.#onPublished(batch.length);
      const byOrder = new Map<string, string[]>();
      for (const { orderId, entry } of batch) {
        byOrder.set(orderId, [...(byOrder.get(orderId) ?? []), entry.event.eventId]);
      }
      await Promise.all(
        [...byOrder].map(([orderId, eventIds]) =>
          this.#outbox.publishedHere(orderId, eventIds).catch(this.#onError),
        ),
      );
    }
  }
}
