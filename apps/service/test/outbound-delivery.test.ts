/**
 * Customers and marketplace services cancel: order.cancelled events on Kafka reach Uniware (the
 * sandbox) item-wise, once, through faults; poison and rejected ones are dead-lettered.
 */
import { startSandbox } from '@cancel-sync/uc-sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/service.ts';
import { testEnvironment, waitFor } from './support/environment.ts';
import { aCancelledEvent, anItem, anOrder } from './support/mothers.ts';
import { startInProcess } from './support/running-service.ts';
import { openWorld, type TopicReader, type World } from './support/world.ts';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let service: RunningService;
let world: World;
let env: Record<string, string>;
let deadLetters: TopicReader;

const publishEvent = (event: Record<string, unknown>) =>
  world.publish(env.TOPIC_ORDER_CANCELLED ?? '', [
    { key: String(event.orderId), value: JSON.stringify(event) },
  ]);

const appliedCalls = (orderId: string) => sandbox.state.calls.list(orderId).filter((call) => call.applied);

beforeAll(async () => {
  sandbox = await startSandbox();
  env = testEnvironment(sandbox.url, { DELIVERY_MAX_ATTEMPTS: '30', DELIVERY_MAX_AGE_SECONDS: '120' });
  world = await openWorld(env);
  await world.registerSeller('seller-1');
  service = await startInProcess(env);
  deadLetters = world.readTopic(env.TOPIC_ORDER_CANCELLED_DLQ ?? '');
});

afterAll(async () => {
  await service?.stop();
  await world?.close();
  await sandbox?.close();
});

beforeEach(() => {
  sandbox.state.setFaults({});
});

describe('pushing cancellations to Uniware', () => {
  it("sends an event with two items as one call with both SKUs and the seller's headers", async () => {
    const event = aCancelledEvent({
      items: [
        { orderItemId: 'a', productId: 'p-1', variantId: 'v-1', quantity: 2 },
        { orderItemId: 'b', productId: 'p-2', variantId: 'v-9', quantity: 1 },
      ],
    });
    await publishEvent(event);
    const [call] = await waitFor(
      () => appliedCalls(String(event.orderId)),
      (calls) => calls.length === 1,
      {
        what: 'the call to Uniware',
      },
    );
    expect(call?.headers).toMatchObject({
      clientId: 'sandbox-client',
      merchantId: 'merchant-seller-1',
      securityKey: 'valid',
    });
    expect(call?.body).toEqual({
      saleOrderCode: event.orderId,
      cancelledSkuCodes: [
        { quantity: 2, productId: 'p-1', variantId: 'v-1' },
        { quantity: 1, productId: 'p-2', variantId: 'v-9' },
      ],
      cancellationReason: 'customer changed their mind',
    });
    await waitFor(
      () => world.stores.deliveryJobs.find(String(event.eventId)),
      (job) => job?.state === 'delivered',
    );
  });

  it('calls Uniware once for an event delivered twice', async () => {
    const event = aCancelledEvent();
    await publishEvent(event);
    await publishEvent(event);
    await waitFor(
      () => world.stores.deliveryJobs.find(String(event.eventId)),
      (job) => job?.state === 'delivered',
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(sandbox.state.calls.list(String(event.orderId))).toHaveLength(1);
  });

  it('applies the event to a known order in the ledger', async () => {
    const order = anOrder({ items: [anItem({ quantity: 4 })] });
    await world.seedOrder(order);
    const event = aCancelledEvent({
      orderId: order.orderId,
      items: [{ orderItemId: 'item-1', productId: 'prod-1', variantId: 'var-1', quantity: 3 }],
    });
    await publishEvent(event);
    await waitFor(
      () => world.storedOrder(order.orderId),
      (stored) => stored?.items[0]?.cancelledQuantity === 3,
      {
        what: 'the ledger to take the cancellation',
      },
    );
  });

  it('dead-letters a poison message with the reason in its headers, and still delivers the next one', async () => {
    const orderId = `SO-poison-${Date.now()}`;
    await world.publish(env.TOPIC_ORDER_CANCELLED ?? '', [
      { key: orderId, value: '{"this is": not json' },
      { key: orderId, value: JSON.stringify({ ...aCancelledEvent({ orderId }), items: [] }) },
    ]);
    const next = aCancelledEvent({ orderId });
    await publishEvent(next);
    await waitFor(
      () => appliedCalls(orderId),
      (calls) => calls.length === 1,
      { what: 'the next message delivered' },
    );
    const poisoned = await waitFor(
      () => deadLetters.messages.filter((message) => message.key === orderId),
      (found) => found.length === 2,
      { what: 'two dead letters' },
    );
    expect(poisoned.map((message) => message.headers['dlq-code'])).toEqual([
      'INVALID_JSON',
      'SCHEMA_VIOLATION',
    ]);
    expect(poisoned[1]?.headers['dlq-reason']).toContain('/items');
    expect(poisoned[0]?.value).toBe('{"this is": not json');
  });

  it('delivers every event in the end while Uniware fails 30 % of calls with 5xx', async () => {
    sandbox.state.setFaults({ seed: 7, serverError: { rate: 0.3, status: 503, phase: 'before-apply' } });
    const events = Array.from({ length: 40 }, () => aCancelledEvent());
    await Promise.all(events.map(publishEvent));
    for (const event of events) {
      await waitFor(
        () => world.stores.deliveryJobs.find(String(event.eventId)),
        (job) => job?.state === 'delivered',
        {
          timeoutMs: 60_000,
          what: `delivery of ${String(event.eventId)}`,
        },
      );
    }
    const failed = events
      .flatMap((event) => sandbox.state.calls.list(String(event.orderId)))
      .filter((call) => call.fault !== null);
    expect(failed.length).toBeGreaterThan(0);
    for (const event of events) expect(appliedCalls(String(event.orderId))).toHaveLength(1);
  });

  it('dead-letters a cancellation Uniware rejects, without retrying it', async () => {
    const orderId = `SO-over-${Date.now()}`;
    sandbox.state.orders.seed(orderId, { skus: [{ productId: 'prod-1', variantId: 'var-1', quantity: 1 }] });
    const event = aCancelledEvent({
      orderId,
      items: [{ orderItemId: 'item-1', productId: 'prod-1', variantId: 'var-1', quantity: 5 }],
    });
    await publishEvent(event);
    const job = await waitFor(
      () => world.stores.deliveryJobs.find(String(event.eventId)),
      (found) => found?.state === 'rejected',
    );
    expect(job?.lastError).toMatch(/remain|more than|only/i);
    const [letter] = await waitFor(
      () => deadLetters.messages.filter((message) => message.key === orderId),
      (found) => found.length === 1,
      { what: 'the dead letter of the rejected delivery' },
    );
    expect(letter?.headers['dlq-code']).toBe('UNIWARE_REJECTED');
    expect(JSON.parse(letter?.value ?? '{}')).toMatchObject({ eventId: event.eventId, attempts: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(sandbox.state.calls.list(orderId)).toHaveLength(1);
  });
});
