/**
 * The `OrderLedger` port over the `orders` collection. Every write is one conditional update of one
 * document, so the order, the remembered request and the outbox entry change together or not at all.
 */
import {
  type LedgerEntry,
  type LedgerWrite,
  MAX_REMEMBERED_REFUSALS,
  type OrderLedger,
  type ReadOptions,
} from '@cancel-sync/application';
import type { Collection, Db, UpdateFilter } from 'mongodb';
import { COLLECTIONS } from '../collections.ts';
import { isDuplicateKeyError } from '../duplicate-key.ts';
import { toDocument as recordToDocument } from '../records/cancellation-record-document.ts';
import {
  eventToDocument,
  fromDocument,
  type OrderDocument,
  orderFieldsToDocument,
  rememberedToDocument,
  toDocument,
} from './order-document.ts';

export class MongoOrderLedger implements OrderLedger {
  readonly #orders: Collection<OrderDocument>;
  readonly #traceparent: () => string | undefined;

  /** @param options.traceparent the trace an announcement is written in, kept with it for the relay. */
  constructor(db: Db, options: { readonly traceparent?: () => string | undefined } = {}) {
    this.#orders = db.collection<OrderDocument>(COLLECTIONS.orders);
    this.#traceparent = options.traceparent ?? (() => undefined);
  }

  async find(orderId: string, options: ReadOptions = {}): Promise<LedgerEntry | undefined> {
    const document = await this.#orders.findOne(
      { _id: orderId },
      {
        projection: { outbox: 0, outboxDueAt: 0, outboxLease: 0 },
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
    );
    return document === null ? undefined : fromDocument(document);
  }

  async write(change: LedgerWrite): Promise<'written' | 'conflict'> {
    return change.expectedRevision === undefined ? this.#create(change) : this.#update(change);
  }

  async #create(change: LedgerWrite): Promise<'written' | 'conflict'> {
    const remembered = change.remember === undefined ? [] : [change.remember];
    const outbox =
      change.announce === undefined ? [] : [eventToDocument(change.announce, this.#traceparent())];
    const records = change.record === undefined ? [] : [recordToDocument(change.record)];
    try {
      await this.#orders.insertOne(toDocument(change.order, remembered, outbox, records));
      return 'written';
    } catch (error) {
      if (isDuplicateKeyError(error)) return 'conflict';
      throw error;
    }
  }

  async #update(change: LedgerWrite): Promise<'written' | 'conflict'> {
    const orderId = change.order.orderId;
    const expired = { expiresAt: { $lt: change.now } };
    const update: UpdateFilter<OrderDocument> = { $set: orderFieldsToDocument(change.order) };
    if (change.remember === undefined) {
      update.$pull = { rememberedRequests: expired, rememberedRefusals: expired };
    } else {
      // MongoDB refuses `$push` and `$pull` on one field in one update (mongo-java-server too), and a
      // pipeline update that could filter and append at once is not implemented by mongo-java-server.
      // So expired requests are dropped just before: readers check expiry themselves, and this
      // housekeeping changes nothing a reader could see as current, whatever happens to the write.
      await this.#orders.updateOne(
        {
          _id: orderId,
          $or: [
            { 'rememberedRequests.expiresAt': { $lt: change.now } },
            { 'rememberedRefusals.expiresAt': { $lt: change.now } },
          ],
        },
        { $pull: { rememberedRequests: expired, rememberedRefusals: expired } },
      );
    }
    const remembered = change.remember === undefined ? undefined : rememberedToDocument(change.remember);
    // A refusal changed nothing, so forgetting the oldest is safe: judged again, it changes nothing
    // it would not have the first time. Requests that applied something are never dropped here.
    const rememberPush =
      remembered === undefined
        ? {}
        : remembered.status === 'FAILED'
          ? { rememberedRefusals: { $each: [remembered], $slice: -MAX_REMEMBERED_REFUSALS } }
          : { rememberedRequests: remembered };
    const pushes: UpdateFilter<OrderDocument>['$push'] = {
      ...rememberPush,
      ...(change.announce === undefined
        ? {}
        : { outbox: eventToDocument(change.announce, this.#traceparent()) }),
      ...(change.record === undefined ? {} : { pendingRecords: recordToDocument(change.record) }),
    };
    if (Object.keys(pushes).length > 0) update.$push = pushes;
    // The outbox is due from its oldest entry on; an entry added to a due outbox changes nothing.
    if (change.announce !== undefined) update.$min = { outboxDueAt: eventToDocument(change.announce).at };

    const { matchedCount } = await this.#orders.updateOne(
      { _id: orderId, revision: change.expectedRevision },
      update,
    );
    return matchedCount === 1 ? 'written' : 'conflict';
  }

  async forgetRecords(orderId: string, recordIds: readonly string[]): Promise<void> {
    if (recordIds.length === 0) return;
    await this.#orders.updateOne(
      { _id: orderId },
      { $pull: { pendingRecords: { _id: { $in: [...recordIds] } } } },
    );
  }
}
