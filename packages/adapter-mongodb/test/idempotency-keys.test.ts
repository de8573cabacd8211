import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MongoIdempotencyKeys } from '../src/idempotency/mongo-idempotency-keys.ts';
import { openTestDatabase, type TestDatabase } from './support/database.ts';
import { at, T0, uniqueId } from './support/mothers.ts';

let database: TestDatabase;
let keys: MongoIdempotencyKeys;

beforeAll(async () => {
  database = await openTestDatabase();
  keys = database.stores.idempotencyKeys;
});
afterAll(async () => {
  await database.drop();
});

const aClaim = (overrides: Partial<Parameters<MongoIdempotencyKeys['claim']>[0]> = {}) => ({
  sellerId: 'seller-1',
  key: uniqueId('key'),
  fingerprint: 'fingerprint-A',
  expiresAt: at(60_000),
  now: T0,
  ...overrides,
});

describe('IdempotencyKeys over MongoDB', () => {
  it('tells the first use of a key', async () => {
    expect(await keys.claim(aClaim())).toStrictEqual({ firstUse: true, fingerprint: 'fingerprint-A' });
  });

  it('tells a second use with the same body, giving the stored fingerprint', async () => {
    const claim = aClaim();
    await keys.claim(claim);

    expect(await keys.claim({ ...claim, now: at(1_000), expiresAt: at(61_000) })).toStrictEqual({
      firstUse: false,
      fingerprint: 'fingerprint-A',
    });
  });

  it('gives back the first fingerprint when the key comes with another body', async () => {
    const claim = aClaim();
    await keys.claim(claim);

    expect(await keys.claim({ ...claim, fingerprint: 'fingerprint-B', now: at(1_000) })).toStrictEqual({
      firstUse: false,
      fingerprint: 'fingerprint-A',
    });
  });

  it('keeps the keys of different sellers apart', async () => {
    const claim = aClaim();
    await keys.claim(claim);

    expect(await keys.claim({ ...claim, sellerId: 'seller-2', fingerprint: 'fingerprint-B' })).toStrictEqual({
      firstUse: true,
      fingerprint: 'fingerprint-B',
    });
  });

  it('lets an expired key be used again, as a first use, and remembers the new body', async () => {
    const claim = aClaim({ expiresAt: at(10) });
    await keys.claim(claim);

    const reuse = { ...claim, fingerprint: 'fingerprint-B', now: at(10), expiresAt: at(100) };
    expect(await keys.claim(reuse)).toStrictEqual({ firstUse: true, fingerprint: 'fingerprint-B' });
    expect(await keys.claim({ ...reuse, fingerprint: 'fingerprint-C', now: at(50) })).toStrictEqual({
      firstUse: false,
      fingerprint: 'fingerprint-B',
    });
  });

  it('gives a first use to exactly one of 20 concurrent claims of a new key', async () => {
    const claim = aClaim();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) => keys.claim({ ...claim, fingerprint: `fingerprint-${index}` })),
    );

    const first = answers.filter((answer) => answer.firstUse);
    expect(first).toHaveLength(1);
    for (const answer of answers) expect(answer.fingerprint).toBe(first[0]?.fingerprint);
  });

  it('gives a first use to exactly one of 20 concurrent claims of an expired key', async () => {
    const claim = aClaim({ expiresAt: at(10) });
    await keys.claim(claim);

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        keys.claim({ ...claim, fingerprint: `fingerprint-${index}`, now: at(20), expiresAt: at(1_000) }),
      ),
    );

    const first = answers.filter((answer) => answer.firstUse);
    expect(first).toHaveLength(1);
    for (const answer of answers) expect(answer.fingerprint).toBe(first[0]?.fingerprint);
  });
});
