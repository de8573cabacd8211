/**
 * The `Outbox` port over the `orders` collection: announcements sit in their order's document, put
 * there by the same update as the order change, until a relay has published them. A relay claims
 * one order's outbox at a time (see `relay-claims.ts`), so with several instances each announcement
 * is published by one of them.
 */
import type {
  Outbox,
  OutboxEntry,
  PendingAnnouncements,
  RelayBatch,
  RelayClaim,
} from '@cancel-sync/application';
import type { Collection, Db } from 'mongodb';
import { COLLECTIONS } from '../collections.ts';
import { optional } from '../optional.ts';
import {
  claimForRelay,
  clearDueIfDone,
  fencedBy,
  type RelayFields,
  releaseRelayLease,
} from '../relay-claims.ts';
import { eventFromDocument, type OrderDocument, type OutboxEventDocument } from './order-document.ts';

const FIELDS: RelayFields = { due: 'outboxDueAt', lease: 'outboxLease' };

export class MongoOutbox implements Outbox, PendingAnnouncements {
  readonly #orders: Collection<OrderDocument>;

  constructor(db: Db) {
    this.#orders = db.collection<OrderDocument>(COLLECTIONS.orders);
  }

  async claim(claim: RelayClaim, limit: number): Promise<readonly RelayBatch<OutboxEntry>[]> {
    const leased = await claimForRelay(this.#orders, FIELDS, claim, limit);
    // Left due by a relay that stopped between publishing and tidying up: tidy up for it.
    const empty = leased.filter(({ document }) => document.outbox.length === 0);
    await Promise.all(
      empty.map(({ document, token }) =>
        this.published({ id: document._id, owner: claim.owner, token, entries: [] }),
      ),
    );
    return leased
      .filter(({ document }) => document.outbox.length > 0)
      .map(({ document, token }) => ({
        id: document._id,
        owner: claim.owner,
        token,
        entries: [...document.outbox].sort(byOccurrence).map((entry) => ({
          event: eventFromDocument(entry),
          ...optional('traceparent', entry.traceparent),
        })),
      }));
  }

  async published(batch: RelayBatch<OutboxEntry>): Promise<void> {
    const eventIds = batch.entries.map(({ event }) => event.eventId);
    const { matchedCount } = await this.#orders.updateOne(fencedBy(FIELDS, batch.id, batch.token), {
      $pull: { outbox: { eventId: { $in: eventIds } } },
      $unset: { outboxLease: '' },
    });
    if (matchedCount === 1) await clearDueIfDone(this.#orders, FIELDS, batch.id, { outbox: { $size: 0 } });
  }

  /** One order's announcements not yet published. */
  async pendingFor(orderId: string): Promise<readonly OutboxEntry[]> {
    const document = await this.#orders.findOne({ _id: orderId }, { projection: { outbox: 1 } });
    return [...(document?.outbox ?? [])].sort(byOccurrence).map((entry) => ({
      event: eventFromDocument(entry),
      ...optional('traceparent', entry.traceparent),
    }));
  }

  /** When the oldest unpublished announcement became due, if any. */
  async oldestPendingSince(): Promise<Date | undefined> {
    const [oldest] = await this.#orders
      .find({ outboxDueAt: { $gte: new Date(0) } }, { projection: { outboxDueAt: 1 } })
      .sort({ outboxDueAt: 1 })
      .limit(1)
      .toArray();
    return oldest?.outboxDueAt;
  }

  release(batch: RelayBatch<OutboxEntry>, retryAt: Date): Promise<void> {
    return releaseRelayLease(this.#orders, FIELDS, batch.id, batch.token, retryAt);
  }
}

/** Stable: events of the same instant keep their order's write order. */
const byOccurrence = (a: OutboxEventDocument, b: OutboxEventDocument): number =>
  a.at.getTime() - b.at.getTime();
