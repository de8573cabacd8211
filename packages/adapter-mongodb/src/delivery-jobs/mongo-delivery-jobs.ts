/**
 * The `DeliveryJobs` port over the `delivery_jobs` collection. A claim is a `findOneAndUpdate` that
 * sets the lease only if the job is still pending and free, so of two workers racing for a job one
 * gets it and the other moves on to the next candidate.
 */
import {
  type ClaimedJob,
  DELIVERY_JOB_STATES,
  type DeliveryJob,
  type DeliveryJobState,
  type DeliveryJobs,
  type DeliveryJobUpdate,
  type JobClaim,
  type LeaseFence,
  type LedgerResolution,
  type NewDeliveryJob,
  type StoreClaim,
} from '@cancel-sync/application';
import type { Collection, Db, Filter, UpdateFilter } from 'mongodb';
import { COLLECTIONS } from '../collections.ts';
import { isDuplicateKeyError } from '../duplicate-key.ts';
import {
  ATTEMPT_LOG_MAX,
  answerToDocument,
  type DeliveryJobDocument,
  deadLetterToDocument,
  fromDocument,
  requestToDocument,
  toDocument,
} from './delivery-job-document.ts';

type Claim = JobClaim;

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
  readonly #traceparent: () => string | undefined;

  /** @param options.traceparent the trace a job is stored in, kept with it for its attempts to join. */
  constructor(db: Db, options: { readonly traceparent?: () => string | undefined } = {}) {
    this.#jobs = db.collection<DeliveryJobDocument>(COLLECTIONS.deliveryJobs);
    this.#traceparent = options.traceparent ?? (() => undefined);
  }

  async enqueue(job: NewDeliveryJob): Promise<'enqueued' | 'duplicate'> {
    try {
      await this.#jobs.insertOne(toDocument({ ...job, traceparent: job.traceparent ?? this.#traceparent() }));
      return 'enqueued';
    } catch (error) {
      if (isDuplicateKeyError(error)) return 'duplicate';
      throw error;
    }
  }

  /**
   * One indexed read (`order_state_sequence`: is an earlier job of the order still pending?) and
   * the insert with the lease held. Only an operator's replay can make an earlier job pending in
   * between; the claim loop's own check (`claimDue`) has the same window.
   */
  async enqueueClaimed(
    job: NewDeliveryJob,
    claim: StoreClaim,
  ): Promise<ClaimedJob | 'enqueued' | 'duplicate'> {
    const earlier = await this.#jobs.findOne(
      { orderId: job.orderId, state: 'pending', sequence: { $lt: job.sequence } },
      { projection: { _id: 1 } },
    );
    if (earlier !== null) return this.enqueue(job);
    const lease = { owner: claim.owner, until: claim.leaseUntil, token: 1 };
    const document: DeliveryJobDocument = {
      ...toDocument({ ...job, traceparent: job.traceparent ?? this.#traceparent() }),
      claims: 1,
      lease,
    };
    try {
      await this.#jobs.insertOne(document);
    } catch (error) {
      if (isDuplicateKeyError(error)) return 'duplicate';
      throw error;
    }
    return { ...fromDocument(document), fence: { jobId: job.jobId, owner: claim.owner, token: 1 } };
  }

  /**
   * Only the head of an order (its pending job of lowest sequence) may go out. Candidates are read
   * in due order, their orders' heads in one query; the heads among them are leased in parallel. An
   * order whose head cannot be claimed now is left out of the following queries, so a long queue of
   * one order does not hide the other orders' jobs.
   */
  async claimDue(claim: Claim, limit: number): Promise<readonly ClaimedJob[]> {
    const { now } = claim;
    const claimed: ClaimedJob[] = [];
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
      const leased = await Promise.all(chosen.map((candidate) => this.#lease(candidate, claim)));
      // A head someone else leased first is theirs for now; its order stays blocked.
      for (const job of leased) if (job !== undefined) claimed.push(job);
    }
    return claimed;
  }

  async renew(fence: LeaseFence, leaseUntil: Date): Promise<boolean> {
    const { matchedCount } = await this.#jobs.updateOne(fenced(fence), {
      $set: { 'lease.until': leaseUntil },
    });
    return matchedCount === 1;
  }

  async beginAttempt(fence: LeaseFence, attempt: number, at: Date): Promise<boolean> {
    const { matchedCount } = await this.#jobs.updateOne(fenced(fence), {
      $set: { attempts: attempt, inFlightAttempt: attempt },
      $push: {
        attemptLog: { $each: [{ attempt, owner: fence.owner, startedAt: at }], $slice: -ATTEMPT_LOG_MAX },
      },
    });
    return matchedCount === 1;
  }

  async resolveLedger(fence: LeaseFence, resolution: LedgerResolution): Promise<boolean> {
    const update: UpdateFilter<DeliveryJobDocument> = {
      $set: { ledger: resolution.ledger, request: requestToDocument(resolution.request) },
      ...withDeadLetter(resolution.deadLetter),
    };
    const { matchedCount } = await this.#jobs.updateOne(fenced(fence), update);
    return matchedCount === 1;
  }

  async settle(fence: LeaseFence, update: DeliveryJobUpdate): Promise<boolean> {
    const filter: Filter<DeliveryJobDocument> = fenced(fence);
    const set: Record<string, unknown> = {
      state: update.state,
      unknownOutcomes: update.unknownOutcomes,
      nextAttemptAt: update.nextAttemptAt,
    };
    const unset: Record<string, ''> = { lease: '', inFlightAttempt: '' };
    if (update.lastError === undefined) unset.lastError = '';
    else set.lastError = update.lastError;
    if (update.finishedAt === undefined) unset.finishedAt = '';
    else set.finishedAt = update.finishedAt;
    if (update.answer !== undefined) {
      // The positional operator finds this holder's attempt wherever the capped log put it.
      filter['attemptLog.attempt'] = update.answer.attempt;
      set['attemptLog.$.endedAt'] = update.answer.endedAt;
      set['attemptLog.$.answer'] = answerToDocument(update.answer.answer);
    }
    const letter = withDeadLetter(update.deadLetter);
    const { matchedCount } = await this.#jobs.updateOne(filter, {
      $set: set,
      $unset: unset,
      ...letter,
    } as UpdateFilter<DeliveryJobDocument>);
    return matchedCount === 1;
  }

  async release(fence: LeaseFence, nextAttemptAt: Date): Promise<boolean> {
    const { matchedCount } = await this.#jobs.updateOne(fenced(fence), {
      $set: { nextAttemptAt },
      $unset: { lease: '' },
    });
    return matchedCount === 1;
  }

  async find(jobId: string): Promise<DeliveryJob | undefined> {
    const document = await this.#jobs.findOne({ _id: jobId });
    return document === null ? undefined : fromDocument(document);
  }

  /** One count per state, each served by the `state_created` index (no scan of the collection). */
  async countByState(): Promise<Record<DeliveryJobState, number>> {
    const counts = await Promise.all(
      DELIVERY_JOB_STATES.map(async (state) => [state, await this.#jobs.countDocuments({ state })] as const),
    );
    return Object.fromEntries(counts) as Record<DeliveryJobState, number>;
  }

  /** When the oldest pending job was stored, if any: how far behind deliveries are. */
  async oldestPendingSince(): Promise<Date | undefined> {
    const [oldest] = await this.#jobs
      .find({ state: 'pending' }, { projection: { createdAt: 1 } })
      .sort({ state: 1, createdAt: 1 })
      .limit(1)
      .toArray();
    return oldest?.createdAt;
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

  /**
   * A compare-and-set on the claim count and on the in-flight attempt as read: a holder that renewed
   * or started a call in between keeps its job. Taking over a job whose holder had started a call
   * counts an unknown outcome on it in the same write.
   */
  async #lease(candidate: DeliveryJobDocument, claim: Claim): Promise<ClaimedJob | undefined> {
    const token = candidate.claims + 1;
    const inFlight = candidate.inFlightAttempt;
    const filter: Filter<DeliveryJobDocument> = {
      _id: candidate._id,
      state: 'pending',
      claims: candidate.claims,
      nextAttemptAt: { $lte: claim.now },
      inFlightAttempt: inFlight ?? { $exists: false },
      ...leaseFree(claim.now),
    };
    const update: UpdateFilter<DeliveryJobDocument> = {
      $set: { claims: token, lease: { owner: claim.owner, until: claim.leaseUntil, token } },
    };
    if (inFlight !== undefined) {
      filter['attemptLog.attempt'] = inFlight;
      update.$inc = { unknownOutcomes: 1 };
      update.$unset = { inFlightAttempt: '' };
      update.$set = {
        ...update.$set,
        'attemptLog.$.answer': answerToDocument({
          verdict: 'unknown',
          message: 'its holder stopped during the call, before an answer was recorded',
        }),
      };
    }
    const leased = await this.#jobs.findOneAndUpdate(filter, update, { returnDocument: 'after' });
    if (leased === null) return undefined;
    const job = fromDocument(leased);
    const tookOver =
      inFlight !== undefined ? 'maybe-sent' : candidate.lease === undefined ? undefined : 'never-sent';
    return { ...job, fence: { jobId: job.jobId, owner: claim.owner, token }, tookOver };
  }
}

const fenced = (fence: LeaseFence): Filter<DeliveryJobDocument> => ({
  _id: fence.jobId,
  'lease.owner': fence.owner,
  'lease.token': fence.token,
});

/** A dead letter appended with the job's state, due for the dead-letter relay from then on. */
const withDeadLetter = (letter: DeliveryJobUpdate['deadLetter']): UpdateFilter<DeliveryJobDocument> =>
  letter === undefined
    ? {}
    : {
        $push: { deadLetters: deadLetterToDocument(letter) },
        $inc: { deadLetterCount: 1 },
        $min: { deadLetterDueAt: letter.at },
      };
