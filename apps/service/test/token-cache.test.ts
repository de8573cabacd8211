/**
 * The token cache across processes, against the real MongoDB-protocol server: a token revoked by
 * another process (the operator CLI, another instance — here the test's own stores) is refused by
 * the service within AUTH_TOKEN_CACHE_SECONDS, whether by a new password or by disabling the seller.
 */
import { createNodeCrypto } from '@cancel-sync/adapter-crypto';
import { changeSellerAccess, changeSellerPassword } from '@cancel-sync/application';
import { startSandbox } from '@cancel-sync/uc-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/service.ts';
import { testEnvironment } from './support/environment.ts';
import { startInProcess } from './support/running-service.ts';
import { openWorld, type World } from './support/world.ts';

const CACHE_SECONDS = 2;
/** Room for a slow machine on top of the bound (a scheduling delay, not staleness). */
const MARGIN_MS = 1_500;

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let service: RunningService;
let world: World;
let api: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  const env = testEnvironment(sandbox.url, {
    SERVICE_ROLES: 'http',
    AUTH_TOKEN_CACHE_SECONDS: String(CACHE_SECONDS),
  });
  world = await openWorld(env);
  service = await startInProcess(env, {}, { kafka: 'do not wait' });
  api = service.httpUrl ?? '';
});

afterAll(async () => {
  await service?.stop();
  await world?.close();
  await sandbox?.close();
});

const login = async (credentials: { username: string; password: string }) => {
  const answer = await fetch(`${api}/authToken`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { accessToken: string }).accessToken;
};

const historyStatus = async (token: string) =>
  (await fetch(`${api}/orders/SO-none/cancellations`, { headers: { apikey: token } })).status;

/** Milliseconds from now until the token is refused (401), polling every 50 ms. */
const untilRefused = async (token: string, giveUpMs: number): Promise<number> => {
  const started = Date.now();
  while (Date.now() - started < giveUpMs) {
    if ((await historyStatus(token)) === 401) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Number.POSITIVE_INFINITY;
};

const clock = { now: () => new Date() };

describe('a token revoked by another process', () => {
  it.each([
    [
      'a new password',
      (sellerId: string) =>
        changeSellerPassword({
          sellers: world.stores.sellers,
          tokens: world.stores.accessTokens,
          crypto: createNodeCrypto({ scryptCost: { N: 1024, r: 8, p: 1 } }),
          clock,
        })({ sellerId, password: 'an entirely new password' }),
    ],
    [
      'a disabled seller',
      (sellerId: string) =>
        changeSellerAccess({
          sellers: world.stores.sellers,
          tokens: world.stores.accessTokens,
          audit: world.stores.operatorAudit,
          clock,
          ids: { newId: () => crypto.randomUUID() },
        })(sellerId, { kind: 'disable' }, { name: 'test', reason: 'token cache test' }),
    ],
  ])(`after %s is refused within AUTH_TOKEN_CACHE_SECONDS (${CACHE_SECONDS} s)`, async (_, revoke) => {
    const sellerId = `seller-${crypto.randomUUID().slice(0, 8)}`;
    const token = await login(await world.registerSeller(sellerId));
    expect(await historyStatus(token)).not.toBe(401);

    expect(await revoke(sellerId)).toMatchObject({ ok: true });
    const tookMs = await untilRefused(token, CACHE_SECONDS * 1000 + MARGIN_MS);
    console.log(JSON.stringify({ revokedBy: _, refusedAfterMs: tookMs }));

    expect(tookMs).toBeLessThanOrEqual(CACHE_SECONDS * 1000 + MARGIN_MS);
  });
});
