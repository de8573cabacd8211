/**
 * Authentication cannot be turned against a seller: wrong passwords are counted per address and
 * per username and address, so a stranger cannot lock the real Uniware out; and password checks
 * (scrypt, on the thread pool shared with DNS and file I/O) run a bounded number at a time.
 */
import { issueAccessToken, LoginThrottle } from '@cancel-sync/application';
import { describe, expect, it } from 'vitest';
import { buildTestApi, TOKEN_TTL_MS, World } from './harness.ts';
import { aSeller, PASSWORD } from './mothers.ts';

const seller = aSeller();

const given = async (world: World = new World()) => {
  const { sellers, tokens, crypto, clock } = world;
  const api = await buildTestApi(
    {
      issueAccessToken: issueAccessToken({
        sellers,
        tokens,
        crypto,
        clock,
        tokenTtlMs: TOKEN_TTL_MS,
        throttle: new LoginThrottle({ maxFailures: 10, windowMs: 15 * 60_000 }),
        maxConcurrentChecks: 2,
      }),
    },
    world,
  );
  world.givenSeller(seller);
  return api;
};

const login = (app: Awaited<ReturnType<typeof given>>['app'], password: string, from: string) =>
  app.inject({
    method: 'POST',
    url: '/authToken',
    payload: { username: seller.username, password },
    remoteAddress: from,
  });

describe('wrong passwords', () => {
  it('50 wrong passwords from one address do not stop the right password from another', async () => {
    const { app } = await given();
    const strangers = [];
    for (let n = 0; n < 50; n += 1)
      strangers.push((await login(app, `guess-${n}`, '203.0.113.9')).statusCode);

    const uniware = await login(app, PASSWORD, '198.51.100.20');

    expect(uniware.statusCode).toBe(200);
    // The stranger is still slowed down: after 10 wrong passwords it is no longer even checked.
    expect(strangers.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(strangers.slice(10)).toEqual(Array(40).fill(429));
    expect((await login(app, PASSWORD, '203.0.113.9')).statusCode).toBe(429);
  });

  it('limits one address across usernames too', async () => {
    const { app } = await given();
    const statuses = [];
    for (let n = 0; n < 120; n += 1) {
      const response = await app.inject({
        method: 'POST',
        url: '/authToken',
        payload: { username: `user-${n}`, password: 'guess' },
        remoteAddress: '203.0.113.77',
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.filter((status) => status === 401)).toHaveLength(100);
    expect(statuses.slice(100)).toEqual(Array(20).fill(429));
  });
});

describe('password checks under a flood', () => {
  it('runs at most the configured number at once and turns the excess away with 503', async () => {
    const world = new World();
    let running = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    world.crypto.verifyPassword = async (password, hash) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => releases.push(resolve));
      running -= 1;
      return hash === `hashed(${password})`;
    };
    const { app } = await given(world);

    const answers = Array.from({ length: 12 }, (_, n) => login(app, `guess-${n}`, `192.0.2.${n + 1}`));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const release = setInterval(() => releases.shift()?.(), 5);
    const statuses = (await Promise.all(answers)).map((answer) => answer.statusCode);
    clearInterval(release);

    expect(most).toBe(2);
    expect(statuses.filter((status) => status === 401).length).toBeGreaterThanOrEqual(2);
    expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(0);
  });
});
