/**
 * Every instance runs the outbox relay by default: with two of them, each accepted inbound
 * cancellation is still announced on order.cancelled by one of them, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/service.ts';
import { testEnvironment, waitFor } from './support/environment.ts';
import { anItem, anOrder } from './support/mothers.ts';
import { startInProcess } from './support/running-service.ts';
import { openWorld, type World } from './support/world.ts';

let world: World;
const services: RunningService[] = [];

afterAll(async () => {
  await Promise.allSettled(services.map((service) => service.stop()));
  await world?.close();
});

let env: Record<string, string>;

beforeAll(async () => {
  // No call to Uniware is made here: the announcements come from Uniware itself.
  env = testEnvironment('http://127.0.0.1:9', { SERVICE_ROLES: 'http,relay', OUTBOX_BATCH_SIZE: '20' });
  world = await openWorld(env);
});

describe('the outbox relay with two instances', () => {
  it('announces each of 500 accepted inbound cancellations exactly once', { timeout: 180_000 }, async () => {
    const { username, password } = await world.registerSeller('seller-1');
    const orders = Array.from({ length: 500 }, () => anOrder({ items: [anItem({ quantity: 1 })] }));
    for (const order of orders) await world.seedOrder(order);
    services.push(await startInProcess(env), await startInProcess(env));
    // The services created the topics.
    const announcements = world.readTopic(env.TOPIC_ORDER_CANCELLED ?? '');
    const urls = services.map((service) => service.httpUrl ?? '');
    const token = (
      (await (
        await fetch(`${urls[0]}/authToken`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password }),
        })
      ).json()) as { accessToken: string }
    ).accessToken;

    const statuses: string[] = [];
    for (let from = 0; from < orders.length; from += 25) {
      const answers = await Promise.all(
        orders.slice(from, from + 25).map(async (order, index) => {
          const response = await fetch(`${urls[index % 2]}/orders/cancel`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', apiKey: token },
            body: JSON.stringify({
              orderId: order.orderId,
              orderItems: [{ orderItemId: 'item-1', productId: 'prod-1', variantId: 'var-1', quantity: 1 }],
            }),
          });
          return ((await response.json()) as { status: string }).status;
        }),
      );
      statuses.push(...answers);
    }
    expect(statuses.filter((status) => status === 'SUCCESS')).toHaveLength(500);

    const announced = () =>
      announcements.messages.filter((message) => message.value.includes('"source":"unicommerce"'));
    await waitFor(announced, (messages) => new Set(messages.map((m) => m.key)).size === 500, {
      timeoutMs: 60_000,
      what: '500 announced orders',
    });
    // Both relays keep polling for a while: a second copy would show up now.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const eventIds = announced().map((message) => (JSON.parse(message.value) as { eventId: string }).eventId);
    process.stdout.write(
      `[relay, two instances] ${eventIds.length} announcements for 500 accepted cancellations, ${new Set(eventIds).size} distinct\n`,
    );
    expect(new Set(eventIds).size).toBe(500);
    expect(eventIds).toHaveLength(500);
  });
});
