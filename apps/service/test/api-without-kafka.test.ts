/**
 * The API is up when its database is: Uniware's calls need only MongoDB, so the HTTP port opens as
 * soon as MongoDB answers, while the Kafka parts start alongside and keep retrying.
 */
import { connect, createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/service.ts';
import { testEnvironment } from './support/environment.ts';
import { anItem, anOrder } from './support/mothers.ts';
import { startInProcess } from './support/running-service.ts';
import { openWorld, type World } from './support/world.ts';

let world: World;
let service: RunningService | undefined;

/** A port nothing listens on: Kafka as good as stopped. */
const closedPort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 1));
    });
  });

beforeAll(async () => {
  world = await openWorld(testEnvironment('http://127.0.0.1:9'));
});
afterAll(async () => {
  await service?.stop();
  await world?.close();
});

describe('with Kafka unreachable', () => {
  it('the service answers /orders/cancel within a few seconds of start', async () => {
    const env = {
      ...testEnvironment('http://127.0.0.1:9'),
      MONGODB_DATABASE: world.mongo.db.databaseName,
      KAFKA_BROKERS: `127.0.0.1:${await closedPort()}`,
    };
    const seller = await world.registerSeller('seller-1');
    const order = anOrder({ items: [anItem({ quantity: 2 })] });
    await world.seedOrder(order);

    const startedAt = Date.now();
    service = await Promise.race([
      startInProcess(env, {}, { kafka: 'do not wait' }),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('the service did not start within 15 s without Kafka')), 15_000),
      ),
    ]);
    const api = service.httpUrl ?? '';
    const login = await fetch(`${api}/authToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(seller),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const cancelled = await fetch(`${api}/orders/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', apikey: accessToken },
      body: JSON.stringify({
        orderId: order.orderId,
        orderItems: [{ orderItemId: 'item-1', productId: 'prod-1', variantId: 'var-1', quantity: 1 }],
      }),
    });
    const answeredAfterMs = Date.now() - startedAt;

    expect({ status: cancelled.status, body: await cancelled.json() }).toEqual({
      status: 200,
      body: { status: 'SUCCESS', orderItems: [] },
    });
    expect(answeredAfterMs).toBeLessThan(5_000);
    // Not ready while Kafka is away: the parts that need it are still starting.
    const ready = await fetch(`${api}/readyz`);
    expect(ready.status).toBe(503);
  });
});

/** A TCP relay to MongoDB that the test can cut, as if MongoDB had stopped. */
const relayTo = async ({ hostname, port: targetPort }: URL) => {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(targetPort), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    cut: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
};

describe('with MongoDB unreachable', () => {
  it('answers 503 with Retry-After, without the driver message', async () => {
    const base = testEnvironment('http://127.0.0.1:9');
    const mongoUrl = new URL(base.MONGODB_URI ?? '');
    const relay = await relayTo(mongoUrl);
    mongoUrl.host = `127.0.0.1:${relay.port}`;
    const env = { ...base, MONGODB_DATABASE: world.mongo.db.databaseName, MONGODB_URI: mongoUrl.toString() };
    const seller = await world.registerSeller('seller-2');
    const running = await startInProcess(env);
    try {
      const api = running.httpUrl ?? '';
      const login = await fetch(`${api}/authToken`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(seller),
      });
      const { accessToken } = (await login.json()) as { accessToken: string };
      await relay.cut();

      const answer = await fetch(`${api}/orders/cancel`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', apikey: accessToken },
        body: JSON.stringify({
          orderId: 'SO-any',
          orderItems: [{ orderItemId: 'item-1', productId: 'prod-1', variantId: 'var-1', quantity: 1 }],
        }),
      });

      const body = await answer.text();
      expect({ status: answer.status, retryAfter: answer.headers.get('retry-after') }).toEqual({
        status: 503,
        retryAfter: '5',
      });
      expect(JSON.parse(body)).toMatchObject({ status: 'FAILED', code: 'STORE_UNAVAILABLE' });
      expect(body).not.toMatch(/mongo|127\.0\.0\.1|ECONNREFUSED|selection/i);
    } finally {
      await running.stop();
    }
  });
});
