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
  it('after a SIGKILL, jobs that were claimed but never sent carry no unknown outcome and go out within one lease', {
    timeout: 180_000,
  }, async () => {
    // Few calls a second and many claimed at once: most claimed jobs wait for the rate limiter.
    const leaseMs = 6000;
    const env = testEnvironment(sandbox.url, {
      DELIVERY_LEASE_MS: String(leaseMs),
      DELIVERY_LEASE_RENEW_MS: '2000',
      UC_MAX_CONCURRENCY: '32',
      UC_CONNECTIONS: '32',
      UC_REQUESTS_PER_SECOND: '4',
      KAFKA_SESSION_TIMEOUT_MS: '8000',
    });
    const world = await openWorld(env);
    await world.registerSeller('seller-1');
    const events = Array.from({ length: 40 }, () => aCancelledEvent());
    try {
      const first = await start(env, 'claimed-1');
      await world.publish(
        env.TOPIC_ORDER_CANCELLED ?? '',
        events.map((event) => ({ key: String(event.orderId), value: JSON.stringify(event) })),
      );
      const stored = async () => {
        let count = 0;
        let leased = 0;
        for (const event of events) {
          const job = await world.stores.deliveryJobs.find(String(event.eventId));
          if (job !== undefined) count += 1;
          if (job?.lease !== undefined) leased += 1;
        }
        return { count, leased };
      };
      // Every job stored, so that the drain below measures the dispatcher, not the group's rebalance.
      await waitFor(stored, ({ count, leased }) => count === events.length && leased >= 20, {
        timeoutMs: 30_000,
        what: '40 jobs stored, 20 claimed',
      });
      await kill(first);
      const calledAtKill = new Set(sandbox.state.calls.list().map((call) => call.saleOrderCode));
      const restartedAt = Date.now();
      await start(env, 'claimed-2');
      const delivered = async () => (await world.stores.deliveryJobs.countByState()).delivered;
      await waitFor(delivered, (count) => count === events.length, {
        timeoutMs: 60_000,
        intervalMs: 100,
        what: 'all 40 deliveries',
      });
      const drainedInMs = Date.now() - restartedAt;
      const unknown: string[] = [];
      for (const event of events) {
        const job = await world.stores.deliveryJobs.find(String(event.eventId));
        if ((job?.unknownOutcomes ?? 0) > 0) unknown.push(String(event.orderId));
      }
      const repeated = events.filter(
        (event) => sandbox.state.calls.list(String(event.orderId)).filter((call) => call.applied).length > 1,
      );
      process.stdout.write(
        `[claimed, not sent] 40 events, SIGKILL with 20+ claimed: ${calledAtKill.size} orders called before the kill, ` +
          `${unknown.length} jobs with an unknown outcome, ${repeated.length} repeated calls; drained ${drainedInMs} ms after the restart (lease ${leaseMs} ms)\n`,
      );
      // Only a job whose call had reached Uniware when the process died may be an unknown outcome.
      expect(unknown.filter((orderId) => !calledAtKill.has(orderId))).toEqual([]);
      expect(repeated.filter((event) => !unknown.includes(String(event.orderId)))).toEqual([]);
      // 40 calls at 4 a second take 10 s by themselves; waiting out a stale lease adds one lease at most.
      expect(drainedInMs).toBeLessThan(10_000 + leaseMs + 5_000);
    } finally {
      await world.close();
    }
  });

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
        'probably-applied': 0,
        disagreed: 0,
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
