/**
 * The dispatcher's view of the sellers: each one read at most once per `maxAgeMs`, instead of once
 * per delivery. Sellers are changed by the operator CLI, another process: a seller disabled or given
 * a new merchant id is seen here within `maxAgeMs` at the latest. Unregistered sellers are
 * remembered for as long (a job waiting for its seller looks again after that). `maxAgeMs` 0
 * reads every time. One entry per seller that had a delivery here.
 */
import type { Clock } from '../ports/clock.ts';
import type { Seller, SellerRegistry } from '../ports/sellers.ts';

type Entry = { readonly seller: Seller | undefined; readonly readAt: number };

export class SellerCache {
  readonly #sellers: Pick<SellerRegistry, 'findById'>;
  readonly #clock: Clock;
  readonly #maxAgeMs: number;
  readonly #entries = new Map<string, Entry>();
  /** One read per seller at a time: deliveries of one seller arriving together share it. */
  readonly #reading = new Map<string, Promise<Seller | undefined>>();

  constructor(sellers: Pick<SellerRegistry, 'findById'>, clock: Clock, maxAgeMs: number) {
    this.#sellers = sellers;
    this.#clock = clock;
    this.#maxAgeMs = maxAgeMs;
  }

  /** The seller as read within `maxAgeMs`, from the registry if older. */
  findById(sellerId: string): Promise<Seller | undefined> {
    if (this.#maxAgeMs <= 0) return this.#sellers.findById(sellerId);
    const entry = this.#entries.get(sellerId);
    const now = this.#clock.now().getTime();
    if (entry !== undefined && now - entry.readAt < this.#maxAgeMs) return Promise.resolve(entry.seller);
    const reading = this.#reading.get(sellerId);
    if (reading !== undefined) return reading;
    const read = this.#sellers
      .findById(sellerId)
      .then((seller) => {
        this.#entries.set(sellerId, { seller, readAt: now });
        return seller;
      })
      .finally(() => this.#reading.delete(sellerId));
    this.#reading.set(sellerId, read);
    return read;
  }
}
