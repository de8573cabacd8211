/**
 * What one outbound event costs the database: the service's own MongoDB commands (driver command
 * monitoring, `cancel_sync_mongodb_commands_total`) from the record on Kafka to the delivery
 * recorded, for events of orders the ledger knows. The idle polls are set far apart so that the
 * window holds only what the events caused (a wake-up an event triggers is counted).
 */
import { startSandbox } from '@cancel-sync/uc-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/service.ts';
import { testEnvironment, waitFor } from './support/environment.ts';
import { aCancelledEvent, anItem, anOrder } from './support/mothers.ts';
import { startInProcess } from './support/running-service.ts';
import { openWorld, type World } from './support/world.ts';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let service: RunningService | undefined;
let world: World;
let env: Record<string, string>;

/** Commands by name, from the service's /metrics. */
const commands = async (): Promise<Record<string, number>> => {
  const text = await (await fetch(service?.metricsUrl ?? '')).text();
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^cancel_sync_mongodb_commands_total\{command="([^"]+)"\} (\d+)/gm)) {
    counts[match[1] ?? ''] = Number(match[2]);
  }
  return counts;
};

const between = (
  before: Record<string, number>,
  after: Record<string, number>,
  minus: Record<string, number> = {},
) =>
  Object.fromEntries(
    Object.keys(after)
      .map((name) => [name, (after[name] ?? 0) - (before[name] ?? 0) - (minus[name] ?? 0)] as const)
      .filter(([, value]) => value !== 0),
  );

const total = (counts: Record<string, number>) =>
  Object.values(counts).reduce((sum, value) => sum + value, 0);

beforeAll(async () => {
  sandbox = await startSandbox();
  env = testEnvironment(sandbox.url, {
    // No idle poll inside the measured window: what is counted is what the events caused.
    DELIVERY_POLL_INTERVAL_MS: '60000',
    OUTBOX_POLL_INTERVAL_MS: '60000',
    // The relay's look for leftovers beside the HTTP role (2 s by default): CI once counted two more
    // finds than the events cause (6.07 per event), from this or a second seller read.
    OUTBOX_LEFTOVER_POLL_INTERVAL_MS: '60000',
    // One seller read for the whole window, however long a loaded machine makes it.
    DELIVERY_SELLER_CACHE_MS: '60000',
    DEAD_LETTER_POLL_INTERVAL_MS: '60000',
    RETENTION_SWEEP_INTERVAL_SECONDS: '86400',
    // Slots for every event at once, as in the bench: what is counted is the fast path. With fewer,
    // the jobs stored while every slot is busy are claimed by the loop (two reads and a claim each).
    UC_MAX_CONCURRENCY: '64',
    UC_CONNECTIONS: '64',
    // A renewal is one update per renew interval of a call under way (on a loaded machine calls are
    // slow): not a cost of the path, so none falls in the window.
    DELIVERY_LEASE_MS: '60000',
    DELIVERY_LEASE_RENEW_MS: '20000',
    KAFKA_TOPIC_PARTITIONS: '3',
  });
  world = await openWorld(env);
  await world.registerSeller('seller-1');
  service = await startInProcess(env);
});

afterAll(async () => {
  await service?.stop();
  await world?.close();
  await sandbox?.close();
});

describe('database commands per outbound event', () => {
  it('delivers an event of a known order with at most 6 MongoDB commands, background included, and one seller read for all', {
    timeout: 60_000,
  }, async () => {
    const count = 30;
    const orders = Array.from({ length: count }, () => anOrder({ items: [anItem({ quantity: 5 })] }));
    for (const order of orders) await world.seedOrder(order);
    const events = orders.map((order) =>
      aCancelledEvent({
        orderId: order.orderId,
        items: [{ orderItemId: 'item-1', productId: 'prod-1', variantId: 'var-1', quantity: 1 }],
      }),
    );
    // Let the start-up polls pass, then measure what one scrape costs by itself.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const first = await commands();
    const second = await commands();
    const scrape = between(first, second);

    await world.publish(
      env.TOPIC_ORDER_CANCELLED ?? '',
      events.map((event) => ({ key: String(event.orderId), value: JSON.stringify(event) })),
    );
    await waitFor(
      async () => (await world.stores.deliveryJobs.countByState()).delivered,
      (delivered) => delivered === count,
      { timeoutMs: 30_000, what: `${count} deliveries recorded` },
    );
    // The last settles' follow-ups (a relay woken, say) finish.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const sent = between(second, await commands(), scrape);
    const perEvent = total(sent) / count;
    process.stdout.write(
      `[outbound commands] ${count} events of known orders: ${perEvent.toFixed(2)} MongoDB commands per event (${Object.entries(
        sent,
      )
        .sort(([, a], [, b]) => b - a)
        .map(([name, value]) => `${name} ${(value / count).toFixed(2)}`)
        .join(', ')})\n`,
    );
    for (const order of orders) expect(sandbox.state.calls.list(order.orderId)).toHaveLength(1);
    // The ledger's read and its conditional write, which carries the history record and the prune
    // (2); the job's ordering check, stored claimed, attempt started, settled (4); the seller once.
    expect(total(sent)).toBeLessThanOrEqual(6 * count + 1);
  });
});
