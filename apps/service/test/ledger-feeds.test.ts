/**
 * The ledger meets the order feed: order.lifecycle and order.cancelled are consumed by separate
 * groups, so a snapshot that counts a cancellation can arrive before its event or after it. Either
 * way the cancellation counts once, through the real broker, consumers and MongoDB-protocol server.
 */
import { randomUUID } from 'node:crypto';
import { startSandbox } from '@cancel-sync/uc-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/service.ts';
import { testEnvironment, waitFor } from './support/environment.ts';
import { aCancelledEvent } from './support/mothers.ts';
import { startInProcess } from './support/running-service.ts';
import { openWorld, type World } from './support/world.ts';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let service: RunningService;
let world: World;
let env: Record<string, string>;
let api: string;
let token: string;

const LINE = { orderItemId: 'item-1', productId: 'prod-1', variantId: 'var-1' };

/** An order.lifecycle snapshot (contract v1) of a one-line, 4-unit order. */
const publishSnapshot = (orderId: string, revision: number, cancelled: number, cancellationIds: string[]) =>
  world.publish(env.TOPIC_ORDER_LIFECYCLE ?? '', [
    {
      key: orderId,
      value: JSON.stringify({
        schemaVersion: 1,
        eventId: randomUUID(),
        type: 'order.updated',
        occurredAt: new Date().toISOString(),
        order: {
          orderId,
          sellerId: 'seller-1',
          status: 'CREATED',
          revision,
          items: [{ ...LINE, quantity: 4, cancelledQuantity: cancelled, status: 'CREATED' }],
          cancellationIds,
        },
      }),
    },
  ]);

const publishCancelled = (orderId: string, eventId: string, quantity: number) =>
  world.publish(env.TOPIC_ORDER_CANCELLED ?? '', [
    {
      key: orderId,
      value: JSON.stringify(aCancelledEvent({ orderId, eventId, items: [{ ...LINE, quantity }] })),
    },
  ]);

const snapshotApplied = (orderId: string, revision: number) =>
  waitFor(
    () => world.storedOrder(orderId),
    (order) => order?.sourceRevision === revision,
    { what: `snapshot ${revision} of ${orderId} in the ledger` },
  );

/** The delivery job is stored after the ledger has taken the event. */
const eventHandled = (eventId: string) =>
  waitFor(
    () => world.stores.deliveryJobs.find(eventId),
    (job) => job !== undefined,
    { what: `event ${eventId} handled` },
  );

const cancelFromUniware = async (orderId: string, quantity: number) => {
  const response = await fetch(`${api}/orders/cancel`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', apikey: token },
    body: JSON.stringify({ orderId, orderItems: [{ ...LINE, quantity }] }),
  });
  return { status: response.status, body: await response.json() };
};

beforeAll(async () => {
  sandbox = await startSandbox();
  env = testEnvironment(sandbox.url);
  world = await openWorld(env);
  const seller = await world.registerSeller('seller-1');
  service = await startInProcess(env);
  api = service.httpUrl ?? '';
  const answer = await fetch(`${api}/authToken`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(seller),
  });
  token = ((await answer.json()) as { accessToken: string }).accessToken;
});

afterAll(async () => {
  await service?.stop();
  await world?.close();
  await sandbox?.close();
});

describe('one cancellation, counted once, whichever feed tells first', () => {
  it('a snapshot that counts the cancellation before its event arrives', async () => {
    const orderId = `SO-${randomUUID().slice(0, 8)}`;
    const eventId = randomUUID();
    await publishSnapshot(orderId, 1, 0, []);
    await snapshotApplied(orderId, 1);
    await publishSnapshot(orderId, 2, 2, [eventId]);
    await snapshotApplied(orderId, 2);

    await publishCancelled(orderId, eventId, 2);
    await eventHandled(eventId);

    expect((await world.storedOrder(orderId))?.items[0]).toMatchObject({
      cancelledQuantity: 2,
      status: 'CREATED',
    });
    // The two units left are Uniware's to cancel.
    expect(await cancelFromUniware(orderId, 2)).toEqual({
      status: 200,
      body: { status: 'SUCCESS', orderItems: [] },
    });
    expect((await world.storedOrder(orderId))?.items[0]?.cancelledQuantity).toBe(4);
  });

  it('a snapshot that counts the cancellation after its event arrived', async () => {
    const orderId = `SO-${randomUUID().slice(0, 8)}`;
    const eventId = randomUUID();
    await publishSnapshot(orderId, 1, 0, []);
    await snapshotApplied(orderId, 1);
    await publishCancelled(orderId, eventId, 2);
    await eventHandled(eventId);
    expect((await world.storedOrder(orderId))?.items[0]?.cancelledQuantity).toBe(2);

    await publishSnapshot(orderId, 2, 2, [eventId]);
    await snapshotApplied(orderId, 2);

    expect((await world.storedOrder(orderId))?.items[0]?.cancelledQuantity).toBe(2);
    expect(await cancelFromUniware(orderId, 2)).toEqual({
      status: 200,
      body: { status: 'SUCCESS', orderItems: [] },
    });
  });
});
