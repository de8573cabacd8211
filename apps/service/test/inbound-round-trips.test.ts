/**
 * What one inbound cancellation costs MongoDB, counted by the driver's command monitoring on the
 * service's own client, against the real MongoDB-protocol server: a new cancellation at most 3
 * commands, an identical retry at most 2, a cached token none. The service runs only its `http`
 * role first, so every command counted is the request's own; then with its relays, counting what
 * it takes to announce the cancellation too.
 */
import { startSandbox } from '@cancel-sync/uc-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/service.ts';
import { testEnvironment, waitFor } from './support/environment.ts';
import { anItem, anOrder } from './support/mothers.ts';
import { startInProcess } from './support/running-service.ts';
import { openWorld, type World } from './support/world.ts';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let world: World;
const services: RunningService[] = [];

/** Commands seen, as `command collection`, while counting is on. */
class CommandLog {
  readonly seen: string[] = [];
  #on = false;
  readonly observe = (command: string, collection: string | undefined) => {
    if (this.#on) this.seen.push(collection === undefined ? command : `${command} ${collection}`);
  };
  async during(work: () => Promise<unknown>): Promise<string[]> {
    this.seen.length = 0;
    this.#on = true;
    try {
      await work();
    } finally {
      this.#on = false;
    }
    return [...this.seen];
  }
}

const byName = (commands: readonly string[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const command of commands) counts[command] = (counts[command] ?? 0) + 1;
  return counts;
};

const start = async (overrides: Record<string, string>, log: CommandLog) => {
  const service = await startInProcess({ ...env, ...overrides }, { mongoCommands: log.observe });
  services.push(service);
  return service;
};

const login = async (api: string, credentials: { username: string; password: string }) => {
  const answer = await fetch(`${api}/authToken`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  return ((await answer.json()) as { accessToken: string }).accessToken;
};

const cancel = async (api: string, token: string, body: unknown) => {
  const response = await fetch(`${api}/orders/cancel`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', apikey: token },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    replayed: response.headers.get('idempotent-replayed'),
    body: await response.json(),
  };
};

const oneUnitOf = (orderId: string) => ({
  orderId,
  orderItems: [{ orderItemId: 'item-1', productId: 'prod-1', variantId: 'var-1', quantity: 1 }],
});

let env: Record<string, string>;
let credentials: { username: string; password: string };

beforeAll(async () => {
  sandbox = await startSandbox();
  env = testEnvironment(sandbox.url);
  world = await openWorld(env);
  credentials = await world.registerSeller('seller-1');
});

afterAll(async () => {
  await Promise.allSettled(services.map((service) => service.stop()));
  await world?.close();
  await sandbox?.close();
});

describe('the commands of one inbound cancellation', () => {
  it('a new one sends at most 3, an identical retry at most 2, a cached token none', async () => {
    const log = new CommandLog();
    const service = await start({ SERVICE_ROLES: 'http' }, log);
    const api = service.httpUrl ?? '';
    const token = await login(api, credentials);
    const orders = [anOrder({ items: [anItem({ quantity: 10 })] }), anOrder({ items: [anItem()] })];
    for (const order of orders) await world.seedOrder(order);
    const [first, second] = orders.map((order) => order.orderId) as [string, string];

    // The first call with a token issued by this instance.
    const fresh = await log.during(async () => {
      expect((await cancel(api, token, oneUnitOf(first))).status).toBe(200);
    });
    const retry = await log.during(async () => {
      expect(await cancel(api, token, oneUnitOf(first))).toMatchObject({ status: 200, replayed: 'true' });
    });
    const another = await log.during(async () => {
      expect(await cancel(api, token, oneUnitOf(second))).toMatchObject({ status: 200, replayed: null });
    });
    console.log(
      JSON.stringify({
        newWithFreshToken: byName(fresh),
        identicalRetry: byName(retry),
        newCancellation: byName(another),
      }),
    );

    expect(another.filter((command) => command.endsWith('access_tokens'))).toEqual([]);
    expect(retry.filter((command) => command.endsWith('access_tokens'))).toEqual([]);
    expect(another.length).toBeLessThanOrEqual(3);
    expect(retry.length).toBeLessThanOrEqual(2);
    expect((await world.storedOrder(second))?.items[0]?.cancelledQuantity).toBe(1);
  });

  it('a new one and its announcement on order.cancelled send at most 3 together', async () => {
    const log = new CommandLog();
    const service = await start(
      // No timed polls within the test: only what the cancellation wakes.
      {
        SERVICE_ROLES: 'http,relay',
        OUTBOX_POLL_INTERVAL_MS: '60000',
        OUTBOX_LEFTOVER_POLL_INTERVAL_MS: '60000',
        RETENTION_SWEEP_INTERVAL_SECONDS: '86400',
      },
      log,
    );
    await service.kafkaStarted;
    const api = service.httpUrl ?? '';
    const token = await login(api, credentials);
    const order = anOrder({ items: [anItem({ quantity: 10 })] });
    await world.seedOrder(order);
    const announcements = world.readTopic(env.TOPIC_ORDER_CANCELLED ?? '');
    const outboxEmpty = async () =>
      ((await world.stores.outbox.pendingFor(order.orderId)) as readonly unknown[]).length === 0;

    const commands = await log.during(async () => {
      expect((await cancel(api, token, oneUnitOf(order.orderId))).status).toBe(200);
      await waitFor(outboxEmpty, (empty) => empty, { intervalMs: 20, what: 'the announcement published' });
      // Whatever the relay does after publishing (tidying up) is its cost too.
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    console.log(JSON.stringify({ cancellationWithItsAnnouncement: byName(commands), inOrder: commands }));

    await waitFor(
      () => announcements.messages.filter((message) => message.key === order.orderId).length,
      (count) => count > 0,
      { what: 'the announcement on order.cancelled' },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(announcements.messages.filter((message) => message.key === order.orderId)).toHaveLength(1);
    expect(commands.length).toBeLessThanOrEqual(3);
  });
});
