/** The `CancellationRecords` port over the `cancellation_records` collection. */
import type { CancellationRecord, CancellationRecords, Sweepable } from '@cancel-sync/application';
import type { Collection, Db } from 'mongodb';
import { COLLECTIONS } from '../collections.ts';
import { isDuplicateKeyError } from '../duplicate-key.ts';
import { sweepByDate } from '../sweep-by-date.ts';
import { type CancellationRecordDocument, fromDocument, toDocument } from './cancellation-record-document.ts';

export class MongoCancellationRecords implements CancellationRecords, Sweepable {
  readonly #records: Collection<CancellationRecordDocument>;

  constructor(db: Db) {
    this.#records = db.collection<CancellationRecordDocument>(COLLECTIONS.cancellationRecords);
  }

  /** A record with this request id is already there: the first one written stands. */
  async append(record: CancellationRecord): Promise<void> {
    try {
      await this.#records.insertOne(toDocument(record));
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async forOrder(sellerId: string, orderId: string): Promise<readonly CancellationRecord[]> {
    const documents = await this.#records
      .find({ sellerId, orderId })
      .sort({ receivedAt: 1, _id: 1 })
      .toArray();
    return documents.map(fromDocument);
  }

  sweep(before: Date, limit: number): Promise<number> {
    return sweepByDate(this.#records, 'receivedAt', before, limit);
  }
}
