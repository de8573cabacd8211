import type { ClaimedJob, DeliveryJobUpdate, LeaseFence } from '@cancel-sync/application';
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

const claimAt = async (
  now: Date,
  owner = 'worker-1',
  excludeSellerIds: readonly string[] = [],
  leaseUntil = new Date(now.getTime() + 30_000),
): Promise<ClaimedJob | undefined> =>
  (await jobs.claimDue({ owner, now, leaseUntil, excludeSellerIds }, 1))[0];

/** The fence of a claim that must have succeeded. */
const fenceOf = (claimed: ClaimedJob | undefined): LeaseFence => {
  if (claimed === undefined) throw new Error('expected a claim');
  return claimed.fence;
};

const delivered = (at: Date): DeliveryJobUpdate => ({
  state: 'delivered',
  unknownOutcomes: 0,
  nextAttemptAt: at,
  finishedAt: at,
});

/** What a new job reads back as, before anything happened to it. */
const fresh = { attempts: 0, unknownOutcomes: 0, attemptLog: [], deadLetters: [] };

describe('DeliveryJobs over MongoDB: enqueue and find', () => {
  it('stores a new job as pending, due at once, with no attempt and no lease', async () => {
    const job = aDeliveryJob();
    expect(await jobs.enqueue(job)).toBe('enqueued');

    const found = await jobs.find(job.jobId);
    expect(found).toStrictEqual({ ...job, ...fresh, state: 'pending', nextAttemptAt: job.createdAt });
    expect(found).not.toHaveProperty('lease');
  });

  it('stores a job final with its dead letter when nothing is to be sent', async () => {
    const job = aDeliveryJob({
      state: 'disagreed',
      deadLetter: { code: 'LEDGER_DISAGREES', reason: 'refused', at: T0 },
    });
    await jobs.enqueue(job);
    expect(await jobs.find(job.jobId)).toMatchObject({
      state: 'disagreed',
      deadLetters: [{ code: 'LEDGER_DISAGREES', reason: 'refused', at: T0 }],
    });
    expect(await claimAt(at(1_000))).toBeUndefined();
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
    expect(claimed?.lease).toStrictEqual({ owner: 'worker-1', until: at(31_000), token: 1 });
    expect(claimed?.fence).toStrictEqual({ jobId: job.jobId, owner: 'worker-1', token: 1 });
    expect(claimed?.tookOver).toBeUndefined();
    expect((await jobs.find(job.jobId))?.lease).toStrictEqual({
      owner: 'worker-1',
      until: at(31_000),
      token: 1,
    });
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

    const claimed = await claimAt(at(100));
    expect(claimed?.jobId).toBe(first.jobId);
    expect(await claimAt(at(100), 'worker-2')).toBeUndefined();

    expect(await jobs.settle(fenceOf(claimed), delivered(at(200)))).toBe(true);
    expect((await claimAt(at(300), 'worker-2'))?.jobId).toBe(second.jobId);
  });

  it('holds back a later job of an order while the earlier one waits for its next attempt', async () => {
    const first = aDeliveryJob({ orderId: 'SO-1', sequence: 1 });
    const second = aDeliveryJob({ orderId: 'SO-1', sequence: 2 });
    await jobs.enqueue(first);
    await jobs.enqueue(second);
    await jobs.release(fenceOf(await claimAt(T0)), at(60_000));

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

  it('takes over a job whose lease expired, and then only the new holder may write to it', async () => {
    const job = aDeliveryJob();
    await jobs.enqueue(job);
    const first = await claimAt(T0, 'crashed', [], at(1_000));
    expect(first?.tookOver).toBeUndefined();

    expect(await claimAt(at(999), 'rescuer')).toBeUndefined();
    const takenOver = await claimAt(at(1_000), 'rescuer');
    expect(takenOver?.jobId).toBe(job.jobId);
    expect(takenOver?.lease).toMatchObject({ owner: 'rescuer', token: 2 });
    // It had not started a call: not an unknown outcome.
    expect(takenOver?.tookOver).toBe('never-sent');
    expect(takenOver?.unknownOutcomes).toBe(0);

    const stale = fenceOf(first);
    expect(await jobs.beginAttempt(stale, 1, at(1_050))).toBe(false);
    expect(await jobs.renew(stale, at(9_000))).toBe(false);
    expect(await jobs.settle(stale, delivered(at(1_100)))).toBe(false);
    expect(await jobs.release(stale, at(5_000))).toBe(false);
    expect(await jobs.settle(fenceOf(takenOver), delivered(at(1_200)))).toBe(true);
  });

  it('fences by the claim, not the owner: the same owner with an older lease cannot write', async () => {
    const job = aDeliveryJob();
    await jobs.enqueue(job);
    const first = await claimAt(T0, 'worker-1', [], at(1_000));
    const again = await claimAt(at(1_000), 'worker-1');
    expect(again?.fence.token).toBe(2);
    expect(await jobs.settle(fenceOf(first), delivered(at(1_100)))).toBe(false);
    expect(await jobs.settle(fenceOf(again), delivered(at(1_100)))).toBe(true);
  });

  it('counts an unknown outcome, once, when it takes over a job whose holder had started a call', async () => {
    const job = aDeliveryJob();
    await jobs.enqueue(job);
    const first = await claimAt(T0, 'crashed', [], at(1_000));
    expect(await jobs.beginAttempt(fenceOf(first), 1, at(10))).toBe(true);

    const takenOver = await claimAt(at(1_000), 'rescuer');
    expect(takenOver).toMatchObject({ tookOver: 'maybe-sent', unknownOutcomes: 1, attempts: 1 });
    expect(takenOver?.attemptLog).toEqual([
      {
        attempt: 1,
        owner: 'crashed',
        startedAt: at(10),
        answer: expect.objectContaining({ verdict: 'unknown' }),
      },
    ]);
    // The rescuer itself dies before calling: the next holder counts nothing more.
    const third = await claimAt(at(31_000), 'third');
    expect(third).toMatchObject({ tookOver: 'never-sent', unknownOutcomes: 1 });
  });

  it('renews a lease for its holder, keeping others off the job', async () => {
    const job = aDeliveryJob();
    await jobs.enqueue(job);
    const held = await claimAt(T0, 'worker-1', [], at(1_000));
    expect(await jobs.renew(fenceOf(held), at(5_000))).toBe(true);
    expect(await claimAt(at(4_999), 'worker-2')).toBeUndefined();
    expect((await claimAt(at(5_000), 'worker-2'))?.tookOver).toBe('never-sent');
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

describe('DeliveryJobs over MongoDB: attempts, settling and releasing', () => {
  it('records the attempt and its answer, ends the lease, and the job is claimed no more', async () => {
    const job = aDeliveryJob();
    await jobs.enqueue(job);
    const fence = fenceOf(await claimAt(T0));
    expect(await jobs.beginAttempt(fence, 1, at(100))).toBe(true);
    const answer = { verdict: 'delivered' as const, httpStatus: 200, uniwareStatus: 'success' };

    expect(
      await jobs.settle(fence, { ...delivered(at(500)), answer: { attempt: 1, endedAt: at(500), answer } }),
    ).toBe(true);

    expect(await jobs.find(job.jobId)).toStrictEqual({
      ...job,
      ...fresh,
      state: 'delivered',
      attempts: 1,
      attemptLog: [{ attempt: 1, owner: 'worker-1', startedAt: at(100), endedAt: at(500), answer }],
      nextAttemptAt: at(500),
      finishedAt: at(500),
    });
    expect(await claimAt(at(1_000))).toBeUndefined();
  });

  it('keeps a retried job pending with its error, and removes fields the update leaves unset', async () => {
    const job = aDeliveryJob();
    await jobs.enqueue(job);
    await jobs.settle(fenceOf(await claimAt(T0)), {
      ...delivered(at(10)),
      state: 'pending',
      lastError: 'boom',
    });
    const fence = fenceOf(await claimAt(at(10)));

    const retry: DeliveryJobUpdate = {
      state: 'pending',
      unknownOutcomes: 1,
      nextAttemptAt: at(5_000),
      lastError: 'Uniware did not answer within 10s',
    };
    expect(await jobs.settle(fence, retry)).toBe(true);

    const found = await jobs.find(job.jobId);
    expect(found).toStrictEqual({ ...job, ...fresh, ...retry });
    expect(found).not.toHaveProperty('finishedAt');
    expect(found).not.toHaveProperty('lease');
    expect(await claimAt(at(4_999))).toBeUndefined();
    expect((await claimAt(at(5_000)))?.unknownOutcomes).toBe(1);
  });

  it('keeps the last 50 attempts and records each answer on its own attempt', async () => {
    const job = aDeliveryJob();
    await jobs.enqueue(job);
    for (let attempt = 1; attempt <= 55; attempt += 1) {
      const fence = fenceOf(await claimAt(at(attempt * 10)));
      await jobs.beginAttempt(fence, attempt, at(attempt * 10));
      await jobs.settle(fence, {
        ...delivered(at(attempt * 10)),
        state: 'pending',
        finishedAt: undefined,
        answer: { attempt, endedAt: at(attempt * 10 + 1), answer: { verdict: 'retryable', httpStatus: 503 } },
      });
    }
    const found = await jobs.find(job.jobId);
    expect(found?.attempts).toBe(55);
    expect(found?.attemptLog.map((record) => record.attempt)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 6),
    );
    expect(found?.attemptLog.every((record) => record.answer?.httpStatus === 503)).toBe(true);
  });

  it('stores what the ledger resolved without ending the lease', async () => {
    const job = aDeliveryJob({ ledger: 'awaiting-order', awaitOrderUntil: at(60_000) });
    await jobs.enqueue(job);
    const fence = fenceOf(await claimAt(T0));
    const request = {
      ...job.request,
      cancelledSkuCodes: [{ quantity: 1, productId: 'P1', variantId: 'V1' }],
    };
    expect(
      await jobs.resolveLedger(fence, {
        ledger: 'partly',
        request,
        deadLetter: { code: 'LEDGER_DISAGREES', reason: 'one line refused', at: at(5) },
      }),
    ).toBe(true);
    const found = await jobs.find(job.jobId);
    expect(found).toMatchObject({ ledger: 'partly', request, lease: { owner: 'worker-1' } });
    expect(found?.deadLetters.map((letter) => letter.code)).toEqual(['LEDGER_DISAGREES']);
  });

  it('settles nothing for a job that is not leased, or leased to another', async () => {
    const job = aDeliveryJob();
    await jobs.enqueue(job);

    expect(await jobs.settle({ jobId: job.jobId, owner: 'worker-1', token: 1 }, delivered(T0))).toBe(false);
    const fence = fenceOf(await claimAt(T0, 'worker-1'));
    expect(await jobs.settle({ ...fence, owner: 'worker-2' }, delivered(T0))).toBe(false);
    expect(await jobs.settle({ ...fence, jobId: 'job-unknown' }, delivered(T0))).toBe(false);
    expect((await jobs.find(job.jobId))?.state).toBe('pending');
  });

  it('lets a holder whose lease ran out but was not taken over still settle', async () => {
    const job = aDeliveryJob();
    await jobs.enqueue(job);
    const fence = fenceOf(await claimAt(T0, 'slow', [], at(10)));

    expect(await jobs.settle(fence, delivered(at(50)))).toBe(true);
  });

  it('releases the lease without counting an attempt, only for its holder', async () => {
    const job = aDeliveryJob();
    await jobs.enqueue(job);
    const fence = fenceOf(await claimAt(T0, 'worker-1'));

    expect(await jobs.release({ ...fence, owner: 'worker-2' }, at(9_000))).toBe(false);
    expect(await jobs.release(fence, at(9_000))).toBe(true);
    expect(await jobs.release(fence, at(9_000))).toBe(false);

    const found = await jobs.find(job.jobId);
    expect(found).toStrictEqual({ ...job, ...fresh, state: 'pending', nextAttemptAt: at(9_000) });
    expect((await claimAt(at(9_000), 'worker-2'))?.jobId).toBe(job.jobId);
  });

  it('counts jobs by state, every state present', async () => {
    const none = { pending: 0, delivered: 0, rejected: 0, 'probably-applied': 0, disagreed: 0, dead: 0 };
    expect(await jobs.countByState()).toStrictEqual(none);
    const all = Array.from({ length: 4 }, () => aDeliveryJob());
    for (const job of all) await jobs.enqueue(job);
    for (const [index, state] of (['delivered', 'delivered', 'dead'] as const).entries()) {
      const claimed = await claimAt(at(index), `worker-${index}`);
      await jobs.settle(fenceOf(claimed), { ...delivered(at(index)), state });
    }

    expect(await jobs.countByState()).toStrictEqual({ ...none, pending: 1, delivered: 2, dead: 1 });
  });
});

describe('dead letters stored on jobs, relayed from there', () => {
  const relayClaim = (now: Date, owner = 'relay-1') => ({
    owner,
    now,
    leaseUntil: new Date(now.getTime() + 10_000),
  });

  it('hands a dead letter stored with the final state to one relay, and stops once it is published', async () => {
    const outbox = database.stores.deadLetterOutbox;
    const job = aDeliveryJob();
    await jobs.enqueue(job);
    await jobs.settle(fenceOf(await claimAt(T0)), {
      ...delivered(at(10)),
      state: 'rejected',
      deadLetter: { code: 'UNIWARE_REJECTED', reason: 'Sale order not found', at: at(10) },
    });

    const [first, second] = await Promise.all([
      outbox.claim(relayClaim(at(20), 'relay-1'), 10),
      outbox.claim(relayClaim(at(20), 'relay-2'), 10),
    ]);
    const batches = [...(first ?? []), ...(second ?? [])];
    expect(batches).toHaveLength(1);
    const [batch] = batches;
    expect(batch?.entries.map(({ letter }) => letter.code)).toEqual(['UNIWARE_REJECTED']);
    expect(batch?.entries[0]?.job.jobId).toBe(job.jobId);

    if (batch === undefined) throw new Error('no batch');
    await outbox.published(batch, at(30));
    expect((await jobs.find(job.jobId))?.deadLetters[0]?.publishedAt).toEqual(at(30));
    expect(await outbox.claim(relayClaim(at(100_000)), 10)).toEqual([]);
  });

  it('gives an unpublished letter back after a release, and publishes a later letter of the same job on its own', async () => {
    const outbox = database.stores.deadLetterOutbox;
    const job = aDeliveryJob({
      deadLetter: { code: 'LEDGER_DISAGREES', reason: 'one line refused', at: T0 },
    });
    await jobs.enqueue(job);
    const [batch] = await outbox.claim(relayClaim(at(1)), 10);
    if (batch === undefined) throw new Error('no batch');
    await outbox.release(batch, at(5_000));
    expect(await outbox.claim(relayClaim(at(4_999)), 10)).toEqual([]);
    const [again] = await outbox.claim(relayClaim(at(5_000)), 10);
    if (again === undefined) throw new Error('no batch');
    await outbox.published(again, at(5_001));

    await jobs.settle(fenceOf(await claimAt(at(6_000))), {
      ...delivered(at(6_000)),
      state: 'dead',
      deadLetter: { code: 'DELIVERY_GAVE_UP', reason: 'gave up', at: at(6_000) },
    });
    const [later] = await outbox.claim(relayClaim(at(6_001)), 10);
    expect(later?.entries.map(({ letter }) => letter.code)).toEqual(['DELIVERY_GAVE_UP']);
  });
});
