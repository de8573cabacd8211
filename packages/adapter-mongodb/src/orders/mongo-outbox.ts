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
    const batches: RelayBatch<OutboxEntry>[] = [];
    await Promise.all(
      leased.map(async ({ document, token }) => {
        const batch = { id: document._id, owner: claim.owner, token };
        // Entries their writer publishes itself are left to it until its mark runs out.
        const theirs = document.outbox.filter(
          (entry) => entry.here !== undefined && entry.here.until > claim.now,
        );
        const ours = document.outbox.filter((entry) => !theirs.includes(entry));
        if (ours.length > 0) {
          batches.push({ ...batch, entries: [...ours].sort(byOccurrence).map(entryOf) });
        } else if (theirs.length > 0) {
          // Due again when the first mark runs out, if its writer has not published it by then.
          const until = Math.min(...theirs.map((entry) => (entry.here as { until: Date }).until.getTime()));
          await releaseRelayLease(this.#orders, FIELDS, document._id, token, new Date(until));
        } else {
          // Left due by a relay that stopped between publishing and tidying up: tidy up for it.
          await this.published({ ...batch, entries: [] });
        }
      }),
    );
    return batches;
  }

  async published(batch: RelayBatch<OutboxEntry>): Promise<void> {
    const eventIds = batch.entries.map(({ event }) => event.eventId);
    // The usual case, one update: the outbox holds exactly the batch (nothing joined it meanwhile).
    const whole = await this.#orders.updateOne(
      {
        ...fencedBy<OrderDocument>(FIELDS, batch.id, batch.token),
        outbox: { $size: eventIds.length },
        ...(eventIds.length === 0 ? {} : { 'outbox.eventId': { $all: eventIds } }),
      },
      { $set: { outbox: [] }, $unset: { outboxLease: '', outboxDueAt: '' } },
    );
    if (whole.matchedCount === 1) return;
    const { matchedCount } = await this.#orders.updateOne(fencedBy(FIELDS, batch.id, batch.token), {
      $pull: { outbox: { eventId: { $in: eventIds } } },
      $unset: { outboxLease: '' },
    });
    if (matchedCount === 1) await clearDueIfDone(this.#orders, FIELDS, batch.id, { outbox: { $size: 0 } });
  }

  async publishedHere(orderId: string, eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    // The usual case: they are all the outbox holds and no relay holds it; it stops being due.
    const { matchedCount } = await this.#orders.updateOne(
      {
        _id: orderId,
        outbox: { $size: eventIds.length },
        'outbox.eventId': { $all: [...eventIds] },
        outboxLease: { $exists: false },
      },
      { $set: { outbox: [] }, $unset: { outboxDueAt: '' } },
    );
    if (matchedCount === 1) return;
    // Others joined them (or a relay holds the outbox): take only these out. The order stays due
    // (at the earliest writer's mark at most), and a relay tidies it if nothing is left by then.
    await this.#orders.updateOne(
      { _id: orderId },
      { $pull: { outbox: { eventId: { $in: [...eventIds] } } } },
    );
  }

  /** One order's announcements not yet published. */
  async pendingFor(orderId: string): Promise<readonly OutboxEntry[]> {
    const document = await this.#orders.findOne({ _id: orderId }, { projection: { outbox: 1 } });
    return [...(document?.outbox ?? [])].sort(byOccurrence).map(entryOf);
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

const entryOf = (entry: OutboxEventDocument): OutboxEntry => ({
  event: eventFromDocument(entry),
  ...optional('traceparent', entry.traceparent),
});

/** Stable: events of the same instant keep their order's write order. */
const byOccurrence = (a: OutboxEventDocument, b: OutboxEventDocument): number =>
  a.at.getTime() - b.at.getTime();
