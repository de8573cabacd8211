import { describe, expect, it } from 'vitest';
import {
  authenticate,
  CachedAccessTokens,
  changeSellerPassword,
  issueAccessToken,
  registerSeller,
} from '../src/index.ts';
import { FakeCrypto, InMemorySellers, InMemoryTokens, ManualClock } from '../src/testing/index.ts';
import { aSeller } from './mothers.ts';

const TTL_MS = 5_000;

/** Two instances over one token store, each with its own cache; the store counts its reads. */
const setUp = () => {
  const sellers = new InMemorySellers();
  sellers.sellers.set('seller-1', aSeller());
  const store = new InMemoryTokens();
  let reads = 0;
  const find = store.find.bind(store);
  store.find = (hash) => {
    reads += 1;
    return find(hash);
  };
  const crypto = new FakeCrypto();
  const clock = new ManualClock();
  const instance = () => {
    const tokens = new CachedAccessTokens(store, clock, { ttlMs: TTL_MS, maxEntries: 100 });
    const deps = { sellers, tokens, crypto, clock };
    return {
      tokens,
      issue: issueAccessToken({ ...deps, tokenTtlMs: 3600_000 }),
      check: authenticate(deps),
      changePassword: changeSellerPassword(deps),
      register: registerSeller(deps),
    };
  };
  return { clock, store, reads: () => reads, one: instance(), other: instance() };
};

const issued = async (instance: ReturnType<typeof setUp>['one']) => {
  const answer = await instance.issue({ username: 'uniware-seller-1', password: 'correct horse battery' });
  if (!answer.ok) throw new Error('expected a token');
  return answer.accessToken;
};

describe('the token cache', () => {
  it('answers a token it issued or read before without reading the store again', async () => {
    const { one, other, reads } = setUp();
    const token = await issued(one);
    expect(await one.check(token)).toEqual({ ok: true, sellerId: 'seller-1' });
    expect(reads()).toBe(0);
    expect(await other.check(token)).toEqual({ ok: true, sellerId: 'seller-1' });
    expect(await other.check(token)).toEqual({ ok: true, sellerId: 'seller-1' });
    expect(reads()).toBe(1);
  });

  it('reads again once an entry is older than its TTL, and still checks the expiry on every call', async () => {
    const { one, clock, reads } = setUp();
    const token = await issued(one);
    clock.advance(TTL_MS);
    expect(await one.check(token)).toEqual({ ok: true, sellerId: 'seller-1' });
    expect(reads()).toBe(1);
    clock.advance(3600_000);
    expect(await one.check(token)).toMatchObject({ ok: false, code: 'EXPIRED_TOKEN' });
  });

  it('does not remember unknown tokens: one issued elsewhere works at once', async () => {
    const { one, other } = setUp();
    expect(await other.check('not-yet')).toMatchObject({ ok: false, code: 'UNKNOWN_TOKEN' });
    const token = await issued(one);
    expect(await other.check(token)).toEqual({ ok: true, sellerId: 'seller-1' });
  });

  it.each([
    [
      'a new password',
      (instance: ReturnType<typeof setUp>['one']) =>
        instance.changePassword({ sellerId: 'seller-1', password: 'a brand new password' }),
    ],
    ['a revocation', (instance: ReturnType<typeof setUp>['one']) => instance.tokens.revokeAll('seller-1')],
  ])('%s is seen at once by the instance that made it, by another within the TTL', async (_, revoke) => {
    const { one, other, clock } = setUp();
    const token = await issued(one);
    expect(await other.check(token)).toMatchObject({ ok: true });

    await revoke(one);

    expect(await one.check(token)).toMatchObject({ ok: false, code: 'UNKNOWN_TOKEN' });
    // The other instance read the token before the change: it may serve it until its entry is TTL old.
    clock.advance(TTL_MS - 1);
    expect(await other.check(token)).toMatchObject({ ok: true });
    clock.advance(1);
    expect(await other.check(token)).toMatchObject({ ok: false, code: 'UNKNOWN_TOKEN' });
  });

  it('is off with a TTL of 0: every call reads', async () => {
    const { store, clock } = setUp();
    const tokens = new CachedAccessTokens(store, clock, { ttlMs: 0, maxEntries: 100 });
    await tokens.save({
      tokenHash: 'h',
      sellerId: 'seller-1',
      issuedAt: clock.now(),
      expiresAt: clock.now(),
    });
    await store.revokeAll('seller-1');
    expect(await tokens.find('h')).toBeUndefined();
  });

  it('keeps at most its number of entries, dropping the oldest read', async () => {
    const { store, clock, reads } = setUp();
    const tokens = new CachedAccessTokens(store, clock, { ttlMs: TTL_MS, maxEntries: 2 });
    for (const hash of ['a', 'b', 'c']) {
      await tokens.save({ tokenHash: hash, sellerId: 's', issuedAt: clock.now(), expiresAt: clock.now() });
    }
    await tokens.find('c');
    await tokens.find('b');
    expect(reads()).toBe(0);
    await tokens.find('a');
    expect(reads()).toBe(1);
  });
});
