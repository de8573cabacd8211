/**
 * Hostile input: schemathesis against the OpenAPI documents of both ports (with a seller's token,
 * with the operator token, and without), then poison records on both topics, each followed by a
 * valid record on every partition. Nothing may answer 5xx or break its documented schema, no
 * partition may stall, a refused record changes nothing in MongoDB and reaches nothing in the
 * Uniware sandbox, and the service does not crash.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '@cancel-sync/uc-sandbox';
import { waitFor } from '../../apps/service/test/support/environment.ts';
import {
  aCancelledEvent,
  aLifecycleSnapshot,
  anItem,
  anOrder,
} from '../../apps/service/test/support/mothers.ts';
import { openWorld, type World } from '../../apps/service/test/support/world.ts';
import { differences, snapshotDatabase } from './database-snapshot.ts';
import { type PoisonRecord, poisonRecords } from './poison-records.ts';
import { type Figure, mustEqual, reported, type Scenario, type ScenarioContext } from './scenario.ts';
import {
  ensureSchemathesis,
  type FuzzResult,
  runSchemathesis,
  SCHEMATHESIS_VERSION,
} from './schemathesis.ts';
import { type ServiceProcess, serviceEnvironment, spawnServiceProcess } from './service-process.ts';

const OPS_TOKEN = 'hostile-ops-token-7d1e4b29c0a35f86';
const PARTITIONS = 3;

const atLeast = (name: string, value: number, bound: number): Figure => ({
  name,
  value,
  must: `≥ ${bound.toLocaleString('en-US')}`,
  ok: value >= bound,
});

interface TopicOutcome {
  readonly topic: string;
  readonly sent: number;
  readonly refusedByBroker: readonly string[];
  readonly deadLettered: number;
  readonly deadLetteredWithReason: number;
  readonly databaseChanges: readonly string[];
  readonly sandboxCalls: number;
  readonly stuckPartitions: readonly number[];
}

const sizes = {
  quick: { maxExamples: 4, randomRecords: 10, minimumCases: 200 },
  long: { maxExamples: 1000, randomRecords: 300, minimumCases: 10_000 },
} as const;

/** Poison on `topic`, spread over its partitions, then one valid record per partition. */
const poisonTopic = async (
  world: World,
  sandbox: Awaited<ReturnType<typeof startSandbox>>,
  topic: { name: string; dlq: string; kind: 'order.cancelled' | 'order.lifecycle' },
  records: readonly PoisonRecord[],
  valid: (partition: number) => Promise<{ value: string; key: string; delivered: () => Promise<boolean> }>,
  log: (line: string) => void,
): Promise<TopicOutcome> => {
  const dlq = world.readTopic(topic.dlq);
  // The valid records' orders are arranged first: the snapshot is taken after them.
  const validRecords = await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => valid(p)));
  const before = await snapshotDatabase(world.mongo.db);
  const callsBefore = sandbox.state.calls.stats().calls;
  const refusedByBroker: string[] = [];
  let accepted = 0;
  for (const [at, record] of records.entries()) {
    try {
      await world.producer.send({
        topic: topic.name,
        messages: [{ key: `poison-${at}`, value: record.value, partition: at % PARTITIONS }],
      });
      accepted += 1;
    } catch (error) {
      refusedByBroker.push(`${record.label}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  log(`${topic.name}: ${records.length} poison records, ${accepted} taken by the broker`);
  const fromTopic = () => dlq.messages.filter((m) => m.headers['dlq-source-topic'] === topic.name);
  await waitFor(fromTopic, (messages) => messages.length >= accepted, {
    timeoutMs: 60_000,
    what: `${accepted} dead letters of ${topic.name}`,
  }).catch(() => undefined);
  // A dead letter is published after the record was judged: give a straggling write time to show.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = await snapshotDatabase(world.mongo.db);
  const sandboxCalls = sandbox.state.calls.stats().calls - callsBefore;
  const deadLetters = fromTopic();

  for (const [partition, record] of validRecords.entries()) {
    await world.producer.send({
      topic: topic.name,
      messages: [{ key: record.key, value: record.value, partition }],
    });
  }
  const stuckPartitions: number[] = [];
  for (const [partition, record] of validRecords.entries()) {
    const delivered = await waitFor(record.delivered, (done) => done, { timeoutMs: 60_000 }).catch(
      () => false,
    );
    if (!delivered) stuckPartitions.push(partition);
  }
  await dlq.close();
  return {
    topic: topic.name,
    sent: records.length,
    refusedByBroker,
    deadLettered: deadLetters.length,
    deadLetteredWithReason: deadLetters.filter(
      (m) =>
        ['INVALID_JSON', 'SCHEMA_VIOLATION'].includes(m.headers['dlq-code'] ?? '') &&
        (m.headers['dlq-reason'] ?? '') !== '',
    ).length,
    databaseChanges: differences(before, after),
    sandboxCalls,
    stuckPartitions,
  };
};

const fuzzBothPorts = async (
  service: ServiceProcess,
  token: string,
  maxExamples: number,
  log: (line: string) => void,
): Promise<FuzzResult[]> => {
  const st = await ensureSchemathesis(log);
  const reports = mkdtempSync(join(tmpdir(), 'cancel-sync-fuzz-'));
  const runs: { label: string; url: string; headers: Record<string, string> }[] = [
    { label: 'Uniware port, seller token', url: service.httpUrl, headers: { apiKey: token } },
    { label: 'Uniware port, no token', url: service.httpUrl, headers: {} },
    {
      label: 'operations port, operator token',
      url: service.opsUrl,
      headers: { authorization: `Bearer ${OPS_TOKEN}` },
    },
    { label: 'operations port, no token', url: service.opsUrl, headers: {} },
  ];
  const results: FuzzResult[] = [];
  try {
    for (const [at, run] of runs.entries()) {
      const result = await runSchemathesis(st, {
        label: run.label,
        openapiUrl: `${run.url}/openapi.json`,
        headers: run.headers,
        maxExamples,
        seed: 1300 + at,
        reportDir: join(reports, String(at)),
      });
      log(`${run.label}: ${result.cases} cases, ${result.requests} requests, ${result.serverErrors} 5xx`);
      results.push(result);
    }
  } finally {
    rmSync(reports, { recursive: true, force: true });
  }
  return results;
};

const run = async ({ size, log, sharedStack }: ScenarioContext) => {
  const settings = sizes[size];
  const stack = await sharedStack();
  const sandbox = await startSandbox();
  const env = serviceEnvironment(stack, sandbox.url, {
    OPS_TOKEN,
    CONSUMER_MAX_RECORD_ATTEMPTS: '3',
    KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
    // schemathesis tries many passwords from one address: the throttle must not hide the handlers.
    AUTH_MAX_FAILED_ATTEMPTS: '10000',
    AUTH_MAX_FAILED_ATTEMPTS_PER_ADDRESS: '100000',
  });
  const world = await openWorld(env);
  let service: ServiceProcess | undefined;
  try {
    const seller = await world.registerSeller('seller-1');
    // schemathesis' first guess for a string is "0": an order it can really cancel units of.
    await world.seedOrder(
      anOrder({
        orderId: '0',
        items: [anItem({ orderItemId: '0', productId: '0', variantId: '0', quantity: 1_000_000 })],
      }),
    );
    service = await spawnServiceProcess(env, 'hostile-input');
    const issued = await fetch(`${service.httpUrl}/authToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(seller),
    });
    const token = ((await issued.json()) as { accessToken: string }).accessToken;

    const cancelled = await poisonTopic(
      world,
      sandbox,
      {
        name: env.TOPIC_ORDER_CANCELLED ?? '',
        dlq: env.TOPIC_ORDER_CANCELLED_DLQ ?? '',
        kind: 'order.cancelled',
      },
      poisonRecords('order.cancelled', {
        randomCount: settings.randomRecords,
        seed: 13,
        validExample: aCancelledEvent(),
      }),
      async (partition) => {
        const order = anOrder({ orderId: `SO-after-poison-${partition}`, items: [anItem({ quantity: 5 })] });
        await world.seedOrder(order);
        const event = aCancelledEvent({ orderId: order.orderId });
        return {
          key: order.orderId,
          value: JSON.stringify(event),
          delivered: async () =>
            (await world.stores.deliveryJobs.find(String(event.eventId)))?.state === 'delivered',
        };
      },
      log,
    );
    const lifecycle = await poisonTopic(
      world,
      sandbox,
      {
        name: env.TOPIC_ORDER_LIFECYCLE ?? '',
        dlq: env.TOPIC_ORDER_LIFECYCLE_DLQ ?? '',
        kind: 'order.lifecycle',
      },
      poisonRecords('order.lifecycle', {
        randomCount: settings.randomRecords,
        seed: 14,
        validExample: aLifecycleSnapshot('SO-example'),
      }),
      async (partition) => {
        const orderId = `SO-snapshot-after-poison-${partition}`;
        return {
          key: orderId,
          value: JSON.stringify(aLifecycleSnapshot(orderId)),
          delivered: async () => (await world.storedOrder(orderId)) !== undefined,
        };
      },
      log,
    );

    const fuzz = await fuzzBothPorts(service, token, settings.maxExamples, log);
    const cases = fuzz.reduce((sum, result) => sum + result.cases, 0);
    const requests = fuzz.reduce((sum, result) => sum + result.requests, 0);
    const serverErrors = fuzz.reduce((sum, result) => sum + result.serverErrors, 0);
    const failures = fuzz.flatMap((result) =>
      result.failures.map((failure) => `${result.label}: ${failure}`),
    );
    const alive = await Promise.all(
      [service.httpUrl, service.opsUrl].map(async (url) => (await fetch(`${url}/healthz`)).status === 200),
    );
    const crashes = service.exitCode() === undefined && alive.every(Boolean) ? 0 : 1;
    const topics = [cancelled, lifecycle];

    const figures: Figure[] = [
      atLeast('fuzz cases run (both ports)', cases, settings.minimumCases),
      ...fuzz.map((result) =>
        reported(
          `fuzz cases: ${result.label}`,
          `${result.cases} (${Object.entries(result.statuses)
            .map(([status, count]) => `${count}×${status}`)
            .join(', ')})`,
        ),
      ),
      reported('fuzz requests sent', requests),
      mustEqual('5xx answers to fuzz cases', serverErrors, 0),
      mustEqual('fuzz check failures (status, content type, schema)', failures.length, 0),
      ...topics.flatMap((t) => [
        reported(`${t.topic.split('.').slice(0, 2).join('.')}: poison records sent`, t.sent),
        reported(
          `${t.topic.split('.').slice(0, 2).join('.')}: refused by the broker (too large)`,
          t.refusedByBroker.length,
        ),
        mustEqual(
          `${t.topic.split('.').slice(0, 2).join('.')}: dead-lettered with code and reason`,
          t.deadLetteredWithReason,
          t.sent - t.refusedByBroker.length,
        ),
      ]),
      mustEqual(
        'collections changed by refused records',
        topics.reduce((sum, t) => sum + t.databaseChanges.length, 0),
        0,
      ),
      mustEqual(
        'sandbox calls caused by refused records',
        topics.reduce((sum, t) => sum + t.sandboxCalls, 0),
        0,
      ),
      mustEqual(
        'partitions stuck after poison (of 6)',
        topics.reduce((sum, t) => sum + t.stuckPartitions.length, 0),
        0,
      ),
      mustEqual('service crashes', crashes, 0),
    ];
    const notes = [
      `schemathesis ${SCHEMATHESIS_VERSION}, checks not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance; --max-examples ${settings.maxExamples} per operation and phase, one worker, seeds 1300-1303.`,
      `Poison records per topic: ${settings.randomRecords} random byte strings, empty and null values, text that is not UTF-8, JSON of the wrong shape, JSON 50,000 to 200,000 levels deep, values of 1 MiB to 4 MiB; each topic has ${PARTITIONS} partitions, records spread over them, then one valid record on each.`,
      ...topics.flatMap((t) =>
        t.refusedByBroker.map((r) => `${t.topic}: refused by the broker: ${r.slice(0, 200)}`),
      ),
      ...topics.flatMap((t) => t.databaseChanges.map((d) => `${t.topic}: changed by refused records: ${d}`)),
      ...topics.flatMap((t) =>
        t.stuckPartitions.map((p) => `${t.topic}: partition ${p} did not deliver its valid record in 60 s`),
      ),
      ...failures.map((failure) => `schemathesis: ${failure}`),
      ...fuzz.filter((r) => r.serverErrors > 0).map((r) => `${r.label}: ${r.tail.slice(-1500)}`),
      ...(crashes > 0 ? [`service output, last lines:\n${service.output.slice(-20).join('\n')}`] : []),
    ];
    return { scenario: hostileInput.title, figures, notes };
  } finally {
    await service?.stop();
    await world.close();
    await sandbox.close();
  }
};

export const hostileInput: Scenario = {
  name: 'hostile-input',
  title: 'Hostile input: both ports fuzzed, both topics poisoned',
  run,
};
