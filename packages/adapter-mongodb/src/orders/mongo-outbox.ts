/**
 * The `Outbox` port over the `orders` collection: announcements sit in their order's document, put
 * there by the same update as the order change, until the relay has published them.
 */
import type { Outbox } from '@cancel-sync/application';
import type { OrderCancelled } from '@cancel-sync/domain';
import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
import { COLLECTIONS } from '../collections.ts';
import { eventFromDocument, type OrderDocument, type OutboxEventDocument } from './order-document.ts';

export class MongoOutbox implements Outbox {
  readonly #orders: Collection<OrderDocument>;

  constructor(db: Db) {
    this.#orders = db.collection<OrderDocument>(COLLECTIONS.orders);
  }

  async pending(limit: number): Promise<readonly OrderCancelled[]> {
    if (limit <= 0) return [];
    // Sorting on an array field sorts each document by its smallest element, so the first `limit`
    // documents by their oldest event hold the `limit` oldest events of all.
    const documents = await this.#orders
      .find({ 'outbox.at': { $exists: true } }, { projection: { outbox: 1 } })
      .sort({ 'outbox.at': 1, _id: 1 })
      .limit(limit)
      .toArray();
    return documents
      .flatMap((document) => document.outbox)
      .sort(byOccurrence)
      .slice(0, limit)
      .map(eventFromDocument);
  }

  async markPublished(events: readonly Pick<OrderCancelled, 'orderId' | 'eventId'>[]): Promise<void> {
    const byOrder = new Map<string, string[]>();
    for (const { orderId, eventId } of events) {
      byOrder.set(orderId, [...(byOrder.get(orderId) ?? []), eventId]);
    }
    if (byOrder.size === 0) return;
    const operations: AnyBulkWriteOperation<OrderDocument>[] = [...byOrder].map(([orderId, eventIds]) => ({
      updateOne: { filter: { _id: orderId }, update: { $pull: { outbox: { eventId: { $in: eventIds } } } } },
    }));
    await this.#orders.bulkWrite(operations, { ordered: false });
  }
}

/** Stable: events of the same instant keep their order's write order. */
const byOccurrence = (a: OutboxEventDocument, b: OutboxEventDocument): number =>
  a.at.getTime() - b.at.getTime();
