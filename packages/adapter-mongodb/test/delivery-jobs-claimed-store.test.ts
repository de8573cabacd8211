/** The fast path's store: a job stored with its lease already held, fenced like any claim. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../src/collections.ts';
import type { MongoDeliveryJobs } from '../src/delivery-jobs/mongo-delivery-jobs.ts';
import { openTestDatabase, type TestDatabase } from './support/database.ts';
import { aDeliveryJob, at, T0 } from './support/mothers.ts';

let database: TestDatabase;
let jobs: MongoDeliveryJobs;

beforeAll(async () => {
  database = await openTestDatabase();
  jobs = database.stores.deliveryJobs;
});
afterAll(async () => {
  await database.drop();
});
beforeEach(async () => {
  await database.connection.db.collection(COLLECTIONS.deliveryJobs).deleteMany({});
});

const claim = { owner: 'worker-1', leaseUntil: at(30_000) };

describe('DeliveryJobs over MongoDB: stored claimed', () => {
  it('stores a new job leased by its owner with the first fence, which its writes then hold', async () => {
    const job = aDeliveryJob({ createdAt: T0 });
    const stored = await jobs.enqueueClaimed(job, claim);
    if (typeof stored === 'string') throw new Error(`expected a claimed job, got ${stored}`);
    expect(stored.fence).toEqual({ jobId: job.jobId, owner: 'worker-1', token: 1 });
    expect(stored).toMatchObject({ state: 'pending', attempts: 0, unknownOutcomes: 0 });
    expect(stored.tookOver).toBeUndefined();
    expect((await jobs.find(job.jobId))?.lease).toEqual({ owner: 'worker-1', until: at(30_000), token: 1 });

    // Nobody else claims it while the lease holds; its holder's writes go through.
    expect(
      await jobs.claimDue({ ...claim, owner: 'worker-2', now: at(1_000), excludeSellerIds: [] }, 5),
    ).toEqual([]);
    expect(await jobs.beginAttempt(stored.fence, 1, at(1_000))).toBe(true);
    expect(
      await jobs.settle(stored.fence, {
        state: 'delivered',
        unknownOutcomes: 0,
        nextAttemptAt: at(1_000),
        finishedAt: at(1_100),
        answer: { attempt: 1, endedAt: at(1_100), answer: { verdict: 'delivered', httpStatus: 200 } },
      }),
    ).toBe(true);
    expect(await jobs.find(job.jobId)).toMatchObject({ state: 'delivered', attempts: 1 });
  });

  it('is taken over as "maybe sent" once its lease ran out after the attempt started', async () => {
    const job = aDeliveryJob({ createdAt: T0 });
    const stored = await jobs.enqueueClaimed(job, claim);
    if (typeof stored === 'string') throw new Error(`expected a claimed job, got ${stored}`);
    expect(await jobs.beginAttempt(stored.fence, 1, at(1_000))).toBe(true);
    const [taken] = await jobs.claimDue(
      { owner: 'worker-2', now: at(30_000), leaseUntil: at(60_000), excludeSellerIds: [] },
      1,
    );
    expect(taken).toMatchObject({ jobId: job.jobId, tookOver: 'maybe-sent', unknownOutcomes: 1 });
    expect(taken?.fence.token).toBe(2);
    // The first holder's fence no longer holds.
    expect(await jobs.renew(stored.fence, at(90_000))).toBe(false);
  });

  it('stores the job free when an earlier job of its order is still pending, so that one goes first', async () => {
    const first = aDeliveryJob({ createdAt: T0, sequence: 4 });
    expect(await jobs.enqueue(first)).toBe('enqueued');
    const second = aDeliveryJob({ createdAt: T0, orderId: first.orderId, sequence: 9 });
    expect(await jobs.enqueueClaimed(second, claim)).toBe('enqueued');
    expect((await jobs.find(second.jobId))?.lease).toBeUndefined();
    const [head] = await jobs.claimDue({ ...claim, now: at(1), excludeSellerIds: [] }, 5);
    expect(head?.jobId).toBe(first.jobId);
  });

  it('claims a job of an order whose earlier jobs are all final', async () => {
    const first = aDeliveryJob({ createdAt: T0, sequence: 4, state: 'disagreed' });
    expect(await jobs.enqueue(first)).toBe('enqueued');
    const second = aDeliveryJob({ createdAt: T0, orderId: first.orderId, sequence: 9 });
    expect(typeof (await jobs.enqueueClaimed(second, claim))).toBe('object');
  });

  it('answers duplicate for a job stored before, and leaves that one as it was', async () => {
    const job = aDeliveryJob({ createdAt: T0 });
    expect(await jobs.enqueue(job)).toBe('enqueued');
    expect(await jobs.enqueueClaimed(job, claim)).toBe('duplicate');
    expect((await jobs.find(job.jobId))?.lease).toBeUndefined();
  });
});
