/**
 * What operators do with `delivery_jobs`: filtered lists (each served by an index, see
 * `indexes.ts`), a replay as one compare-and-set, and the retention sweep of final jobs.
 */
import type {
  DeliveryJob,
  DeliveryJobOperations,
  JobFilter,
  ReplayWrite,
  Sweepable,
} from '@cancel-sync/application';
import type { Collection, Db, Filter } from 'mongodb';
import { COLLECTIONS } from '../collections.ts';
import {
  type DeliveryJobDocument,
  fromDocument,
  replayToDocument,
  requestToDocument,
} from './delivery-job-document.ts';

/** Final, and nothing left to publish: what retention may delete. */
const finishedBefore = (before: Date): Filter<DeliveryJobDocument> => ({
  finishedAt: { $lt: before },
  state: { $ne: 'pending' },
  deadLetterDueAt: { $exists: false },
});

export class MongoDeliveryJobOperations implements DeliveryJobOperations, Sweepable {
  readonly #jobs: Collection<DeliveryJobDocument>;

  constructor(db: Db) {
    this.#jobs = db.collection<DeliveryJobDocument>(COLLECTIONS.deliveryJobs);
  }

  async find(jobId: string): Promise<DeliveryJob | undefined> {
    const document = await this.#jobs.findOne({ _id: jobId });
    return document === null ? undefined : fromDocument(document);
  }

  async list(filter: JobFilter): Promise<readonly DeliveryJob[]> {
    const query: Filter<DeliveryJobDocument> = {};
    if (filter.sellerId !== undefined) query.sellerId = filter.sellerId;
    if (filter.states !== undefined) query.state = { $in: [...filter.states] };
    if (filter.deadLetterCodes !== undefined)
      query['deadLetters.code'] = { $in: [...filter.deadLetterCodes] };
    if (filter.createdSince !== undefined || filter.createdBefore !== undefined) {
      query.createdAt = {
        ...(filter.createdSince === undefined ? {} : { $gte: filter.createdSince }),
        ...(filter.createdBefore === undefined ? {} : { $lt: filter.createdBefore }),
      };
    }
    const documents = await this.#jobs
      .find(query)
      .sort({ createdAt: -1, _id: 1 })
      .limit(filter.limit)
      .toArray();
    return documents.map(fromDocument);
  }

  async forOrder(orderId: string): Promise<readonly DeliveryJob[]> {
    const documents = await this.#jobs.find({ orderId }).sort({ sequence: 1, _id: 1 }).toArray();
    return documents.map(fromDocument);
  }

  async replay(write: ReplayWrite): Promise<boolean> {
    const filter: Filter<DeliveryJobDocument> = {
      _id: write.jobId,
      state: write.from.state,
      unknownOutcomes: write.from.unknownOutcomes,
      replayCount: write.from.replays === 0 ? { $exists: false } : write.from.replays,
      lease: { $exists: false },
    };
    const set: Record<string, unknown> = {
      state: 'pending',
      nextAttemptAt: write.now,
      attemptLog: [],
      replayCount: write.from.replays + 1,
    };
    if (write.request !== undefined) set.request = requestToDocument(write.request);
    if (write.ledger !== undefined) set.ledger = write.ledger;
    const { matchedCount } = await this.#jobs.updateOne(filter, {
      $set: set,
      $unset: { finishedAt: '', lastError: '' },
      $push: { replays: replayToDocument(write.replay) },
    });
    return matchedCount === 1;
  }

  /** Final jobs whose dead letters are all published, finished before `before`. */
  async sweep(before: Date, limit: number): Promise<number> {
    const ids = await this.#jobs
      .find(finishedBefore(before), { projection: { _id: 1 } })
      .sort({ finishedAt: 1 })
      .limit(limit)
      .toArray();
    if (ids.length === 0) return 0;
    // The condition again: a job replayed in between is pending and stays.
    const { deletedCount } = await this.#jobs.deleteMany({
      _id: { $in: ids.map(({ _id }) => _id) },
      ...finishedBefore(before),
    });
    return deletedCount;
  }
}
