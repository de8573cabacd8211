/** The `CancellationRecords` port over the `cancellation_records` collection. */
import type { CancellationRecord, CancellationRecords, Sweepable } from '@cancel-sync/application';
import { type Collection, type Db, MongoBulkWriteError } from 'mongodb';
import { COLLECTIONS } from '../collections.ts';
import { isDuplicateKeyError } from '../duplicate-key.ts';
import type { OrderDocument } from '../orders/order-document.ts';
import { sweepByDate } from '../sweep-by-date.ts';
import { type CancellationRecordDocument, fromDocument, toDocument } from './cancellation-record-document.ts';

/** An unordered insert that failed only because some of its documents were there already. */
const onlyDuplicates = (error: unknown): boolean => {
  if (!(error instanceof MongoBulkWriteError)) return false;
  const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  return errors.length > 0 && errors.every((writeError) => writeError.code === 11000);
};

export class MongoCancellationRecords implements CancellationRecords, Sweepable {
  readonly #records: Collection<CancellationRecordDocument>;
  readonly #orders: Collection<OrderDocument>;

  constructor(db: Db) {
    this.#records = db.collection<CancellationRecordDocument>(COLLECTIONS.cancellationRecords);
    this.#orders = db.collection<OrderDocument>(COLLECTIONS.orders);
  }

  /** A record with this request id is already there: the first one written stands. */
  async append(record: CancellationRecord): Promise<void> {
    try {
      await this.#records.insertOne(toDocument(record));
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /** One insert; records already there (a copy retried after a crash) are left as they are. */
  async appendAll(records: readonly CancellationRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.#records.insertMany(records.map(toDocument), { ordered: false });
    } catch (error) {
      if (!onlyDuplicates(error)) throw error;
    }
  }

  async find(recordId: string): Promise<CancellationRecord | undefined> {
    const document = await this.#records.findOne({ _id: recordId });
    return document === null ? undefined : fromDocument(document);
  }

  async forOrder(sellerId: string, orderId: string): Promise<readonly CancellationRecord[]> {
    const [copied, order] = await Promise.all([
      this.#records.find({ sellerId, orderId }).sort({ receivedAt: 1, _id: 1 }).toArray(),
      this.#orders.findOne({ _id: orderId }, { projection: { pendingRecords: 1 } }),
    ]);
    // Records written with the order and not copied yet belong to the history all the same.
    const known = new Set(copied.map((document) => document._id));
    const pending = (order?.pendingRecords ?? []).filter(
      (document) => document.sellerId === sellerId && !known.has(document._id),
    );
    if (pending.length === 0) return copied.map(fromDocument);
    return [...copied, ...pending]
      .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || (a._id < b._id ? -1 : 1))
      .map(fromDocument);
  }

  sweep(before: Date, limit: number): Promise<number> {
    return sweepByDate(this.#records, 'receivedAt', before, limit);
  }
}
