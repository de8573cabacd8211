import type { DeliveryJobUpdate } from '@cancel-sync/application';
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

const claimAt = (now: Date, owner = 'worker-1', excludeSellerIds: readonly string[] = []) =>
  jobs.claimNext({ owner, now, leaseUntil: new Date(now.getTime() + 30_000), excludeSellerIds });

const delivered = (at: Date): DeliveryJobUpdate => ({
  state: 'delivered',
  attempts: 1,
  unknownOutcomes: 0,
  firstAttemptAt: at,
  nextAttemptAt: at,
  finishedAt: at,
});

describe('DeliveryJobs over MongoDB: enqueue and find', () => {
  it('stores a new job as pending, due at once, with no attempt and no lease', async () => {
    const job = aDeliveryJob();
    expect(await jobs.enqueue(job)).toBe('enqueued');

    const found = await jobs.find(job.jobId);
    expect(found).toStrictEqual({
      ...job,
      state: 'pending',
      attempts: 0,
      unknownOutcomes: 0,
      nextAttemptAt: job.createdAt,
    });
    expect(found).not.toHaveProperty('lease');
    expect(found).not.toHaveProperty('firstAttemptAt');
  });

  it('tells a job enqueued twice (the same event seen again)', async () => {
    const job = aDeliveryJob();
    await jobs.enqueue(job);

    expect(await jobs.enqueue({ ...job, sequence: 999 })).toBe('duplicate');
    expect((await jobs.find(job.jobId))?.sequence).toBe(job.sequence);
  });

  it('finds nothing for an unknown job', async () => {
    expect(await jobs.find('job-unknown')).toBeUndefined();
  });
});

describe('DeliveryJobs over MongoDB: claims', () => {
  it('claims nothing when there is nothing', async () => {
    expect(await claimAt(T0)).toBeUndefined();
  });

  it('claims a job only once it is due', async () => {
    const job = aDeliveryJob({ createdAt: at(1_000) });
    await jobs.enqueue(job);

    expect(await claimAt(at(999))).toBeUndefined();
    const claimed = await claimAt(at(1_000));
    expect(claimed?.jobId).toBe(job.jobId);
    expect(claimed?.lease).toStrictEqual({ owner: 'worker-1', until: at(31_000) });
    expect((await jobs.find(job.jobId))?.lease).toStrictEqual({ owner: 'worker-1', until: at(31_000) });
  });

  it('claims the job that has been due longest first', async () => {
    const later = aDeliveryJob({ createdAt: at(20) });
    const earlier = aDeliveryJob({ createdAt: at(10) });
    await jobs.enqueue(later);
    await jobs.enqueue(earlier);

    expect((await claimAt(at(100)))?.jobId).toBe(earlier.jobId);
    expect((await claimAt(at(100)))?.jobId).toBe(later.jobId);
    expect(await claimAt(at(100))).toBeUndefined();
  });

  it('does not claim a later job of an order while an earlier one is pending', async () => {
    const first = aDeliveryJob({ orderId: 'SO-1', sequence: 1, createdAt: at(10) });
    // Due earlier than `first`, yet behind it in the order's sequence.
    const second = aDeliveryJob({ orderId: 'SO-1', sequence: 2, createdAt: at(5) });
    await jobs.enqueue(first);
    await jobs.enqueue(second);

    expect((await claimAt(at(100)))?.jobId).toBe(first.jobId);
    expect(await claimAt(at(100), 'worker-2')).toBeUndefined();

    expect(await jobs.settle(first.jobId, 'worker-1', delivered(at(200)))).toBe(true);
    expect((await claimAt(at(300), 'worker-2'))?.jobId).toBe(second.jobId);
  });

  it('holds back a later job of an order while the earlier one waits for its next attempt', async () => {
    const first = aDeliveryJob({ orderId: 'SO-1', sequence: 1 });
    const second = aDeliveryJob({ orderId: 'SO-1', sequence: 2 });
    await jobs.enqueue(first);
    await jobs.enqueue(second);
    await claimAt(T0);
    await jobs.release(first.jobId, 'worker-1', at(60_000));

    expect(await claimAt(at(1_000))).toBeUndefined();
    expect((await claimAt(at(60_000)))?.jobId).toBe(first.jobId);
  });

  it('finds the due jobs of other orders behind a long queue of one blocked order', async () => {
    const head = aDeliveryJob({ orderId: 'SO-busy', sequence: 0, createdAt: T0 });
    await jobs.enqueue(head);
    for (let sequence = 1; sequence <= 150; sequence += 1) {
      await jobs.enqueue(aDeliveryJob({ orderId: 'SO-busy', sequence, createdAt: at(sequence) }));
    }
    const other = aDeliveryJob({ orderId: 'SO-other', createdAt: at(1_000) });
    await jobs.enqueue(other);

    expect((await claimAt(at(2_000), 'worker-1'))?.jobId).toBe(head.jobId);
    expect((await claimAt(at(2_000), 'worker-2'))?.jobId).toBe(other.jobId);
    expect(await claimAt(at(2_000), 'worker-3')).toBeUndefined();
  });

  it('leaves out the jobs of excluded sellers', async () => {
    const open = aDeliveryJob({ sellerId: 'seller-open', createdAt: at(20) });
    const tripped = aDeliveryJob({ sellerId: 'seller-tripped', createdAt: at(10) });
    await jobs.enqueue(open);
    await jobs.enqueue(tripped);

    expect((await claimAt(at(100), 'worker-1', ['seller-tripped']))?.jobId).toBe(open.jobId);
    expect(await claimAt(at(100), 'worker-1', ['seller-tripped'])).toBeUndefined();
    expect((await claimAt(at(100), 'worker-1', []))?.jobId).toBe(tripped.jobId);
  });

  it('takes over a job whose lease expired, and then only the new holder may settle it', async () => {
    const job = aDeliveryJob();
    await jobs.enqueue(job);
    const first = await jobs.claimNext({
      owner: 'crashed',
      now: T0,
      leaseUntil: at(1_000),
      excludeSellerIds: [],
    });
    expect(first?.takenOverFrom).toBeUndefined();

    expect(await claimAt(at(999), 'rescuer')).toBeUndefined();
    const takenOver = await claimAt(at(1_000), 'rescuer');
    expect(takenOver?.jobId).toBe(job.jobId);
    expect(takenOver?.lease?.owner).toBe('rescuer');
    expect(takenOver?.takenOverFrom).toEqual({ owner: 'crashed', until: at(1_000) });

    expect(await jobs.settle(job.jobId, 'crashed', delivered(at(1_100)))).toBe(false);
    expect(await jobs.release(job.jobId, 'crashed', at(5_000))).toBe(false);
    expect(await jobs.settle(job.jobId, 'rescuer', delivered(at(1_200)))).toBe(true);
  });

  it('claims due heads in batches, each job to one of 4 concurrent batch claimers', async () => {
    const shared = aDeliveryJob({ sequence: 1, createdAt: at(0) });
    const later = aDeliveryJob({ orderId: shared.orderId, sequence: 2, createdAt: at(1) });
    const others = Array.from({ length: 8 }, (_, index) => aDeliveryJob({ createdAt: at(index + 2) }));
    for (const job of [shared, later, ...others]) await jobs.enqueue(job);

    const batches = await Promise.all(
      Array.from({ length: 4 }, (_, worker) =>
        jobs.claimDue(
          { owner: `batch-${worker}`, now: at(100), leaseUntil: at(30_000), excludeSellerIds: [] },
          5,
        ),
      ),
    );

    const claimedIds = batches.flat().map((job) => job.jobId);
    expect(new Set(claimedIds).size).toBe(claimedIds.length);
    expect(new Set(claimedIds)).toEqual(new Set([shared, ...others].map((job) => job.jobId)));
    expect(batches.every((batch) => batch.length <= 5)).toBe(true);
  });

  it('hands each of 5 due jobs to exactly one of 20 concurrent claimers', async () => {
    const due = Array.from({ length: 5 }, (_, index) => aDeliveryJob({ createdAt: at(index) }));
    for (const job of due) await jobs.enqueue(job);

    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, worker) => claimAt(at(100), `worker-${worker}`)),
    );

    const claimed = claims.filter((claim) => claim !== undefined);
    expect(claimed).toHaveLength(5);
    expect(new Set(claimed.map((claim) => claim.jobId))).toEqual(new Set(due.map((job) => job.jobId)));
    for (const claim of claimed) {
      expect((await jobs.find(claim.jobId))?.lease?.owner).toBe(claim.lease?.owner);
    }
  });
});

describe('DeliveryJobs over MongoDB: settling and releasing', () => {
  it('records the attempt, ends the lease, and the job is claimed no more', async () => {
    const job = aDeliveryJob();
    await jobs.enqueue(job);
    await claimAt(T0);

    expect(await jobs.settle(job.jobId, 'worker-1', delivered(at(500)))).toBe(true);

    expect(await jobs.find(job.jobId)).toStrictEqual({
      ...job,
      state: 'delivered',
      attempts: 1,
      unknownOutcomes: 0,
      firstAttemptAt: at(500),
      nextAttemptAt: at(500),
      finishedAt: at(500),
    });
    expect(await claimAt(at(1_000))).toBeUndefined();
  });

  it('keeps a retried job pending with its error, and removes fields the update leaves unset', async () => {
    const job = aDeliveryJob();
    await jobs.enqueue(job);
    await claimAt(T0);
    await jobs.settle(job.jobId, 'worker-1', { ...delivered(at(10)), state: 'pending', lastError: 'boom' });
    await claimAt(at(10));

    const retry: DeliveryJobUpdate = {
      state: 'pending',
      attempts: 2,
      unknownOutcomes: 1,
      firstAttemptAt: at(10),
      nextAttemptAt: at(5_000),
      lastError: 'Uniware did not answer within 10s',
    };
    expect(await jobs.settle(job.jobId, 'worker-1', retry)).toBe(true);

    const found = await jobs.find(job.jobId);
    expect(found).toStrictEqual({ ...job, ...retry });
    expect(found).not.toHaveProperty('finishedAt');
    expect(found).not.toHaveProperty('lease');
    expect(await claimAt(at(4_999))).toBeUndefined();
    expect((await claimAt(at(5_000)))?.attempts).toBe(2);
  });

  it('settles nothing for a job that is not leased, or leased to another', async () => {
    const job = aDeliveryJob();
    await jobs.enqueue(job);

    expect(await jobs.settle(job.jobId, 'worker-1', delivered(T0))).toBe(false);
    await claimAt(T0, 'worker-1');
    expect(await jobs.settle(job.jobId, 'worker-2', delivered(T0))).toBe(false);
    expect(await jobs.settle('job-unknown', 'worker-1', delivered(T0))).toBe(false);
    expect((await jobs.find(job.jobId))?.state).toBe('pending');
  });

  it('lets a holder whose lease ran out but was not taken over still settle', async () => {
    const job = aDeliveryJob();
    await jobs.enqueue(job);
    await jobs.claimNext({ owner: 'slow', now: T0, leaseUntil: at(10), excludeSellerIds: [] });

    expect(await jobs.settle(job.jobId, 'slow', delivered(at(50)))).toBe(true);
  });

  it('releases the lease without counting an attempt, only for its holder', async () => {
    const job = aDeliveryJob();
    await jobs.enqueue(job);
    await claimAt(T0, 'worker-1');

    expect(await jobs.release(job.jobId, 'worker-2', at(9_000))).toBe(false);
    expect(await jobs.release(job.jobId, 'worker-1', at(9_000))).toBe(true);
    expect(await jobs.release(job.jobId, 'worker-1', at(9_000))).toBe(false);

    const found = await jobs.find(job.jobId);
    expect(found).toStrictEqual({
      ...job,
      state: 'pending',
      attempts: 0,
      unknownOutcomes: 0,
      nextAttemptAt: at(9_000),
    });
    expect((await claimAt(at(9_000), 'worker-2'))?.jobId).toBe(job.jobId);
  });

  it('counts jobs by state, every state present', async () => {
    expect(await jobs.countByState()).toStrictEqual({ pending: 0, delivered: 0, rejected: 0, dead: 0 });
    const all = Array.from({ length: 4 }, () => aDeliveryJob());
    for (const job of all) await jobs.enqueue(job);
    for (const [index, state] of (['delivered', 'delivered', 'dead'] as const).entries()) {
      const claimed = await claimAt(at(index), `worker-${index}`);
      await jobs.settle(`${claimed?.jobId}`, `worker-${index}`, { ...delivered(at(index)), state });
    }

    expect(await jobs.countByState()).toStrictEqual({ pending: 1, delivered: 2, rejected: 0, dead: 1 });
  });
});
