/**
 * What operators do to the stores, against the real MongoDB-protocol server: the replay's
 * compare-and-set, the filtered lists, and the retention sweep (mongo-java-server ignores TTL, so
 * this sweep is what cleans up there).
 */
import {
  type DeliveryJobUpdate,
  type JobReplay,
  type LeaseFence,
  type ReplayWrite,
  RetentionSweeper,
} from '@cancel-sync/application';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../src/collections.ts';
import { INDEXES } from '../src/indexes.ts';
import { openTestDatabase, type TestDatabase } from './support/database.ts';
import { aCancellationRecord, aDeliveryJob, at, T0, uniqueId } from './support/mothers.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.drop();
});
beforeEach(async () => {
  for (const name of [COLLECTIONS.deliveryJobs, COLLECTIONS.parkedRecords, COLLECTIONS.cancellationRecords]) {
    await database.connection.db.collection(name).deleteMany({});
  }
});

const DAY = 86_400_000;

/** Claims the job and settles it with `update`, as the dispatcher would. */
const settleJob = async (jobId: string, now: Date, update: Partial<DeliveryJobUpdate>): Promise<void> => {
  const jobs = database.stores.deliveryJobs;
  const [claimed] = await jobs.claimDue(
    { owner: 'w', now, leaseUntil: new Date(now.getTime() + 30_000), excludeSellerIds: [] },
    1,
  );
  const fence: LeaseFence | undefined = claimed?.jobId === jobId ? claimed.fence : undefined;
  if (fence === undefined) throw new Error(`could not claim ${jobId}`);
  expect(
    await jobs.settle(fence, {
      state: 'delivered',
      unknownOutcomes: 0,
      nextAttemptAt: now,
      finishedAt: now,
      ...update,
    }),
  ).toBe(true);
};

const aReplay = (overrides: Partial<JobReplay> = {}): JobReplay => ({
  replayId: uniqueId('replay'),
  at: at(DAY),
  operator: 'ops-1',
  reason: 'merchant id fixed',
  forced: false,
  fromState: 'rejected',
  previousAttempts: [],
  ...overrides,
});

describe('a replay is a compare-and-set on the job', () => {
  it('lets exactly one of several concurrent replays of a rejected job through, and sends it out fresh', async () => {
    const job = aDeliveryJob();
    await database.stores.deliveryJobs.enqueue(job);
    await settleJob(job.jobId, at(1000), {
      state: 'rejected',
      finishedAt: at(1000),
      lastError: 'refused',
      deadLetter: { code: 'UNIWARE_REJECTED', reason: 'refused', at: at(1000) },
    });
    const write = (): ReplayWrite => ({
      jobId: job.jobId,
      from: { state: 'rejected', replays: 0, unknownOutcomes: 0 },
      replay: aReplay(),
      now: at(DAY),
    });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => database.stores.deliveryJobOperations.replay(write())),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const replayed = await database.stores.deliveryJobOperations.find(job.jobId);
    expect(replayed).toMatchObject({ state: 'pending', nextAttemptAt: at(DAY), attemptLog: [] });
    expect(replayed?.finishedAt).toBeUndefined();
    expect(replayed?.replays).toHaveLength(1);
    // The dead letter stays on the job, and the job is claimable again.
    expect(replayed?.deadLetters.map((letter) => letter.code)).toEqual(['UNIWARE_REJECTED']);
    const [claimed] = await database.stores.deliveryJobs.claimDue(
      { owner: 'w2', now: at(DAY), leaseUntil: at(DAY + 30_000), excludeSellerIds: [] },
      1,
    );
    expect(claimed?.jobId).toBe(job.jobId);
    // A second replay from what was read before (0 replays) no longer holds.
    expect(await database.stores.deliveryJobOperations.replay(write())).toBe(false);
  });

  it('refuses a job that is not in the expected state or has more unknown outcomes than read', async () => {
    const job = aDeliveryJob();
    await database.stores.deliveryJobs.enqueue(job);
    const pending: ReplayWrite = {
      jobId: job.jobId,
      from: { state: 'rejected', replays: 0, unknownOutcomes: 0 },
      replay: aReplay(),
      now: at(DAY),
    };
    expect(await database.stores.deliveryJobOperations.replay(pending)).toBe(false);
    await settleJob(job.jobId, at(1000), { state: 'dead', unknownOutcomes: 1, finishedAt: at(1000) });
    expect(
      await database.stores.deliveryJobOperations.replay({
        ...pending,
        from: { ...pending.from, state: 'dead' },
      }),
    ).toBe(false);
    expect((await database.stores.deliveryJobOperations.find(job.jobId))?.state).toBe('dead');
  });
});

describe('operator lists', () => {
  it('names every index once per collection (MongoDB refuses one name for two key patterns)', () => {
    for (const indexes of Object.values(INDEXES)) {
      const names = indexes.map((index) => index.name);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it('lists dead letters by code and seller, newest first', async () => {
    const rejected = aDeliveryJob({ sellerId: 'seller-a', createdAt: at(0) });
    const disagreed = aDeliveryJob({
      sellerId: 'seller-b',
      createdAt: at(1000),
      state: 'disagreed',
      deadLetter: { code: 'LEDGER_DISAGREES', reason: 'no', at: at(1000) },
    });
    const pending = aDeliveryJob({ sellerId: 'seller-a', createdAt: at(2000) });
    for (const job of [rejected, disagreed, pending]) await database.stores.deliveryJobs.enqueue(job);
    await settleJob(rejected.jobId, at(500), {
      state: 'rejected',
      deadLetter: { code: 'UNIWARE_REJECTED', reason: 'refused', at: at(500) },
    });
    const operations = database.stores.deliveryJobOperations;
    const ids = async (filter: Parameters<typeof operations.list>[0]) =>
      (await operations.list(filter)).map((job) => job.jobId);
    expect(await ids({ deadLetterCodes: ['UNIWARE_REJECTED', 'LEDGER_DISAGREES'], limit: 10 })).toEqual([
      disagreed.jobId,
      rejected.jobId,
    ]);
    expect(await ids({ deadLetterCodes: ['LEDGER_DISAGREES'], limit: 10 })).toEqual([disagreed.jobId]);
    expect(await ids({ sellerId: 'seller-a', limit: 10 })).toEqual([pending.jobId, rejected.jobId]);
    expect(await ids({ states: ['pending'], limit: 10 })).toEqual([pending.jobId]);
    expect(await ids({ createdBefore: at(1000), limit: 10 })).toEqual([rejected.jobId]);
  });
});

describe('the retention sweep', () => {
  it('deletes final jobs past retention in bounded batches, never a pending job or an unpublished dead letter', async () => {
    const jobs = database.stores.deliveryJobs;
    const old = Array.from({ length: 5 }, () => aDeliveryJob({ createdAt: T0 }));
    const stillPending = aDeliveryJob({ createdAt: T0 });
    const unpublished = aDeliveryJob({
      createdAt: T0,
      state: 'disagreed',
      deadLetter: { code: 'LEDGER_DISAGREES', reason: 'no', at: T0 },
    });
    const recent = aDeliveryJob({ createdAt: at(20 * DAY) });
    // One at a time: each is the only due job when it is claimed and settled.
    for (const job of old) {
      await jobs.enqueue(job);
      await settleJob(job.jobId, at(1000), {});
    }
    await jobs.enqueue(recent);
    await settleJob(recent.jobId, at(20 * DAY), { finishedAt: at(20 * DAY) });
    await jobs.enqueue(stillPending);
    await jobs.enqueue(unpublished);
    const cutoff = at(10 * DAY);
    const operations = database.stores.deliveryJobOperations;
    expect(await operations.sweep(cutoff, 3)).toBe(3);
    expect(await operations.sweep(cutoff, 3)).toBe(2);
    expect(await operations.sweep(cutoff, 3)).toBe(0);
    const left = await database.connection.db
      .collection(COLLECTIONS.deliveryJobs)
      .find({}, { projection: { _id: 1 } })
      .toArray();
    expect(left.map(({ _id }) => String(_id)).sort()).toEqual(
      [stillPending.jobId, unpublished.jobId, recent.jobId].sort(),
    );
  });

  it('deletes cancellation records, expired idempotency keys, published parked records and old audit records by date', async () => {
    const { stores } = database;
    await stores.cancellationRecords.append(aCancellationRecord({ receivedAt: T0 }));
    await stores.cancellationRecords.append(aCancellationRecord({ receivedAt: at(20 * DAY) }));
    await stores.idempotencyKeys.claim({
      sellerId: 's',
      key: 'k1',
      fingerprint: 'f',
      expiresAt: at(DAY),
      now: T0,
    });
    await stores.idempotencyKeys.claim({
      sellerId: 's',
      key: 'k2',
      fingerprint: 'f',
      expiresAt: at(30 * DAY),
      now: T0,
    });
    const parked = (offset: string) => ({
      topic: 'order.cancelled',
      partition: 0,
      offset,
      key: 'SO-1',
      value: new TextEncoder().encode('{}'),
      headers: {},
      reason: 'broke',
      attempts: 3,
      parkedAt: T0,
    });
    await stores.parkedRecords.park(parked('1'));
    await stores.parkedRecords.park(parked('2'));
    const [batch] = await stores.parkedRecords.claim({ owner: 'r', now: T0, leaseUntil: at(30_000) }, 1);
    if (batch === undefined) throw new Error('expected a parked record to publish');
    await stores.parkedRecords.published(batch, at(1000));
    await stores.operatorAudit.record({
      auditId: uniqueId('audit'),
      action: 'revoke-tokens',
      target: 'seller-1',
      operator: 'ops',
      reason: 'test',
      at: T0,
      forced: false,
      outcome: 'done',
    });

    const cutoff = at(10 * DAY);
    expect(await stores.cancellationRecords.sweep(cutoff, 100)).toBe(1);
    expect(await stores.idempotencyKeys.sweep(cutoff, 100)).toBe(1);
    expect(await stores.parkedRecords.sweep(cutoff, 100)).toBe(1);
    expect(await stores.operatorAudit.sweep(cutoff, 100)).toBe(1);
    // The unpublished parked record stays, however old.
    expect((await stores.parkedRecords.list({ limit: 10 })).map((record) => record.publishedAt)).toEqual([
      undefined,
    ]);
    expect(await stores.cancellationRecords.sweep(cutoff, 100)).toBe(0);
  });

  it('is run by the sweeper loop until nothing past retention is left', async () => {
    const jobs = Array.from({ length: 7 }, () => aDeliveryJob({ createdAt: T0 }));
    for (const job of jobs) {
      await database.stores.deliveryJobs.enqueue(job);
      await settleJob(job.jobId, at(1000), {});
    }
    await database.stores.cancellationRecords.append(aCancellationRecord({ receivedAt: T0 }));
    const sweeper = new RetentionSweeper({
      targets: [
        { name: 'jobs', store: database.stores.deliveryJobOperations, retentionMs: DAY },
        { name: 'records', store: database.stores.cancellationRecords, retentionMs: DAY },
      ],
      clock: { now: () => at(2 * DAY) },
      batchSize: 2,
      intervalMs: 60_000,
      observe: () => undefined,
    });
    sweeper.start();
    try {
      const db = database.connection.db;
      for (let tries = 0; tries < 100; tries += 1) {
        const left =
          (await db.collection(COLLECTIONS.deliveryJobs).countDocuments()) +
          (await db.collection(COLLECTIONS.cancellationRecords).countDocuments());
        if (left === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await db.collection(COLLECTIONS.deliveryJobs).countDocuments()).toBe(0);
      expect(await db.collection(COLLECTIONS.cancellationRecords).countDocuments()).toBe(0);
    } finally {
      await sweeper.stop();
    }
  });
});
