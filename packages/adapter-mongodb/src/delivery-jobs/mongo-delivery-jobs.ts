/**
 * The `DeliveryJobs` port over the `delivery_jobs` collection. A claim is a `findOneAndUpdate` that
 * sets the lease only if the job is still pending and free, so of two workers racing for a job one
 * gets it and the other moves on to the next candidate.
 */
import {
  DELIVERY_JOB_STATES,
  type DeliveryJob,
  type DeliveryJobState,
  type DeliveryJobs,
  type DeliveryJobUpdate,
  type NewDeliveryJob,
} from '@cancel-sync/application';
import type { Collection, Db, Filter } from 'mongodb';
import { COLLECTIONS } from '../collections.ts';
import { isDuplicateKeyError } from '../duplicate-key.ts';
import {
  type DeliveryJobDocument,
  fromDocument,
  settlementToUpdate,
  toDocument,
} from './delivery-job-document.ts';

type Claim = Parameters<DeliveryJobs['claimNext']>[0];

/** Candidates read per query, and queries per claim before giving up until the next poll. */
const BATCH_SIZE = 20;
const MAX_ROUNDS = 5;

/** Free: nobody holds it, or its holder's lease ran out (a lease holds until `until`, exclusive). */
const leaseFree = (now: Date): Filter<DeliveryJobDocument> => ({
  $or: [{ lease: { $exists: false } }, { 'lease.until': { $lte: now } }],
});

const isClaimable = (job: DeliveryJobDocument, now: Date): boolean =>
  job.state === 'pending' && job.nextAttemptAt <= now && (job.lease === undefined || job.lease.until <= now);

export class MongoDeliveryJobs implements DeliveryJobs {
  readonly #jobs: Collection<DeliveryJobDocument>;

  constructor(db: Db) {
    this.#jobs = db.collection<DeliveryJobDocument>(COLLECTIONS.deliveryJobs);
  }

  async enqueue(job: NewDeliveryJob): Promise<'enqueued' | 'duplicate'> {
    try {
      await this.#jobs.insertOne(toDocument(job));
      return 'enqueued';
    } catch (error) {
      if (isDuplicateKeyError(error)) return 'duplicate';
      throw error;
    }
  }

  async claimNext(claim: Claim): Promise<DeliveryJob | undefined> {
    return (await this.claimDue(claim, 1))[0];
  }

  /**
   * Only the head of an order (its pending job of lowest sequence) may go out. Candidates are read
   * in due order, their orders' heads in one query; the heads among them are leased in parallel. An
   * order whose head cannot be claimed now is left out of the following queries, so a long queue of
   * one order does not hide the other orders' jobs.
   */
  async claimDue(claim: Claim, limit: number): Promise<readonly DeliveryJob[]> {
    const { now } = claim;
    const claimed: DeliveryJob[] = [];
    const examined: string[] = [];
    const blockedOrders = new Set<string>();
    for (let round = 1; round <= MAX_ROUNDS && claimed.length < limit; round += 1) {
      const candidates = await this.#jobs
        .find({
          state: 'pending',
          nextAttemptAt: { $lte: now },
          sellerId: { $nin: [...claim.excludeSellerIds] },
          _id: { $nin: examined },
          orderId: { $nin: [...blockedOrders] },
          ...leaseFree(now),
        })
        .sort({ nextAttemptAt: 1, sequence: 1, _id: 1 })
        .limit(Math.max(BATCH_SIZE, 2 * (limit - claimed.length)))
        .toArray();
      if (candidates.length === 0) break;
      const heads = await this.#heads([...new Set(candidates.map((candidate) => candidate.orderId))]);
      const chosen: DeliveryJobDocument[] = [];
      for (const candidate of candidates) {
        // Candidates past the limit stay unexamined: if a lease below is lost, the next round sees them.
        if (chosen.length + claimed.length >= limit) break;
        examined.push(candidate._id);
        if (blockedOrders.has(candidate.orderId)) continue;
        const head = heads.get(candidate.orderId);
        if (head?._id !== candidate._id) {
          // A head that is due and free is a candidate itself, in this batch or a later one.
          if (head === undefined || !isClaimable(head, now)) blockedOrders.add(candidate.orderId);
          continue;
        }
        blockedOrders.add(candidate.orderId);
        chosen.push(candidate);
      }
      const leased = await Promise.all(chosen.map((candidate) => this.#lease(candidate._id, claim)));
      // A head someone else leased first is theirs for now; its order stays blocked.
      for (const job of leased) if (job !== undefined) claimed.push(job);
    }
    return claimed;
  }

  async settle(jobId: string, owner: string, update: DeliveryJobUpdate): Promise<boolean> {
    const { matchedCount } = await this.#jobs.updateOne(
      { _id: jobId, 'lease.owner': owner },
      settlementToUpdate(update),
    );
    return matchedCount === 1;
  }

  async release(jobId: string, owner: string, nextAttemptAt: Date): Promise<boolean> {
    const { matchedCount } = await this.#jobs.updateOne(
      { _id: jobId, 'lease.owner': owner },
      { $set: { nextAttemptAt }, $unset: { lease: '' } },
    );
    return matchedCount === 1;
  }

  async find(jobId: string): Promise<DeliveryJob | undefined> {
    const document = await this.#jobs.findOne({ _id: jobId });
    return document === null ? undefined : fromDocument(document);
  }

  async countByState(): Promise<Record<DeliveryJobState, number>> {
    const counts: Record<DeliveryJobState, number> = { pending: 0, delivered: 0, rejected: 0, dead: 0 };
    const groups = await this.#jobs
      .aggregate<{ _id: unknown; count: number }>([{ $group: { _id: '$state', count: { $sum: 1 } } }])
      .toArray();
    for (const { _id, count } of groups) {
      const state = DELIVERY_JOB_STATES.find((known) => known === _id);
      if (state !== undefined) counts[state] = count;
    }
    return counts;
  }

  /** Each order's pending job of lowest sequence: the only one of the order that may go out. */
  async #heads(orderIds: readonly string[]): Promise<Map<string, DeliveryJobDocument>> {
    const pending = await this.#jobs
      .find({ orderId: { $in: [...orderIds] }, state: 'pending' })
      .sort({ orderId: 1, sequence: 1, _id: 1 })
      .toArray();
    const heads = new Map<string, DeliveryJobDocument>();
    for (const job of pending) if (!heads.has(job.orderId)) heads.set(job.orderId, job);
    return heads;
  }

  async #lease(jobId: string, claim: Claim): Promise<DeliveryJob | undefined> {
    const leased = await this.#jobs.findOneAndUpdate(
      { _id: jobId, state: 'pending', nextAttemptAt: { $lte: claim.now }, ...leaseFree(claim.now) },
      { $set: { lease: { owner: claim.owner, until: claim.leaseUntil } } },
      // The document as it was: a lease still on it is that of a holder that never settled.
      { returnDocument: 'before' },
    );
    if (leased === null) return undefined;
    const before = fromDocument(leased);
    return {
      ...before,
      lease: { owner: claim.owner, until: claim.leaseUntil },
      takenOverFrom: before.lease,
    };
  }
}
