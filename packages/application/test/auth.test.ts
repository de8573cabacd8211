import { describe, expect, it } from 'vitest';
import {
  authenticate,
  changeSellerPassword,
  issueAccessToken,
  LoginThrottle,
  registerSeller,
} from '../src/index.ts';
import { FakeCrypto, InMemorySellers, InMemoryTokens, ManualClock } from '../src/testing/index.ts';
import { aSeller } from './mothers.ts';

const setUp = () => {
  const sellers = new InMemorySellers();
  sellers.sellers.set('seller-1', aSeller());
  const tokens = new InMemoryTokens();
  const crypto = new FakeCrypto();
  const clock = new ManualClock();
  const deps = { sellers, tokens, crypto, clock };
  return {
    ...deps,
    issue: issueAccessToken({ ...deps, tokenTtlMs: 3600_000 }),
    check: authenticate(deps),
    register: registerSeller(deps),
    changePassword: changeSellerPassword(deps),
  };
};

describe('seller authentication', () => {
  it('issues a token for the right password and stores only its digest', async () => {
    const { issue, tokens } = setUp();
    const answer = await issue({ username: 'uniware-seller-1', password: 'correct horse battery' });
    expect(answer).toMatchObject({ ok: true, accessToken: expect.any(String), sellerId: 'seller-1' });
    if (!answer.ok) throw new Error('expected a token');
    expect([...tokens.tokens.keys()]).toEqual([`digest(${answer.accessToken})`]);
  });

  it.each([
    ['a wrong password', 'uniware-seller-1', 'wrong'],
    ['an unknown username', 'nobody', 'correct horse battery'],
  ])('refuses %s with INVALID_CREDENTIALS', async (_, username, password) => {
    const { issue, tokens } = setUp();
    expect(await issue({ username, password })).toEqual({ ok: false, code: 'INVALID_CREDENTIALS' });
    expect(tokens.tokens.size).toBe(0);
  });

  it('knows the seller by a valid token until it expires', async () => {
    const { issue, check, clock } = setUp();
    const issued = await issue({ username: 'uniware-seller-1', password: 'correct horse battery' });
    if (!issued.ok) throw new Error('expected a token');
    expect(await check(issued.accessToken)).toEqual({ ok: true, sellerId: 'seller-1' });
    clock.advance(3600_000);
    expect(await check(issued.accessToken)).toMatchObject({ ok: false, code: 'EXPIRED_TOKEN' });
  });

  it.each([
    [undefined, 'MISSING_TOKEN'],
    ['  ', 'MISSING_TOKEN'],
    ['made-up', 'UNKNOWN_TOKEN'],
  ])('refuses the token %j with %s', async (token, code) => {
    expect(await setUp().check(token)).toMatchObject({ ok: false, code });
  });
});

describe('managing sellers', () => {
  it('registers a seller once, refusing a taken username and a short password', async () => {
    const { register } = setUp();
    const input = {
      sellerId: 's-2',
      username: 'u-2',
      uniwareMerchantId: 'm-2',
      password: 'a long enough secret',
    };
    expect(await register(input)).toEqual({ ok: true });
    expect(await register({ ...input, sellerId: 's-3' })).toMatchObject({ ok: false, code: 'TAKEN' });
    expect(await register({ ...input, sellerId: 's-4', username: 'u-4', password: 'short' })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
    });
    expect(await register({ ...input, sellerId: 'bad id with spaces' })).toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('rotating the password revokes the tokens issued under the old one', async () => {
    const { issue, check, changePassword } = setUp();
    const issued = await issue({ username: 'uniware-seller-1', password: 'correct horse battery' });
    if (!issued.ok) throw new Error('expected a token');
    expect(await changePassword({ sellerId: 'seller-1', password: 'a brand new secret' })).toEqual({
      ok: true,
      revokedTokens: 1,
    });
    expect(await check(issued.accessToken)).toMatchObject({ ok: false, code: 'UNKNOWN_TOKEN' });
    expect(await issue({ username: 'uniware-seller-1', password: 'a brand new secret' })).toMatchObject({
      ok: true,
    });
    expect(await changePassword({ sellerId: 'nobody', password: 'a brand new secret' })).toMatchObject({
      code: 'UNKNOWN_SELLER',
    });
  });
});

describe('guessing passwords', () => {
  const throttled = () => {
    const world = setUp();
    const throttle = new LoginThrottle({ maxFailures: 3, windowMs: 60_000 });
    return { ...world, issue: issueAccessToken({ ...world, tokenTtlMs: 3600_000, throttle }) };
  };
  const wrong = { username: 'uniware-seller-1', password: 'guess' };
  const right = { username: 'uniware-seller-1', password: 'correct horse battery' };

  it('refuses a username without checking once it had too many wrong passwords in the window', async () => {
    const { issue, clock } = throttled();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(await issue(wrong)).toEqual({ ok: false, code: 'INVALID_CREDENTIALS' });
      clock.advance(1000);
    }
    expect(await issue(right)).toEqual({ ok: false, code: 'TOO_MANY_ATTEMPTS', retryAfterMs: 57_000 });
    expect(await issue({ ...right, username: 'someone-else' })).toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    clock.advance(57_000);
    expect(await issue(right)).toMatchObject({ ok: true });
  });

  it('forgets the wrong passwords after a right one', async () => {
    const { issue } = throttled();
    await issue(wrong);
    await issue(wrong);
    expect(await issue(right)).toMatchObject({ ok: true });
    await issue(wrong);
    await issue(wrong);
    expect(await issue(right)).toMatchObject({ ok: true });
  });
});
