/**
 * The `OrderLedger` port over the `orders` collection. Every write is one conditional update of one
 * document, so the order, the remembered request and the outbox entry change together or not at all.
 */
import {
  type CancellationRecord,
  type LedgerEntry,
  type LedgerWrite,
  MAX_REMEMBERED_REFUSALS,
  type OrderLedger,
  type ReadOptions,
} from '@cancel-sync/application';
import type { OrderCancelled } from '@cancel-sync/domain';
import type { Collection, Db, UpdateFilter } from 'mongodb';
import { COLLECTIONS } from '../collections.ts';
import { isDuplicateKeyError } from '../duplicate-key.ts';
import { toDocument as recordToDocument } from '../records/cancellation-record-document.ts';
import {
  eventToDocument,
  fromDocument,
  type OrderDocument,
  type OutboxEventDocument,
  orderFieldsToDocument,
  rememberedToDocument,
  toDocument,
} from './order-document.ts';

const expired = (now: Date) => ({ expiresAt: { $lt: now } });

/**
 * The remembered requests written whole, when some of those the writer read have expired. MongoDB
 * refuses `$push` and `$pull` on one field in one update (mongo-java-server too), and
 * mongo-java-server has no pipeline updates; but the write is conditional on the revision the
 * writer read, so what it read is what is stored: the kept ones and the new one replace them.
 * Nothing expired (the usual case): `undefined`, and the new one is pushed.
 */
const rememberedReplaced = (
  change: LedgerWrite,
): Pick<OrderDocument, 'rememberedRequests' | 'rememberedRefusals'> | undefined => {
  const read = change.readRemembered;
  if (change.remember === undefined || read === undefined) return undefined;
  const kept = read.filter((request) => request.expiresAt >= change.now);
  if (kept.length === read.length) return undefined;
  const all = [...kept, change.remember].map(rememberedToDocument);
  return {
    rememberedRequests: all.filter((request) => request.status !== 'FAILED'),
    rememberedRefusals: all.filter((request) => request.status === 'FAILED').slice(-MAX_REMEMBERED_REFUSALS),
  };
};

/** The record joins the order's pending ones; with `keep`, only the latest `keep` stay (the rest were copied). */
const recordPush = (record: CancellationRecord, keep: number | undefined) =>
  keep === undefined
    ? recordToDocument(record)
    : { $each: [recordToDocument(record)], $slice: -Math.max(1, keep) };

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
      change.announce === undefined ? [] : [this.#outboxEntry(change.announce, change.announceHere)];
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
    // Not told what the writer read: expired requests are dropped by an update of their own first
    // (readers check expiry themselves, so this changes nothing a reader sees as current).
    if (change.remember !== undefined && change.readRemembered === undefined)
      await this.#pruneExpired(change);
    const replaced = rememberedReplaced(change);
    const update: UpdateFilter<OrderDocument> = {
      $set: { ...orderFieldsToDocument(change.order), ...replaced },
    };
    if (change.remember === undefined) {
      update.$pull = { rememberedRequests: expired(change.now), rememberedRefusals: expired(change.now) };
    }
    const remembered = change.remember === undefined ? undefined : rememberedToDocument(change.remember);
    // A refusal changed nothing, so forgetting the oldest is safe: judged again, it changes nothing
    // it would not have the first time. Requests that applied something are never dropped here.
    const rememberPush =
      remembered === undefined || replaced !== undefined
        ? {}
        : remembered.status === 'FAILED'
          ? { rememberedRefusals: { $each: [remembered], $slice: -MAX_REMEMBERED_REFUSALS } }
          : { rememberedRequests: remembered };
    const pushes: UpdateFilter<OrderDocument>['$push'] = {
      ...rememberPush,
      ...(change.announce === undefined
        ? {}
        : { outbox: this.#outboxEntry(change.announce, change.announceHere) }),
      ...(change.record === undefined
        ? {}
        : { pendingRecords: recordPush(change.record, change.keepRecords) }),
    };
    if (Object.keys(pushes).length > 0) update.$push = pushes;
    // The outbox is due from its oldest entry on; an entry added to a due outbox changes nothing.
    // One its writer publishes itself is due for the relays only once the writer's mark runs out.
    if (change.announce !== undefined) {
      update.$min = { outboxDueAt: change.announceHere?.until ?? eventToDocument(change.announce).at };
    }

    const { matchedCount } = await this.#orders.updateOne(
      { _id: change.order.orderId, revision: change.expectedRevision },
      update,
    );
    return matchedCount === 1 ? 'written' : 'conflict';
  }

  async #pruneExpired(change: LedgerWrite): Promise<void> {
    await this.#orders.updateOne(
      {
        _id: change.order.orderId,
        $or: [
          { 'rememberedRequests.expiresAt': { $lt: change.now } },
          { 'rememberedRefusals.expiresAt': { $lt: change.now } },
        ],
      },
      { $pull: { rememberedRequests: expired(change.now), rememberedRefusals: expired(change.now) } },
    );
  }

  #outboxEntry(announce: OrderCancelled, here: LedgerWrite['announceHere']): OutboxEventDocument {
    const entry = eventToDocument(announce, this.#traceparent());
    return here === undefined ? entry : { ...entry, here: { owner: here.owner, until: here.until } };
  }

  async forgetRecords(orderId: string, recordIds: readonly string[]): Promise<void> {
    if (recordIds.length === 0) return;
    await this.#orders.updateOne(
      { _id: orderId },
      { $pull: { pendingRecords: { _id: { $in: [...recordIds] } } } },
    );
  }
}
