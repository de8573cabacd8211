/**
 * /readyz tells the truth while Kafka or MongoDB is gone, and the service recovers by itself when
 * they come back: a stack of its own (so that stopping its servers disturbs no other test), the
 * service in this process, the servers killed and started again with `pnpm stack up`.
 */
import { startSandbox } from '@cancel-sync/uc-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/service.ts';
import { serviceEnvironment, waitFor } from './support/environment.ts';
import { aCancelledEvent, aLifecycleSnapshot } from './support/mothers.ts';
import { type PrivateStack, startPrivateStack } from './support/private-stack.ts';
import { startInProcess } from './support/running-service.ts';
import { openWorld, type World } from './support/world.ts';

let stack: PrivateStack;
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let service: RunningService;
let world: World;
let env: Record<string, string>;

beforeAll(async () => {
  stack = await startPrivateStack('readiness-stack-');
  sandbox = await startSandbox();
  env = serviceEnvironment(stack, sandbox.url, { KAFKA_SESSION_TIMEOUT_MS: '6000' });
  world = await openWorld(env);
  await world.registerSeller('seller-1');
  service = await startInProcess(env);
}, 240_000);

afterAll(async () => {
  await service?.stop();
  await world?.close().catch(() => undefined);
  await sandbox?.close();
  await stack?.remove();
});

const readiness = async () => {
  const response = await fetch(`${service.httpUrl}/readyz`).catch(() => undefined);
  return { status: response?.status ?? 0, body: (await response?.json().catch(() => undefined)) as unknown };
};

const timed = async <T>(what: string, wait: () => Promise<T>) => {
  const startedAt = Date.now();
  const value = await wait();
  process.stdout.write(`[readiness] ${what} after ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`);
  return value;
};

describe('readiness and recovery', () => {
  it('is 503 while Kafka is gone, 200 once it is back, and both consumers go on without a restart', {
    timeout: 300_000,
  }, async () => {
    expect((await readiness()).status).toBe(200);
    await stack.signal('kafka', 'SIGKILL');
    const down = await timed('503 with Kafka killed', () =>
      waitFor(readiness, (answer) => answer.status === 503, {
        timeoutMs: 90_000,
        intervalMs: 250,
        what: '503',
      }),
    );
    expect(JSON.stringify(down.body)).toContain('consumer');
    // Down long enough for KafkaJS to give up on its consumers, then back on the same port.
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    await stack.up();
    await timed('200 with Kafka back', () =>
      waitFor(readiness, (answer) => answer.status === 200, {
        timeoutMs: 150_000,
        intervalMs: 500,
        what: '200 again',
      }),
    );
    const orderId = `SO-back-${Date.now()}`;
    const event = aCancelledEvent({ orderId });
    await world.publish(env.TOPIC_ORDER_LIFECYCLE ?? '', [
      {
        key: orderId,
        value: JSON.stringify(aLifecycleSnapshot(orderId, { quantity: 2 })),
      },
    ]);
    await waitFor(
      () => world.storedOrder(orderId),
      (order) => order !== undefined,
      { timeoutMs: 60_000, what: 'the order feed handled' },
    );
    await world.publish(env.TOPIC_ORDER_CANCELLED ?? '', [{ key: orderId, value: JSON.stringify(event) }]);
    await waitFor(
      () => world.stores.deliveryJobs.find(String(event.eventId)),
      (job) => job?.state === 'delivered',
      {
        timeoutMs: 60_000,
        what: 'the cancellation delivered',
      },
    );
  });

  it('is 503 within seconds while MongoDB is gone, and 200 once it is back', {
    timeout: 240_000,
  }, async () => {
    expect((await readiness()).status).toBe(200);
    await stack.signal('mongodb', 'SIGKILL');
    const down = await timed('503 with MongoDB killed', () =>
      waitFor(readiness, (answer) => answer.status === 503, {
        timeoutMs: 30_000,
        intervalMs: 250,
        what: '503',
      }),
    );
    expect(JSON.stringify(down.body)).toContain('mongodb');
    await stack.up();
    await timed('200 with MongoDB back', () =>
      waitFor(readiness, (answer) => answer.status === 200, {
        timeoutMs: 90_000,
        intervalMs: 500,
        what: '200 again',
      }),
    );
  });
});
