/**
 * The seams of the outbound path, each with a fault injected at the exact step by wrapping a port:
 * a received answer is never lost, a dead letter does not depend on Kafka, the ledger decides what
 * is pushed, a repeat after an unknown outcome is told apart, a failing record is parked.
 */
import { startSandbox } from '@cancel-sync/uc-sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PortDecorators, RunningService } from '../src/service.ts';
import { testEnvironment, waitFor } from './support/environment.ts';
import { aCancelledEvent, aLifecycleSnapshot, anItem, anOrder } from './support/mothers.ts';
import { startInProcess } from './support/running-service.ts';
import { openWorld, type TopicReader, type World } from './support/world.ts';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let service: RunningService | undefined;
let world: World;
let env: Record<string, string>;
let deadLetters: TopicReader;

const publishEvent = (event: Record<string, unknown>) =>
  world.publish(env.TOPIC_ORDER_CANCELLED ?? '', [
    { key: String(event.orderId), value: JSON.stringify(event) },
  ]);

const calls = (orderId: string) => sandbox.state.calls.list(orderId);

/** Replaces one method of a port; every other method is the port's own. */
const overriding = <P extends object>(
  port: P,
  method: keyof P,
  replacement: (...args: never[]) => unknown,
): P =>
  new Proxy(port, {
    get: (target, property) => {
      if (property === method) return replacement;
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });

const startWith = async (decorate: PortDecorators, overrides: Record<string, string> = {}) => {
  service = await startInProcess({ ...env, ...overrides }, decorate);
};

beforeAll(async () => {
  sandbox = await startSandbox();
  env = testEnvironment(sandbox.url, {
    DELIVERY_LEASE_MS: '4000',
    DELIVERY_LEASE_RENEW_MS: '1000',
    CONSUMER_MAX_RECORD_ATTEMPTS: '3',
    KAFKA_TOPIC_PARTITIONS: '1',
  });
  world = await openWorld(env);
  await world.registerSeller('seller-1');
  // Created here, so that the reader below finds its topic before any service started.
  const admin = world.kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [env.TOPIC_ORDER_CANCELLED, env.TOPIC_ORDER_CANCELLED_DLQ, env.TOPIC_ORDER_LIFECYCLE].map(
      (topic) => ({
        topic: topic ?? '',
        numPartitions: 1,
      }),
    ),
  });
  await admin.disconnect();
  deadLetters = world.readTopic(env.TOPIC_ORDER_CANCELLED_DLQ ?? '');
});

afterEach(async () => {
  await service?.stop();
  service = undefined;
  sandbox.state.setFaults({});
});

afterAll(async () => {
  await world?.close();
  await sandbox?.close();
});

const lettersFor = (eventId: string) =>
  deadLetters.messages.filter((message) => message.value.includes(`"eventId":"${eventId}"`));

describe('a known answer from Uniware is never lost', () => {
  it('calls Uniware once when recording its success fails once', async () => {
    let failures = 0;
    await startWith({
      deliveryJobs: (jobs) =>
        overriding(jobs, 'settle', (async (...args: Parameters<typeof jobs.settle>) => {
          if (failures === 0) {
            failures += 1;
            throw new Error('injected: the settle write failed');
          }
          return jobs.settle(...args);
        }) as never),
    });
    const event = aCancelledEvent();
    await publishEvent(event);
    const job = await waitFor(
      () => world.stores.deliveryJobs.find(String(event.eventId)),
      (found) => found?.state === 'delivered',
      { timeoutMs: 20_000, what: 'the delivery to be recorded' },
    );
    // Longer than a lease: a job that changed hands would have been sent again by now.
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    expect(failures).toBe(1);
    expect(calls(String(event.orderId))).toHaveLength(1);
    expect(job?.attempts).toBe(1);
    expect(job?.unknownOutcomes).toBe(0);
  });

  it('stores a dead letter at once while the dead-letter topic is unreachable, and publishes it once it is back', async () => {
    let kafkaDown = true;
    let refusedPublishes = 0;
    await startWith({
      deadLetters: (letters) =>
        overriding(letters, 'publish', (async (...args: Parameters<typeof letters.publish>) => {
          if (kafkaDown) {
            refusedPublishes += 1;
            throw new Error('injected: the dead-letter topic is unreachable');
          }
          return letters.publish(...args);
        }) as never),
    });
    const order = anOrder({ items: [anItem({ quantity: 5 })] });
    await world.seedOrder(order);
    sandbox.state.orders.seed(order.orderId, {
      merchantId: 'merchant-seller-1',
      skus: [{ productId: 'prod-1', variantId: 'var-1', quantity: 1 }],
    });
    // The ledger allows 3 of 5; Uniware knows only 1 unit: it refuses.
    const event = aCancelledEvent({
      orderId: order.orderId,
      items: [{ orderItemId: 'item-1', productId: 'prod-1', variantId: 'var-1', quantity: 3 }],
    });
    await publishEvent(event);
    const job = await waitFor(
      () => world.stores.deliveryJobs.find(String(event.eventId)),
      (found) => found?.state === 'rejected',
      { timeoutMs: 20_000, what: 'the rejection to be recorded' },
    );
    expect(job?.deadLetters?.map((letter) => letter.code)).toEqual(['UNIWARE_REJECTED']);
    expect(job?.deadLetters?.[0]?.publishedAt).toBeUndefined();
    // Longer than a lease, with the topic still unreachable: nothing is sent again.
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    expect(calls(order.orderId)).toHaveLength(1);
    expect(refusedPublishes).toBeGreaterThan(0);
    expect(lettersFor(String(event.eventId))).toHaveLength(0);

    kafkaDown = false;
    await waitFor(
      () => lettersFor(String(event.eventId)),
      (letters) => letters.length >= 1,
      { timeoutMs: 20_000, what: 'the dead letter on the topic' },
    );
    await waitFor(
      () => world.stores.deliveryJobs.find(String(event.eventId)),
      (found) => found?.deadLetters?.[0]?.publishedAt !== undefined,
      { what: 'the dead letter marked published' },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(lettersFor(String(event.eventId))).toHaveLength(1);
    expect(lettersFor(String(event.eventId))[0]?.headers['dlq-code']).toBe('UNIWARE_REJECTED');
    expect(calls(order.orderId)).toHaveLength(1);
  });
});

describe('the ledger decides what is pushed', () => {
  it('pushes only the units the ledger accepted and dead-letters the disagreement with its lines', async () => {
    await startWith({});
    const order = anOrder({
      items: [
        anItem({ orderItemId: 'a', quantity: 3 }),
        anItem({ orderItemId: 'b', productId: 'prod-2', quantity: 2 }),
      ],
    });
    await world.seedOrder(order);
    const event = aCancelledEvent({
      orderId: order.orderId,
      items: [
        { orderItemId: 'a', productId: 'prod-1', variantId: 'var-1', quantity: 1 },
        { orderItemId: 'b', productId: 'prod-2', variantId: 'var-1', quantity: 5 },
      ],
    });
    await publishEvent(event);
    await waitFor(
      () => world.stores.deliveryJobs.find(String(event.eventId)),
      (found) => found?.state === 'delivered',
      { what: 'the accepted units delivered' },
    );
    const [call, ...more] = calls(order.orderId);
    expect(more).toEqual([]);
    expect(call?.body).toMatchObject({
      cancelledSkuCodes: [{ quantity: 1, productId: 'prod-1', variantId: 'var-1' }],
    });
    const stored = await world.storedOrder(order.orderId);
    expect(stored?.items.map((item) => item.cancelledQuantity)).toEqual([1, 0]);
    const [letter] = await waitFor(
      () => lettersFor(String(event.eventId)),
      (letters) => letters.length === 1,
      { what: 'the LEDGER_DISAGREES dead letter' },
    );
    expect(letter?.headers['dlq-code']).toBe('LEDGER_DISAGREES');
    const body = JSON.parse(letter?.value ?? '{}') as { refusedLines?: { code: string }[] };
    expect(body.refusedLines?.map((line) => line.code)).toEqual(['QUANTITY_EXCEEDS_CANCELLABLE']);
  });

  it('does not call Uniware when the ledger refused every line', async () => {
    await startWith({});
    const order = anOrder({ items: [anItem({ quantity: 2 })] });
    await world.seedOrder(order);
    const event = aCancelledEvent({
      orderId: order.orderId,
      items: [{ orderItemId: 'item-1', productId: 'prod-1', variantId: 'var-1', quantity: 5 }],
    });
    await publishEvent(event);
    const job = await waitFor(
      () => world.stores.deliveryJobs.find(String(event.eventId)),
      (found) => found !== undefined && found.state !== 'pending',
      { what: 'the job to end' },
    );
    expect(job?.state).toBe('disagreed');
    await waitFor(
      () => lettersFor(String(event.eventId)),
      (letters) => letters.length === 1,
    );
    expect(calls(order.orderId)).toEqual([]);
    expect((await world.storedOrder(order.orderId))?.items[0]?.cancelledQuantity).toBe(0);
  });
});

describe('an order the ledger does not know yet', () => {
  it('waits for the order feed, then applies the event and pushes only what the ledger accepted', async () => {
    await startWith({}, { DELIVERY_AWAIT_LEDGER_SECONDS: '60' });
    const orderId = `SO-LATE-${Date.now()}`;
    const event = aCancelledEvent({
      orderId,
      items: [
        { orderItemId: 'item-1', productId: 'prod-1', variantId: 'var-1', quantity: 2 },
        { orderItemId: 'item-9', productId: 'prod-9', variantId: 'var-9', quantity: 1 },
      ],
    });
    await publishEvent(event);
    await waitFor(
      () => world.stores.deliveryJobs.find(String(event.eventId)),
      (found) => found?.ledger === 'awaiting-order' && found.lease === undefined && found.attempts === 0,
      { what: 'the job waiting for its order' },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(calls(orderId)).toEqual([]);
    // The feed brings the order: 3 units of item-1, and no item-9.
    await world.publish(env.TOPIC_ORDER_LIFECYCLE ?? '', [
      { key: orderId, value: JSON.stringify(aLifecycleSnapshot(orderId, { quantity: 3 })) },
    ]);
    const job = await waitFor(
      () => world.stores.deliveryJobs.find(String(event.eventId)),
      (found) => found !== undefined && found.state !== 'pending',
      { timeoutMs: 20_000, what: 'the job to be judged by the ledger' },
    );
    expect(job).toMatchObject({ state: 'delivered', ledger: 'partly' });
    const [call, ...more] = calls(orderId);
    expect(more).toEqual([]);
    expect(call?.body).toMatchObject({
      cancelledSkuCodes: [{ quantity: 2, productId: 'prod-1', variantId: 'var-1' }],
    });
    expect((await world.storedOrder(orderId))?.items[0]?.cancelledQuantity).toBe(2);
    expect(job?.deadLetters.map((letter) => letter.code)).toEqual(['LEDGER_DISAGREES']);
  });

  it('pushes the event as it was asked once the wait for the order runs out', async () => {
    await startWith({}, { DELIVERY_AWAIT_LEDGER_SECONDS: '2' });
    const event = aCancelledEvent();
    await publishEvent(event);
    const job = await waitFor(
      () => world.stores.deliveryJobs.find(String(event.eventId)),
      (found) => found?.state === 'delivered',
      { timeoutMs: 20_000, what: 'the delivery after the wait' },
    );
    expect(job?.ledger).toBe('unverified');
    expect((job?.finishedAt?.getTime() ?? 0) - (job?.createdAt.getTime() ?? 0)).toBeGreaterThanOrEqual(2_000);
    expect(calls(String(event.orderId))).toHaveLength(1);
  });
});

describe('what a repeat means', () => {
  it('calls a repeat that Uniware refuses after an unknown outcome "probably applied", not rejected', async () => {
    await startWith({});
    const order = anOrder({ items: [anItem({ quantity: 2 })] });
    await world.seedOrder(order);
    sandbox.state.orders.seed(order.orderId, {
      merchantId: 'merchant-seller-1',
      skus: [{ productId: 'prod-1', variantId: 'var-1', quantity: 2 }],
    });
    // Uniware applies the first call and never answers it; the client times out (outcome unknown).
    sandbox.state.setFaults({ hang: { rate: 1, answerAfterMs: null } });
    const event = aCancelledEvent({
      orderId: order.orderId,
      items: [{ orderItemId: 'item-1', productId: 'prod-1', variantId: 'var-1', quantity: 2 }],
    });
    await publishEvent(event);
    await waitFor(
      () => calls(order.orderId),
      (list) => list.length === 1,
      { what: 'the first call' },
    );
    sandbox.state.setFaults({});
    const job = await waitFor(
      () => world.stores.deliveryJobs.find(String(event.eventId)),
      (found) => found !== undefined && found.state !== 'pending',
      { timeoutMs: 20_000, what: 'the repeat to end the job' },
    );
    expect(job?.state).toBe('probably-applied');
    expect(job?.unknownOutcomes).toBe(1);
    expect(calls(order.orderId)).toHaveLength(2);
    expect(lettersFor(String(event.eventId))).toEqual([]);
  });
});

describe('a partition never stalls for good', () => {
  it('parks a record whose handling keeps failing and handles the next record of its partition', async () => {
    const poisonOrder = `SO-POISON-${Date.now()}`;
    let poisonAttempts = 0;
    await startWith({
      ledger: (ledger) =>
        overriding(ledger, 'find', (async (orderId: string) => {
          if (orderId === poisonOrder) {
            poisonAttempts += 1;
            throw new TypeError('injected: this record always breaks its handler');
          }
          return ledger.find(orderId);
        }) as never),
    });
    const poison = aCancelledEvent({ orderId: poisonOrder });
    // The topics of this file have one partition: this record comes right behind the poison one.
    const after = aCancelledEvent();
    await world.publish(env.TOPIC_ORDER_CANCELLED ?? '', [
      { key: poisonOrder, value: JSON.stringify(poison) },
    ]);
    await world.publish(env.TOPIC_ORDER_CANCELLED ?? '', [
      { key: String(after.orderId), value: JSON.stringify(after) },
    ]);
    await waitFor(
      () => world.stores.deliveryJobs.find(String(after.eventId)),
      (found) => found?.state === 'delivered',
      { timeoutMs: 30_000, what: 'a later record delivered' },
    );
    const parked = await waitFor(
      () => world.stores.parkedRecords.list({ limit: 10 }),
      (records) => records.some((record) => record.key === poisonOrder),
      { timeoutMs: 30_000, what: 'the failing record parked' },
    );
    expect(parked[0]?.reason).toContain('injected: this record always breaks its handler');
    expect(poisonAttempts).toBe(3);
    await waitFor(
      () => deadLetters.messages.filter((message) => message.headers['dlq-code'] === 'HANDLER_FAILED'),
      (letters) => letters.some((letter) => letter.key === poisonOrder),
      { what: 'the parked record on the dead-letter topic' },
    );
  });
});
