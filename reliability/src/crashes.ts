/**
 * Crashes: two service instances (child processes) share the outbound work and the inbound API;
 * one of them is SIGKILLed three times and started again, while marketplace events stream in and
 * Uniware (the sandbox, answering in 5–40 ms so that calls are under way at each kill) sends its own
 * cancellations. Counted: what reached the sandbox for each event, each repeated call and whether it
 * was under way at a kill, the inbound answers against the ledger, and the drain after the last kill.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startSandbox } from '@cancel-sync/uc-sandbox';
import { serviceEnvironment } from '../../apps/service/test/support/service-environment.ts';
import { openWorld } from '../../apps/service/test/support/world.ts';
import { type InboundResult, inboundPlan, settleInbound } from './inbound-checks.ts';
import { cancelInbound, login } from './inbound-client.ts';
import { heldBy, heldJobStories, settledAfter } from './kill-recovery.ts';
import { outboundEvents, tallyDeliveries } from './outbound-events.ts';
import { mustEqual, reported, type Scenario, type ScenarioContext, type ScenarioReport } from './scenario.ts';
import { type Instance, startInstance } from './service-processes.ts';

const SIZES = {
  quick: {
    events: 200,
    perSecond: 5,
    orders: 100,
    sellers: 4,
    inboundOrders: 10,
    itemsPerOrder: 10,
    drainMs: 120_000,
  },
  // The issue's 10,000 events, streamed at 25 a second (about 7 minutes) across many orders and sellers.
  long: {
    events: 10_000,
    perSecond: 25,
    orders: 2_500,
    sellers: 10,
    inboundOrders: 30,
    itemsPerOrder: 20,
    drainMs: 1_500_000,
  },
} as const;
/** Each kill comes once this share of the events is delivered. */
const KILLS_AT = [0.2, 0.45, 0.7] as const;
const FINAL_STATES = ['delivered', 'rejected', 'probably-applied', 'disagreed', 'dead'] as const;

const run = async (context: ScenarioContext): Promise<ScenarioReport> => {
  const size = SIZES[context.size];
  const stack = await context.sharedStack();
  const sandbox = await startSandbox({
    maxRecordedCalls: size.events * 3,
    faults: { latency: { kind: 'uniform', minMs: 5, maxMs: 40 } },
  });
  const env = serviceEnvironment(stack, sandbox.url, {
    DELIVERY_LEASE_MS: '4000',
    UC_MAX_CONCURRENCY: '16',
    KAFKA_TOPIC_PARTITIONS: '6',
    KAFKA_PARTITIONS_CONCURRENTLY: '3',
    // A killed member is noticed sooner, so the group hands its partitions on sooner.
    KAFKA_SESSION_TIMEOUT_MS: '8000',
    // The service's idle polls, not the tests' 50 ms: on mongo-java-server every poll scans the jobs.
    DELIVERY_POLL_INTERVAL_MS: '500',
    OUTBOX_POLL_INTERVAL_MS: '200',
  });
  const world = await openWorld(env);
  const running = new Set<Instance>();
  const notes: string[] = [];
  try {
    const passwords = new Map<string, string>();
    for (let seller = 0; seller < size.sellers; seller += 1) {
      const { username, password } = await world.registerSeller(`seller-${seller}`);
      passwords.set(`seller-${seller}`, `${username}\n${password}`);
    }
    const inbound = inboundPlan({ ...size, orders: size.inboundOrders, prefix: 'SO-IN' });
    for (const order of inbound.orders) await world.seedOrder(order);
    const events = outboundEvents(size.events, {
      orders: size.orders,
      sellers: size.sellers,
      prefix: 'SO-OUT',
    });

    const [a, first] = await Promise.all([startInstance(env, 'a'), startInstance(env, 'b-1')]);
    let b = first;
    running.add(a).add(b);
    const tokens = new Map<string, string>();
    for (const [sellerId, credentials] of passwords) {
      const [username = '', password = ''] = credentials.split('\n');
      tokens.set(sellerId, await login(a.httpUrl, username, password));
    }

    let finished = 0;
    let polling = true;
    // One count a second: on mongo-java-server every count scans the jobs, and the watcher should
    // not take the database the service under test needs (six counts every 500 ms took a third of it).
    const jobs = world.mongo.db.collection('delivery_jobs');
    const poller = (async () => {
      while (polling) {
        const count = await jobs.countDocuments({ state: { $in: [...FINAL_STATES] } }).catch(() => undefined);
        if (count !== undefined) finished = count;
        await sleep(1_000);
      }
    })();
    // One limit for the whole run, so that a service that stops delivering fails the figures, not the test's timeout.
    const deadline = Date.now() + size.drainMs;
    const untilFinished = async (share: number) => {
      while (finished < share * events.length && Date.now() < deadline) await sleep(100);
      return finished >= share * events.length;
    };

    const startedAt = Date.now();
    // Published as a stream at a steady rate, so that the kills fall among deliveries under way.
    const publishing = (async () => {
      const slice = Math.max(1, Math.round(size.perSecond / 5));
      for (let from = 0; from < events.length; from += slice) {
        await world.publish(
          env.TOPIC_ORDER_CANCELLED ?? '',
          events.slice(from, from + slice).map((event) => ({ key: event.orderId, value: event.value })),
        );
        await sleep(Math.max(0, startedAt + ((from + slice) / size.perSecond) * 1000 - Date.now()));
      }
    })();

    // Inbound requests are spread over the first 80 % of the deliveries, so that kills fall among them.
    const results = new Map<number, InboundResult>();
    let nextRequest = 0;
    let turn = 0;
    const sending = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (nextRequest < inbound.requests.length) {
          const index = nextRequest;
          nextRequest += 1;
          await untilFinished((index / inbound.requests.length) * 0.8);
          const request = inbound.requests[index] as (typeof inbound.requests)[number];
          const alive = [...running];
          turn += 1;
          const target = alive[turn % alive.length] ?? a;
          results.set(index, {
            first: await cancelInbound(target.httpUrl, tokens.get(request.sellerId) ?? '', request),
          });
        }
      }),
    );

    const killed = new Set<string>();
    const recoveries: Promise<{
      kill: number;
      held: number;
      restartMs: number;
      settledMs: number | undefined;
      jobIds: readonly string[];
      killAt: number;
    }>[] = [];
    let lastKillAt = startedAt;
    for (const [index, share] of KILLS_AT.entries()) {
      if (!(await untilFinished(share))) {
        notes.push(`kill ${index + 1} not reached: ${finished} of ${events.length} finished`);
        break;
      }
      // Killed while it holds jobs, so that calls are under way (a restarted instance takes a while to claim).
      const busyBy = Date.now() + 15_000;
      while ((await heldBy(world.mongo.db, b.name)).length === 0 && Date.now() < busyBy) await sleep(200);
      const victim = b;
      lastKillAt = await victim.kill();
      running.delete(victim);
      killed.add(victim.name);
      const held = await heldBy(world.mongo.db, victim.name);
      const killAt = lastKillAt;
      // Watched from the kill on, while the instance starts again.
      const settled = settledAfter(world.mongo.db, held, killAt, deadline - killAt);
      b = await startInstance(env, `b-${index + 2}`);
      running.add(b);
      const restartMs = Date.now() - killAt;
      context.log(
        `kill ${index + 1} at ${finished} finished: ${held.length} jobs held, restarted in ${restartMs} ms`,
      );
      recoveries.push(
        settled.then((settledMs) => ({
          kill: index + 1,
          held: held.length,
          restartMs,
          settledMs,
          jobIds: held,
          killAt,
        })),
      );
    }
    await publishing;
    const drained = await untilFinished(1);
    const drainMs = Date.now() - lastKillAt;
    await sending;
    polling = false;
    await poller;
    const kills = await Promise.all(recoveries);
    context.log(`drained: ${drained}, ${drainMs} ms after the last kill`);

    const deliveries = await tallyDeliveries(
      events,
      sandbox.state.calls.list(),
      (jobId) => world.stores.deliveryJobs.find(jobId),
      killed,
    );
    const answers = await settleInbound(
      inbound,
      results,
      (request) => cancelInbound(a.httpUrl, tokens.get(request.sellerId) ?? '', request),
      (orderId) => world.storedOrder(orderId),
    );
    notes.push(
      `${events.length} events (${size.perSecond} a second) over ${size.orders} orders of ${size.sellers} sellers; two instances, one SIGKILLed at ${KILLS_AT.map((s) => `${s * 100} %`).join(', ')} of the deliveries and started again; ${inbound.requests.length} inbound requests alongside; sandbox latency 5–40 ms, lease 4 s.`,
      ...deliveries.examples,
      ...answers.examples,
    );
    for (const kill of kills) {
      for (const story of await heldJobStories(world.mongo.db, kill.jobIds, kill.killAt)) {
        notes.push(`kill ${kill.kill}, held ${story}`);
      }
    }
    return {
      scenario: crashes.title,
      figures: [
        reported('events published', events.length),
        mustEqual('events delivered', deliveries.delivered, events.length),
        mustEqual('events lost', deliveries.lost, 0),
        reported('calls that reached Uniware', sandbox.state.calls.stats().calls),
        reported('repeated calls', deliveries.repeats),
        reported('repeated calls in flight at a kill', deliveries.repeatsInFlightAtKill),
        reported('repeated calls after a timed-out call', deliveries.repeatsAfterUnknownAnswer),
        mustEqual('other repeated calls (defects)', deliveries.otherRepeats, 0),
        reported('unknown outcomes (jobs)', deliveries.unknownOutcomes),
        ...kills.flatMap((kill) => [
          reported(`kill ${kill.kill}: jobs the killed instance held`, kill.held),
          kill.held === 0
            ? reported(`kill ${kill.kill}: all of them settled after`, 'none held')
            : reported(`kill ${kill.kill}: all of them settled after`, seconds(kill.settledMs), 's'),
          reported(`kill ${kill.kill}: instance started again after`, seconds(kill.restartMs), 's'),
        ]),
        reported(
          'time to drain after the last kill',
          drained ? seconds(drainMs) : 'did not drain',
          drained ? 's' : undefined,
        ),
        reported('inbound requests', answers.sent),
        reported('inbound answered SUCCESS at once', answers.answeredSuccess),
        reported('inbound answers lost at a kill (unknown outcome)', answers.lost),
        reported('of those, found applied when sent again', answers.lostButApplied),
        reported('inbound answered otherwise at once (sent again)', answers.answeredOther),
        mustEqual('inbound answers contradicted by the ledger', answers.contradicted, 0),
        mustEqual('inbound requests without SUCCESS after a retry', answers.unresolved, 0),
      ],
      notes,
    };
  } finally {
    await Promise.allSettled([...running].map((instance) => instance.kill()));
    await world.close().catch(() => undefined);
    await sandbox.close();
  }
};

const seconds = (ms: number | undefined): number | string =>
  ms === undefined ? 'not within the drain limit' : Math.round(ms / 100) / 10;

export const crashes: Scenario = {
  name: 'crashes',
  title: 'Crashes: two instances, one SIGKILLed three times',
  run,
};
