/**
 * The service as its own process against the real stack and the Uniware sandbox, every case beside
 * its baseline in the same run, in alternating rounds (service first in odd rounds, baseline first
 * in even ones), so that a neighbour's load on the shared machine falls on both sides alike:
 * - inbound POST /orders/cancel at 1, 16 and 64 in flight, on distinct orders and on one hot order,
 *   against a bare Fastify route that reads the order and makes one conditional update;
 * - outbound order.cancelled → Uniware with the sandbox answering in 0 ms and in 50 ms, and two
 *   service instances against one, against a bare kafkajs consumer calling the sandbox with undici;
 * - memory (RSS, heap used) at idle, after each case and after an idle settle;
 * - MongoDB commands per operation, from the service's `cancel_sync_mongodb_commands_total`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createNodeCrypto } from '@cancel-sync/adapter-crypto';
import { connectMongo, createMongoStores } from '@cancel-sync/adapter-mongodb';
import { registerSeller } from '@cancel-sync/application';
import type { Stack } from '@cancel-sync/devstack';
import { startSandbox } from '@cancel-sync/uc-sandbox';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { type ServiceProcess, spawnBaseline, spawnService } from './processes.ts';
import type { BenchResults, CaseResult, Memory, MemoryRow, Side } from './report.ts';
import { benchServiceEnvironment, orderCancelledRecord } from './service-environment.ts';
import {
  addCounts,
  type Counts,
  commandCounts,
  countsBetween,
  metricSamples,
  percentile,
  perOperation,
  ratio,
  round,
  rounds,
} from './stats.ts';

export interface BenchSizes {
  /** Rounds per side of each case (at least 3). */
  readonly rounds: number;
  /** How long one inbound round sends requests, in ms. */
  readonly inboundRoundMs: number;
  /** Events published per outbound round. */
  readonly events: number;
  /** Orders in the ledger (and in the baseline's collection): on the embedded server, scans grow with it. */
  readonly orders: number;
  /** Calls to Uniware in flight, for the service and the bare consumer alike. */
  readonly outboundInFlight: number;
  /** The sandbox's answer time in the slow outbound case. */
  readonly slowUniwareMs: number;
  /** Idle time before the last memory reading. */
  readonly settleMs: number;
  /** Only the inbound or only the outbound cases (BENCH_ONLY); both when absent. */
  readonly only?: 'inbound' | 'outbound' | undefined;
}

const INBOUND_IN_FLIGHT = [1, 16, 64] as const;
const HOT_ORDER = 'SO-HOT';
const lines = [
  { orderItemId: 'i-1', productId: 'p-1', variantId: 'v-1', quantity: 1_000_000_000, cancelledQuantity: 0 },
];

/** Sends with `inFlight` at once for `durationMs`; requests per second and p99 latency. */
const load = async (inFlight: number, durationMs: number, send: () => Promise<number>) => {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() - started < durationMs) {
        const before = performance.now();
        const status = await send();
        latencies.push(performance.now() - before);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    count: latencies.length,
    perSecond: latencies.length / seconds,
    p99: percentile(latencies, 99),
    statuses,
  };
};

/** Runs `rounds` of both sides, alternating which goes first. */
const alternate = async <T>(count: number, service: () => Promise<T>, baseline: () => Promise<T>) => {
  const results = { service: [] as T[], baseline: [] as T[] };
  for (let index = 0; index < count; index += 1) {
    if (index % 2 === 0) {
      results.service.push(await service());
      results.baseline.push(await baseline());
    } else {
      results.baseline.push(await baseline());
      results.service.push(await service());
    }
  }
  return results;
};

const addStatuses = (all: readonly Record<string, number>[]): Record<string, number> => addCounts(...all);

export const benchService = async (
  stack: Stack,
  sizes: BenchSizes,
  quick: boolean,
): Promise<BenchResults> => {
  const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);
  const sandbox = await startSandbox({ logLevel: 'silent', maxRecordedCalls: 100 });
  const kafka = new Kafka({ clientId: 'bench', brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING });
  const producer: Producer = kafka.producer();
  const admin = kafka.admin();
  const { suffix, env } = benchServiceEnvironment(stack, sandbox.url, {
    name: 'service',
    inFlight: sizes.outboundInFlight,
    settings: {
      METRICS_ENABLED: 'true',
      // Every partition of the bench's topic (KAFKA_TOPIC_PARTITIONS, 6) at once, as the bare consumer does.
      KAFKA_PARTITIONS_CONCURRENTLY: '6',
      // Poll intervals and everything else at the service's defaults: what it costs as shipped.
    },
  });
  const baselineDatabase = `bench_baseline_${suffix}`;
  const baselineTopic = `order.cancelled.bench-baseline.${suffix}`;
  const mongo = await connectMongo(stack.mongodbUri, { dbName: env.MONGODB_DATABASE ?? '' });
  const processes: { stop(): Promise<void> }[] = [];
  try {
    // The same orders on both sides: the service's ledger and the baseline's bare collection.
    const stores = createMongoStores(mongo.db);
    await stores.ensureIndexes();
    await registerSeller({
      sellers: stores.sellers,
      tokens: stores.accessTokens,
      crypto: createNodeCrypto(),
      clock: { now: () => new Date() },
    })({
      sellerId: 'seller-1',
      username: 'bench-seller',
      uniwareMerchantId: 'bench-merchant',
      password: 'a-bench-password',
    });
    // Outbound events cancel orders the ledger knows (an unknown one waits DELIVERY_AWAIT_LEDGER_SECONDS):
    // one per event of a round, the same ones every round.
    const orderIds = [...Array.from({ length: sizes.orders }, (_, index) => `SO-B${index}`), HOT_ORDER];
    const outboundOrderIds = Array.from({ length: sizes.events }, (_, index) => `SO-OUT-${index}`);
    for (const orderId of [...orderIds, ...outboundOrderIds]) {
      await stores.ledger.write({
        expectedRevision: undefined,
        order: {
          orderId,
          sellerId: 'seller-1',
          status: 'CREATED',
          revision: 1,
          sourceRevision: 1,
          items: lines.map((line) => ({ ...line, status: 'CREATED' as const })),
        },
        now: new Date(),
      });
    }
    const baselineOrders = mongo.client
      .db(baselineDatabase)
      .collection<{ _id: string; revision: number; items: typeof lines }>('orders');
    await baselineOrders.insertMany(
      [...orderIds, ...outboundOrderIds].map((orderId) => ({ _id: orderId, revision: 1, items: lines })),
    );
    await producer.connect();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: baselineTopic, numPartitions: 6 }], waitForLeaders: true });

    progress('starting the service and the baselines');
    const service = await spawnService(env);
    processes.push(service);
    const inboundBaseline = await spawnBaseline('inbound', {
      BASELINE_MONGODB_URI: stack.mongodbUri,
      BASELINE_DATABASE: baselineDatabase,
    });
    processes.push(inboundBaseline);
    const outboundBaseline = await spawnBaseline('outbound', {
      BASELINE_KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      BASELINE_TOPIC: baselineTopic,
      BASELINE_GROUP_ID: `bench-baseline-${suffix}`,
      BASELINE_UC_BASE_URL: sandbox.url,
      BASELINE_MERCHANT_ID: 'bench-merchant',
      BASELINE_IN_FLIGHT: String(sizes.outboundInFlight),
    });
    processes.push(outboundBaseline);
    const services: ServiceProcess[] = [service];
    const commandsOfAll = async (): Promise<Record<string, number>> =>
      addCounts(...(await Promise.all(services.map((each) => each.commands()))));

    // What one scrape costs, and what the service sends when nothing happens.
    await sleep(2_000);
    const first = await service.commands();
    await service.commands();
    const third = await service.commands();
    const scrapeCommands = Object.fromEntries(
      Object.entries(countsBetween(first, third)).map(([name, value]) => [name, value / 2]),
    );
    await sleep(1_000);
    const idleWindowStarted = performance.now();
    const idleBefore = await service.commands();
    await sleep(2_000);
    const idleAfter = await service.commands();
    const idleCommandsPerSecond = perOperation(
      countsBetween(idleBefore, idleAfter, scrapeCommands),
      (performance.now() - idleWindowStarted) / 1000,
    );
    const memory: MemoryRow[] = [
      {
        name: 'idle after start',
        service: await service.memory(),
        baseline: await inboundBaseline.memory(),
        baselineName: 'bare Fastify',
      },
      {
        name: 'idle after start (outbound baseline)',
        service: await service.memory(),
        baseline: await outboundBaseline.memory(),
        baselineName: 'bare kafkajs consumer',
      },
    ];

    const tokenAnswer = await fetch(
      `${service.httpUrl}/authToken?username=bench-seller&password=a-bench-password`,
    );
    const { accessToken } = (await tokenAnswer.json()) as { accessToken: string };
    // Uniware sends no Idempotency-Key, and an identical request within DUPLICATE_WINDOW_SECONDS is a
    // retry: every request asks for one unit more than the last one to the same order, so each is new.
    const asked = new Map<string, number>();
    const body = (orderId: string) => {
      const quantity = (asked.get(orderId) ?? 0) + 1;
      asked.set(orderId, quantity);
      return JSON.stringify({
        orderId,
        orderItems: [{ orderItemId: 'i-1', productId: 'p-1', variantId: 'v-1', quantity }],
      });
    };
    const post = async (url: string, orderId: string, headers: Record<string, string>) => {
      const response = await fetch(`${url}/orders/cancel`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: body(orderId),
      });
      await response.arrayBuffer();
      return response.status;
    };
    let nextOrder = 0;
    const distinct = () => orderIds[nextOrder++ % sizes.orders] ?? HOT_ORDER;
    const toService = (pick: () => string) => () => post(service.httpUrl, pick(), { apikey: accessToken });
    const toBaseline = (pick: () => string) => () => post(inboundBaseline.url, pick(), {});

    /** A baseline's memory, or none (shown as —) if its process is gone: the service's figures stand. */
    const baselineMemory = (baseline: { memory(): Promise<Memory> }): Promise<Memory> =>
      baseline.memory().catch((error: unknown) => {
        process.stderr.write(`[bench] ${error instanceof Error ? error.message : String(error)}\n`);
        return { rssMiB: Number.NaN, heapUsedMiB: Number.NaN };
      });
    const finish = async (): Promise<BenchResults> => {
      progress(`idle for ${sizes.settleMs} ms`);
      await sleep(sizes.settleMs);
      memory.push(
        {
          name: `after ${sizes.settleMs / 1000} s idle (first instance)`,
          service: await service.memory(),
          baseline: await baselineMemory(inboundBaseline),
          baselineName: 'bare Fastify',
        },
        {
          name: `after ${sizes.settleMs / 1000} s idle (first instance, outbound baseline)`,
          service: await service.memory(),
          baseline: await baselineMemory(outboundBaseline),
          baselineName: 'bare kafkajs consumer',
        },
      );

      const idle = memory[0]?.service.rssMiB ?? Number.NaN;
      const settled = memory.at(-1)?.service.rssMiB ?? Number.NaN;
      const peak = Math.max(
        ...cases.map(
          (result) => result.memoryAfter.service.rssMiB / (result.name.includes('two instances') ? 2 : 1),
        ),
      );
      return {
        at: new Date().toISOString(),
        settle: {
          idleRssMiB: idle,
          peakRssMiB: round(peak, 1),
          settledRssMiB: settled,
          settleMs: sizes.settleMs,
          backNearIdle: settled <= idle * 1.2,
        },
        quick,
        machine: {},
        sizes: { ...sizes },
        cases,
        memory,
        idleCommandsPerSecond,
        scrapeCommands,
      };
    };
    const inbound = sizes.only !== 'outbound';
    if (inbound) {
      progress('inbound warm-up');
      await load(16, Math.min(2_000, sizes.inboundRoundMs), toService(distinct));
      await load(16, Math.min(2_000, sizes.inboundRoundMs), toBaseline(distinct));
    }

    /** Answers from an earlier identical request: should stay 0, every request of the bench is new. */
    const replays = (exposition: string) =>
      [...metricSamples(exposition, 'cancel_sync_inbound_cancellations_total')]
        .filter(([labels]) => labels.includes('replayed="true"'))
        .reduce((sum, [, value]) => sum + value, 0);
    const cases: CaseResult[] = [];
    const report = (result: CaseResult) => {
      cases.push(result);
      progress(
        `${result.name}: service ${result.service.throughput.median} (${result.service.throughput.rounds.join(', ')}), baseline ${result.baseline.throughput.median} (${result.baseline.throughput.rounds.join(', ')}), ratio ${result.ratio}; commands ${JSON.stringify(result.commandsPerOperation)}`,
      );
    };
    const excessCommands = (before: Counts, after: Counts): Record<string, number> =>
      countsBetween(before, after, scrapeCommands);

    for (const target of inbound ? (['distinct orders', 'one hot order'] as const) : []) {
      for (const inFlight of INBOUND_IN_FLIGHT) {
        const name = `inbound, ${inFlight} in flight, ${target}`;
        progress(name);
        const pick = target === 'distinct orders' ? distinct : () => HOT_ORDER;
        let commands: Record<string, number> = {};
        let operations = 0;
        let replayed = 0;
        const measured = await alternate(
          sizes.rounds,
          async () => {
            const before = await service.scrape();
            const result = await load(inFlight, sizes.inboundRoundMs, toService(pick));
            const after = await service.scrape();
            commands = addCounts(commands, excessCommands(commandCounts(before), commandCounts(after)));
            replayed += replays(after) - replays(before);
            operations += result.count;
            return result;
          },
          () => load(inFlight, sizes.inboundRoundMs, toBaseline(pick)),
        );
        const sideOf = (results: typeof measured.service): Side => ({
          throughput: rounds(results.map((result) => result.perSecond)),
          p99Ms: rounds(results.map((result) => result.p99)),
          statuses: addStatuses(results.map((result) => result.statuses)),
        });
        const serviceSide = { ...sideOf(measured.service), replayed };
        const baselineSide = sideOf(measured.baseline);
        report({
          name,
          unit: 'req/s',
          service: serviceSide,
          baseline: baselineSide,
          ratio: ratio(serviceSide.throughput.median, baselineSide.throughput.median),
          p99Ratio: ratio(serviceSide.p99Ms?.median ?? Number.NaN, baselineSide.p99Ms?.median ?? Number.NaN),
          commandsPerOperation: perOperation(commands, operations),
          memoryAfter: { service: await service.memory(), baseline: await inboundBaseline.memory() },
        });
      }
    }
    if (inbound) {
      memory.push({
        name: 'after the inbound cases',
        service: await service.memory(),
        baseline: await inboundBaseline.memory(),
        baselineName: 'bare Fastify',
      });
    }
    if (sizes.only === 'inbound') return await finish();

    // Outbound: a round publishes `events` records and ends when the sandbox has answered them all.
    const publish = async (topic: string, count: number) => {
      for (let from = 0; from < count; from += 500) {
        const messages = Array.from({ length: Math.min(500, count - from) }, (_, offset) =>
          orderCancelledRecord(outboundOrderIds[from + offset] ?? '', 'bench'),
        );
        await producer.send({ topic, messages });
      }
    };
    const answered = () => sandbox.state.calls.stats().answered;
    const quiet = async () => {
      for (let last = answered(); ; ) {
        await sleep(300);
        const now = answered();
        if (now === last) return;
        last = now;
      }
    };
    const outboundRound = async (topic: string, count: number) => {
      await quiet();
      const before = answered();
      const started = performance.now();
      await publish(topic, count);
      while (answered() - before < count) {
        // A slow round is a figure, not a failure; only a service that stopped delivering ends the run.
        if (performance.now() - started > 600_000)
          throw new Error(`${count} events not answered within 600 s`);
        await sleep(5);
      }
      return { count, perSecond: count / ((performance.now() - started) / 1000) };
    };
    const serviceRound = async () => {
      const before = await commandsOfAll();
      const result = await outboundRound(env.TOPIC_ORDER_CANCELLED ?? '', sizes.events);
      return { ...result, commands: excessCommandsOfAll(before, await commandsOfAll()) };
    };
    const excessCommandsOfAll = (before: Counts, after: Counts) =>
      countsBetween(
        before,
        after,
        Object.fromEntries(
          Object.entries(scrapeCommands).map(([name, value]) => [name, value * services.length]),
        ),
      );
    const baselineRound = async () => ({
      ...(await outboundRound(baselineTopic, sizes.events)),
      commands: {} as Record<string, number>,
    });
    const serviceMemory = async (): Promise<Memory> => {
      const all = await Promise.all(services.map((each) => each.memory()));
      return {
        rssMiB: round(
          all.reduce((sum, each) => sum + each.rssMiB, 0),
          1,
        ),
        heapUsedMiB: round(
          all.reduce((sum, each) => sum + each.heapUsedMiB, 0),
          1,
        ),
      };
    };
    const outboundCase = async (name: string, bound?: number): Promise<CaseResult> => {
      progress(name);
      const measured = await alternate(sizes.rounds, serviceRound, baselineRound);
      const serviceSide = { throughput: rounds(measured.service.map((result) => result.perSecond)) };
      const baselineSide = { throughput: rounds(measured.baseline.map((result) => result.perSecond)) };
      return {
        name,
        unit: 'events/s',
        service: serviceSide,
        baseline: baselineSide,
        ratio: ratio(serviceSide.throughput.median, baselineSide.throughput.median),
        ...(bound === undefined ? {} : { bound, ratioToBound: ratio(serviceSide.throughput.median, bound) }),
        commandsPerOperation: perOperation(
          addCounts(...measured.service.map((result) => result.commands)),
          measured.service.reduce((sum, result) => sum + result.count, 0),
        ),
        memoryAfter: { service: await serviceMemory(), baseline: await outboundBaseline.memory() },
      };
    };

    progress('outbound warm-up');
    await outboundRound(env.TOPIC_ORDER_CANCELLED ?? '', Math.min(200, sizes.events));
    await outboundRound(baselineTopic, Math.min(200, sizes.events));
    const atOnce = await outboundCase('outbound, Uniware answers at once');
    report(atOnce);
    sandbox.state.setFaults({ latency: { kind: 'fixed', ms: sizes.slowUniwareMs } });
    report(
      await outboundCase(
        `outbound, Uniware answers in ${sizes.slowUniwareMs} ms`,
        Math.round(sizes.outboundInFlight / (sizes.slowUniwareMs / 1000)),
      ),
    );
    sandbox.state.setFaults({});
    memory.push({
      name: 'after the outbound cases',
      service: await service.memory(),
      baseline: await outboundBaseline.memory(),
      baselineName: 'bare kafkajs consumer',
    });

    progress('starting a second service instance');
    const secondInstance = await spawnService({ ...env, SERVICE_INSTANCE_ID: `bench-2-${suffix}` });
    processes.push(secondInstance);
    services.push(secondInstance);
    const group = `${env.KAFKA_GROUP_ID}.order-cancelled`;
    for (const started = performance.now(); ; await sleep(250)) {
      const [described] = (await admin.describeGroups([group])).groups;
      if (described?.state === 'Stable' && described.members.length === 2) break;
      if (performance.now() - started > 60_000)
        throw new Error(`${group} did not settle on two members in 60 s`);
    }
    await outboundRound(env.TOPIC_ORDER_CANCELLED ?? '', Math.min(200, sizes.events));
    const twoInstances = await outboundCase('outbound, two instances, Uniware answers at once');
    report({
      ...twoInstances,
      versus: {
        label: 'two instances ÷ one',
        ratio: ratio(twoInstances.service.throughput.median, atOnce.service.throughput.median),
      },
    });
    memory.push({
      name: 'after the two-instance case (both instances)',
      service: await serviceMemory(),
      baseline: await outboundBaseline.memory(),
      baselineName: 'bare kafkajs consumer',
    });

    // Awaited here, so that the processes are stopped (finally) only after its idle wait and reads.
    return await finish();
  } finally {
    for (const each of processes.reverse()) await each.stop().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [baselineTopic] }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await mongo.db.dropDatabase().catch(() => undefined);
    await mongo.client
      .db(baselineDatabase)
      .dropDatabase()
      .catch(() => undefined);
    await mongo.close();
    await sandbox.close();
  }
};
