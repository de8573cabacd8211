/**
 * The operations port: the whole story of one order for an operator, behind the operator token;
 * probes and metrics on every process, whatever its roles.
 */
import { startSandbox } from '@cancel-sync/uc-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/service.ts';
import { testEnvironment, waitFor } from './support/environment.ts';
import { aCancelledEvent, anItem, anOrder } from './support/mothers.ts';
import { startInProcess } from './support/running-service.ts';
import { openWorld, type World } from './support/world.ts';

const OPS_TOKEN = 'operator-token-4f1c2a9e7b3d5e60';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let service: RunningService;
let world: World;
let env: Record<string, string>;

beforeAll(async () => {
  sandbox = await startSandbox();
  env = testEnvironment(sandbox.url, { OPS_TOKEN });
  world = await openWorld(env);
  await world.registerSeller('seller-1', 'ops-password-123456');
  service = await startInProcess(env);
});

afterAll(async () => {
  await service?.stop();
  await world?.close();
  await sandbox?.close();
});

const story = (orderId: string, token?: string) =>
  fetch(
    `${service.opsUrl}/ops/orders/${orderId}`,
    token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
  );

describe('the story of one order', () => {
  it('shows a Uniware cancellation and a customer cancellation that needed two retries, with every attempt', async () => {
    const order = anOrder({ items: [anItem({ quantity: 5 })] });
    await world.seedOrder(order);
    const api = service.httpUrl ?? '';
    const { accessToken } = (await (
      await fetch(`${api}/authToken?username=uc-seller-1&password=ops-password-123456`)
    ).json()) as { accessToken: string };
    const inbound = await fetch(`${api}/orders/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', apiKey: accessToken },
      body: JSON.stringify({
        orderId: order.orderId,
        orderItems: [{ orderItemId: 'item-1', productId: 'prod-1', variantId: 'var-1', quantity: 2 }],
      }),
    });
    expect(((await inbound.json()) as { status: string }).status).toBe('SUCCESS');

    sandbox.state.setFaults({ serverError: { rate: 1, status: 503 } });
    const event = aCancelledEvent({ orderId: order.orderId });
    await world.publish(env.TOPIC_ORDER_CANCELLED ?? '', [
      { key: order.orderId, value: JSON.stringify(event) },
    ]);
    await waitFor(
      () => sandbox.state.calls.list(order.orderId),
      (calls) => calls.length >= 2,
      { what: 'two refused calls' },
    );
    sandbox.state.setFaults({});
    await waitFor(
      () => world.stores.deliveryJobs.find(String(event.eventId)),
      (job) => job?.state === 'delivered',
    );

    const answer = await story(order.orderId, OPS_TOKEN);
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as {
      order: { revision: number; items: { cancelledQuantity: number }[] };
      cancellationRecords: { source: string; status: string }[];
      deliveryJobs: { state: string; attemptLog: { answer?: { httpStatus?: number } }[] }[];
      traceIds: string[];
      pendingAnnouncements: unknown[];
    };
    expect(body.order.items[0]?.cancelledQuantity).toBe(3);
    expect(body.cancellationRecords.map((record) => [record.source, record.status])).toEqual([
      ['unicommerce', 'SUCCESS'],
      ['customer', 'SUCCESS'],
    ]);
    const [delivery] = body.deliveryJobs;
    expect(delivery?.state).toBe('delivered');
    const statuses = delivery?.attemptLog.map((attempt) => attempt.answer?.httpStatus) ?? [];
    expect(statuses.slice(-1)).toEqual([200]);
    expect(statuses.filter((status) => status === 503).length).toBeGreaterThanOrEqual(2);
    expect(Array.isArray(body.traceIds)).toBe(true);
    expect(body.pendingAnnouncements).toEqual([]);
  });

  it('is refused without the operator token, or with a wrong one, and is 404 for an unknown order', async () => {
    expect((await story('SO-any')).status).toBe(401);
    expect((await story('SO-any', `${OPS_TOKEN}x`)).status).toBe(401);
    const unknown = await story('SO-nobody-knows', OPS_TOKEN);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'ORDER_NOT_FOUND' });
  });

  it('has probes and metrics on a process without the http role', async () => {
    const worker = await startInProcess({ ...env, SERVICE_ROLES: 'dispatcher,relay' });
    try {
      expect(worker.httpUrl).toBeUndefined();
      const ready = await fetch(`${worker.opsUrl}/readyz`);
      expect(ready.status).toBe(200);
      expect((await fetch(`${worker.opsUrl}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${worker.opsUrl}/metrics`)).text()).toContain('cancel_sync_delivery_jobs');
    } finally {
      await worker.stop();
    }
  });
});
