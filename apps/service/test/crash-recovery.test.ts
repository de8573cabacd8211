/**
 * Through crashes and several instances: events keep being delivered, and the only repeated calls
 * to Uniware are those whose first outcome was unknown (the caller died or timed out mid-call).
 */
import { startSandbox } from '@cancel-sync/uc-sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testEnvironment, waitFor } from './support/environment.ts';
import { aCancelledEvent } from './support/mothers.ts';
import { type ServiceProcess, spawnService } from './support/running-service.ts';
import { openWorld, type World } from './support/world.ts';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
const running = new Set<ServiceProcess>();

beforeAll(async () => {
  // Some latency, so that calls are under way when a process is killed.
  sandbox = await startSandbox({ faults: { latency: { kind: 'uniform', minMs: 5, maxMs: 40 } } });
});

afterEach(async () => {
  await Promise.all([...running].map((service) => service.kill('SIGKILL')));
  running.clear();
});

afterAll(async () => {
  await sandbox?.close();
});

const start = async (env: Record<string, string>, name: string) => {
  const service = await spawnService(env, name);
  running.add(service);
  return service;
};

const kill = async (service: ServiceProcess) => {
  await service.kill('SIGKILL');
  running.delete(service);
};

const setUp = async () => {
  const env = testEnvironment(sandbox.url, {
    DELIVERY_LEASE_MS: '4000',
    UC_MAX_CONCURRENCY: '16',
    KAFKA_TOPIC_PARTITIONS: '6',
    KAFKA_PARTITIONS_CONCURRENTLY: '3',
    // A killed member is noticed sooner, so the group hands its partitions on sooner.
    KAFKA_SESSION_TIMEOUT_MS: '8000',
  });
  const world = await openWorld(env);
  await world.registerSeller('seller-1');
  const events = Array.from({ length: 1000 }, () => aCancelledEvent());
  /** Publishes the events in slices while the test goes on, as a stream would. */
  const publishAll = async () => {
    for (let from = 0; from < events.length; from += 50) {
      await world.publish(
        env.TOPIC_ORDER_CANCELLED ?? '',
        events
          .slice(from, from + 50)
          .map((event) => ({ key: String(event.orderId), value: JSON.stringify(event) })),
      );
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  };
  const delivered = async () => (await world.stores.deliveryJobs.countByState()).delivered;
  return { env, world, events, publishAll, delivered };
};

/** Every event reached Uniware; an order called more than once had an unknown outcome first. */
const checkDeliveries = async (world: World, events: ReturnType<typeof aCancelledEvent>[]) => {
  const appliedPerOrder = new Map<string, number>();
  for (const call of sandbox.state.calls.list()) {
    if (call.applied && call.saleOrderCode !== null) {
      appliedPerOrder.set(call.saleOrderCode, (appliedPerOrder.get(call.saleOrderCode) ?? 0) + 1);
    }
  }
  const undelivered = events.filter((event) => (appliedPerOrder.get(String(event.orderId)) ?? 0) === 0);
  const repeated: { eventId: string; calls: number; unknownOutcomes: number }[] = [];
  let unknownOutcomeJobs = 0;
  for (const event of events) {
    const job = await world.stores.deliveryJobs.find(String(event.eventId));
    if ((job?.unknownOutcomes ?? 0) > 0) unknownOutcomeJobs += 1;
    const calls = appliedPerOrder.get(String(event.orderId)) ?? 0;
    if (calls > 1)
      repeated.push({ eventId: String(event.eventId), calls, unknownOutcomes: job?.unknownOutcomes ?? 0 });
  }
  return { undelivered, repeated, unknownOutcomeJobs };
};

describe('crash recovery', () => {
  it('delivers all of 1,000 events through two SIGKILLs, repeating only calls of unknown outcome', {
    timeout: 240_000,
  }, async () => {
    const { env, world, events, publishAll, delivered } = await setUp();
    const startedAt = Date.now();
    try {
      let service = await start(env, 'crash-1');
      const publishing = publishAll();
      await waitFor(delivered, (count) => count >= 150, { timeoutMs: 90_000, what: '150 deliveries' });
      await kill(service);
      service = await start(env, 'crash-2');
      await waitFor(delivered, (count) => count >= 550, { timeoutMs: 90_000, what: '550 deliveries' });
      await kill(service);
      await start(env, 'crash-3');
      await publishing;
      await waitFor(delivered, (count) => count === events.length, {
        timeoutMs: 120_000,
        intervalMs: 250,
        what: 'all deliveries',
      });

      const { undelivered, repeated, unknownOutcomeJobs } = await checkDeliveries(world, events);
      process.stdout.write(
        `[crash recovery] 1000 events, 2 SIGKILLs: delivered in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; ` +
          `${repeated.length} delivered more than once, ${unknownOutcomeJobs} jobs with an unknown outcome\n`,
      );
      expect(undelivered).toEqual([]);
      expect(repeated.filter((entry) => entry.unknownOutcomes === 0)).toEqual([]);
      expect(await world.stores.deliveryJobs.countByState()).toEqual({
        pending: 0,
        delivered: 1000,
        rejected: 0,
        dead: 0,
      });
    } finally {
      await world.close();
    }
  });

  it('shares the work between two instances in one group, with the same guarantees when one is killed', {
    timeout: 240_000,
  }, async () => {
    const { env, world, events, publishAll, delivered } = await setUp();
    try {
      const first = await start(env, 'pair-a');
      let second = await start(env, 'pair-b');
      const publishing = publishAll();
      await waitFor(delivered, (count) => count >= 300, { timeoutMs: 90_000, what: '300 deliveries' });
      await kill(second);
      second = await start(env, 'pair-b-again');
      await publishing;
      await waitFor(delivered, (count) => count === events.length, {
        timeoutMs: 120_000,
        intervalMs: 250,
        what: 'all deliveries',
      });

      const { undelivered, repeated, unknownOutcomeJobs } = await checkDeliveries(world, events);
      const deliveredBy = async (service: ServiceProcess) => {
        const url =
          service.output.map((line) => /"metricsUrl":"([^"]+)"/.exec(line)?.[1]).find(Boolean) ?? '';
        const text = await (await fetch(url)).text();
        return Number(/cancel_sync_deliveries_total\{outcome="delivered"\} (\d+)/.exec(text)?.[1] ?? 0);
      };
      const [byFirst, bySecond] = [await deliveredBy(first), await deliveredBy(second)];
      process.stdout.write(
        `[two instances] 1000 events, one instance killed: ${repeated.length} delivered more than once, ` +
          `${unknownOutcomeJobs} jobs with an unknown outcome; surviving instances delivered ${byFirst} and ${bySecond}\n`,
      );
      expect(undelivered).toEqual([]);
      expect(repeated.filter((entry) => entry.unknownOutcomes === 0)).toEqual([]);
      expect(byFirst).toBeGreaterThan(0);
      expect(bySecond).toBeGreaterThan(0);
    } finally {
      await world.close();
    }
  });
});
