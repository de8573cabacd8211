/**
 * Something stored that must also be published: announcements in an order's outbox, dead letters
 * on a job, parked records. Entries are claimed in batches (one per document) under a lease, so
 * that of several relays one publishes each batch; every write back is fenced by that lease.
 */

export interface RelayBatch<E> {
  /** The document the entries sit in. */
  readonly id: string;
  readonly owner: string;
  /** Changes with every claim: the fence of this batch's writes. */
  readonly token: string;
  readonly entries: readonly E[];
}

export interface RelayClaim {
  readonly owner: string;
  readonly now: Date;
  readonly leaseUntil: Date;
}

export interface RelaySource<E> {
  /** Leases up to `limit` documents with entries due for publication, oldest first. */
  claim(claim: RelayClaim, limit: number): Promise<readonly RelayBatch<E>[]>;
  /** The batch is on the broker: mark its entries published and end the lease. */
  published(batch: RelayBatch<E>, at: Date): Promise<void>;
  /** The batch could not be published: end the lease, due again at `retryAt`. */
  release(batch: RelayBatch<E>, retryAt: Date): Promise<void>;
}
