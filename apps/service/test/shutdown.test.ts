/**
 * SIGTERM while requests and deliveries are in flight: readiness turns 503 while the port still
 * answers, then everything under way finishes and is recorded, and the process exits 0.
 */
import { startSandbox } from '@cancel-sync/uc-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnvironment, waitFor } from './support/environment.ts';
import { aCancelledEvent, anItem, anOrder } from './support/mothers.ts';
import { type ServiceProcess, spawnService } from './support/running-service.ts';
import { openWorld, type World } from './support/world.ts';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let world: World;
let service: ServiceProcess | undefined;

beforeAll(async () => {
  // Slow answers, so that calls to Uniware are under way when the signal comes.
  sandbox = await startSandbox({ faults: { latency: { kind: 'uniform', minMs: 300, maxMs: 600 } } });
});

afterAll(async () => {
  await service?.kill('SIGKILL');
  await world?.close();
  await sandbox?.close();
});

describe('a graceful stop', () => {
  it('turns readiness 503 before the port closes, finishes what is under way, and exits 0', {
    timeout: 120_000,
  }, async () => {
    const env = testEnvironment(sandbox.url, { SHUTDOWN_DRAIN_MS: '1500', UC_MAX_CONCURRENCY: '8' });
    world = await openWorld(env);
    const { username, password } = await world.registerSeller('seller-1');
    const orders = Array.from({ length: 10 }, () => anOrder({ items: [anItem({ quantity: 50 })] }));
    for (const order of orders) await world.seedOrder(order);
    service = await spawnService(env, 'graceful');
    const api = service.httpUrl;
    const { accessToken } = (await (
      await fetch(`${api}/authToken`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      })
    ).json()) as { accessToken: string };

    const events = Array.from({ length: 40 }, () => aCancelledEvent());
    await world.publish(
      env.TOPIC_ORDER_CANCELLED ?? '',
      events.map((event) => ({ key: String(event.orderId), value: JSON.stringify(event) })),
    );
    await waitFor(
      () => sandbox.state.calls.list().length,
      (count) => count >= 4,
      { what: 'calls under way' },
    );

    // Inbound requests keep coming until the port closes; each distinct (by its key), one unit.
    const answers: { orderId: string; status: string }[] = [];
    let refused = 0;
    let sending = true;
    const senders = orders.map(async (order, index) => {
      for (let n = 0; sending; n += 1) {
        try {
          const response = await fetch(`${api}/orders/cancel`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              apiKey: accessToken,
              'idempotency-key': `k-${index}-${n}`,
            },
            body: JSON.stringify({
              orderId: order.orderId,
              orderItems: [{ orderItemId: 'item-1', productId: 'prod-1', variantId: 'var-1', quantity: 1 }],
            }),
          });
          answers.push({
            orderId: order.orderId,
            status: ((await response.json()) as { status?: string }).status ?? String(response.status),
          });
        } catch {
          refused += 1;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 500));

    const exited = service.kill('SIGTERM');
    const readyz = await waitFor(
      async () => (await fetch(`${api}/readyz`).catch(() => undefined))?.status ?? 0,
      (status) => status !== 200,
      { timeoutMs: 5_000, intervalMs: 50, what: 'readiness to turn' },
    );
    expect(readyz).toBe(503);
    const code = await exited;
    sending = false;
    await Promise.all(senders);
    service = undefined;
    process.stdout.write(
      `[graceful stop] exit ${code}; ${answers.length} inbound answers, ${refused} refused once the port closed; ${sandbox.state.calls.list().length} calls to Uniware\n`,
    );
    expect(code).toBe(0);

    // Nothing half-written: every SUCCESS is in the ledger, once; no job is left mid-attempt.
    for (const order of orders) {
      const succeeded = answers.filter(
        (answer) => answer.orderId === order.orderId && answer.status === 'SUCCESS',
      ).length;
      expect((await world.storedOrder(order.orderId))?.items[0]?.cancelledQuantity).toBe(succeeded);
    }
    for (const event of events) {
      const job = await world.stores.deliveryJobs.find(String(event.eventId));
      expect(job?.lease, `job ${event.eventId} still leased`).toBeUndefined();
      expect(
        job?.attemptLog.filter((attempt) => attempt.answer === undefined),
        `job ${event.eventId}`,
      ).toEqual([]);
    }
    const answered = sandbox.state.calls.list().filter((call) => call.applied).length;
    const delivered = (await world.stores.deliveryJobs.countByState()).delivered;
    expect(delivered).toBe(answered);
  });
});
