/**
 * Infrastructure: on a stack of its own, the Kafka broker is stopped and started again, then the
 * MongoDB server (its data on disk), then the Uniware sandbox goes down and comes back answering 429
 * with Retry-After for a while. Throughout, marketplace events stream in and Uniware sends inbound
 * cancellations. For each fault: when readiness turned, when it was ready again after the fault
 * ended, and when the backlog was delivered; in the end every event delivered once (repeats only of
 * calls whose answer was lost), every 429's Retry-After honoured, and the inbound answers agree with
 * the ledger.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startSandbox } from '@cancel-sync/uc-sandbox';
import { startPrivateStack } from '../../apps/service/test/support/private-stack.ts';
import { serviceEnvironment } from '../../apps/service/test/support/service-environment.ts';
import { openWorld } from '../../apps/service/test/support/world.ts';
import { streamEvents } from './event-stream.ts';
import { type InboundResult, inboundPlan, settleInbound } from './inbound-checks.ts';
import { cancelInbound, login } from './inbound-client.ts';
import { tallyDeliveries } from './outbound-events.ts';
import { watchReadiness } from './readiness-timeline.ts';
import { earlyAfterRetryAfter } from './retry-after.ts';
import {
  type Figure,
  mustEqual,
  reported,
  type Scenario,
  type ScenarioContext,
  type ScenarioReport,
} from './scenario.ts';
import { startInstance } from './service-processes.ts';

// Streams stay below what one instance delivers on the shared machine (about 3 a second at load
// 15–25), so that each backlog is the fault's and not the stream's.
const SIZES = {
  quick: {
    kafkaDownMs: 10_000,
    mongoDownMs: 5_000,
    uniwareDownMs: 6_000,
    tooManyMs: 4_000,
    retryAfterS: 2,
    perSecond: 4,
    recoverMs: 120_000,
  },
  long: {
    kafkaDownMs: 30_000,
    mongoDownMs: 30_000,
    uniwareDownMs: 60_000,
    tooManyMs: 30_000,
    retryAfterS: 5,
    perSecond: 2,
    recoverMs: 400_000,
  },
} as const;

interface FaultTimes {
  readonly name: string;
  readonly began: number;
  readonly ended: number;
}

const run = async (context: ScenarioContext): Promise<ScenarioReport> => {
  const size = SIZES[context.size];
  context.log('starting a stack of its own');
  const stack = await startPrivateStack('reliability-infrastructure-');
  const sandbox = await startSandbox({ maxRecordedCalls: 100_000 });
  const env = serviceEnvironment(stack, sandbox.url, {
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    // The service's own retry settings, not the fast ones of the tests: what an outage costs in production.
    DELIVERY_BASE_DELAY_MS: '1000',
    DELIVERY_MAX_DELAY_MS: '300000',
  });
  const world = await openWorld(env);
  const instance = await startInstance(env, 'infra-1');
  const readiness = watchReadiness(instance);
  const notes: string[] = [];
  try {
    const { username, password } = await world.registerSeller('seller-0');
    const inbound = inboundPlan({ orders: 10, itemsPerOrder: 40, sellers: 1, prefix: 'SO-IN' });
    for (const order of inbound.orders) await world.seedOrder(order);
    const token = await login(instance.httpUrl, username, password);
    const stream = streamEvents(world, env.TOPIC_ORDER_CANCELLED ?? '', {
      perSecond: size.perSecond,
      sellers: 1,
    });

    // Uniware's inbound calls, two a second throughout.
    const results = new Map<number, InboundResult>();
    let calling = true;
    const calls = (async () => {
      for (let index = 0; calling && index < inbound.requests.length; index += 1) {
        const request = inbound.requests[index] as (typeof inbound.requests)[number];
        results.set(index, {
          first: await cancelInbound(instance.httpUrl, token, request, { timeoutMs: 10_000 }),
        });
        await sleep(500);
      }
    })();

    const delivered = async () =>
      (await world.stores.deliveryJobs.countByState().catch(() => undefined))?.delivered;
    const faults: { times: FaultTimes; figures: Figure[] }[] = [];
    const fault = async (
      name: string,
      /** Kafka and MongoDB turn the process not ready; Uniware is named degraded and readiness stays. */
      expect: 'not ready' | 'uniware degraded',
      begin: () => Promise<void>,
      end: () => Promise<void>,
    ) => {
      await sleep(3_000);
      context.log(`${name}: begins`);
      const began = Date.now();
      await begin();
      await end();
      const ended = Date.now();
      const owed = stream.published.length;
      context.log(`${name}: ended after ${ended - began} ms; ${owed} events published so far`);
      const degradedName = expect === 'uniware degraded' ? 'uniware' : undefined;
      const readyAt = await readiness.readyAgain(ended, size.recoverMs, degradedName);
      let drainedAt: number | undefined;
      while (Date.now() < ended + size.recoverMs) {
        if (((await delivered()) ?? 0) >= owed) {
          drainedAt = Date.now();
          break;
        }
        await sleep(250);
      }
      const notReady = readiness.firstNotReady(began, ended);
      const degraded = readiness.firstDegraded('uniware', began, ended);
      const notReadyCount = readiness.samples.filter(
        (x) => x.at >= began && x.at < ended && x.status !== 200,
      ).length;
      const figures: Figure[] = [
        ...(expect === 'not ready'
          ? [
              {
                name: `${name}: /readyz not ready after`,
                value: notReady === undefined ? 'never' : seconds(notReady.at - began),
                ...(notReady === undefined ? {} : { unit: 's' }),
                must: 'while it lasts',
                ok: notReady !== undefined,
              },
            ]
          : [
              {
                name: `${name}: /readyz names Uniware degraded after`,
                value: degraded === undefined ? 'never' : seconds(degraded.at - began),
                ...(degraded === undefined ? {} : { unit: 's' }),
                must: 'while it lasts',
                ok: degraded !== undefined,
              },
              mustEqual('…and /readyz answers other than 200 meanwhile', notReadyCount, 0),
            ]),
        {
          name: `${name}: ready again after it ended`,
          value: readyAt === undefined ? 'not within the limit' : seconds(Math.max(0, readyAt - ended)),
          ...(readyAt === undefined ? {} : { unit: 's' }),
          must: 'by itself',
          ok: readyAt !== undefined,
        },
        {
          name: `${name}: backlog delivered after it ended`,
          value: drainedAt === undefined ? 'not within the limit' : seconds(drainedAt - ended),
          ...(drainedAt === undefined ? {} : { unit: 's' }),
          must: 'by itself',
          ok: drainedAt !== undefined,
        },
      ];
      const told = notReady ?? degraded;
      if (told !== undefined) notes.push(`${name}: /readyz said ${told.status} ${JSON.stringify(told.body)}`);
      faults.push({ times: { name, began, ended }, figures });
    };

    await fault(
      `Kafka stopped for ${size.kafkaDownMs / 1000} s`,
      'not ready',
      async () => {
        await stack.signal('kafka', 'SIGTERM');
        await sleep(size.kafkaDownMs);
      },
      () => stack.up(),
    );
    await fault(
      `MongoDB stopped for ${size.mongoDownMs / 1000} s`,
      'not ready',
      async () => {
        await stack.signal('mongodb', 'SIGTERM');
        await sleep(size.mongoDownMs);
      },
      () => stack.up(),
    );
    await fault(
      `Uniware down ${size.uniwareDownMs / 1000} s, then 429 for ${size.tooManyMs / 1000} s`,
      'uniware degraded',
      async () => {
        await sandbox.goDown();
        await sleep(size.uniwareDownMs);
        sandbox.state.setFaults({ tooManyRequests: { rate: 1, retryAfterSeconds: size.retryAfterS } });
        await sandbox.comeBack();
        await sleep(size.tooManyMs);
      },
      async () => {
        sandbox.state.setFaults({});
      },
    );

    calling = false;
    await calls;
    await stream.stop();
    const events = stream.published;
    const until = Date.now() + size.recoverMs;
    while (((await delivered()) ?? 0) < events.length && Date.now() < until) await sleep(250);

    const callLog = sandbox.state.calls.list();
    const deliveries = await tallyDeliveries(
      events,
      callLog,
      (jobId) => world.stores.deliveryJobs.find(jobId),
      new Set(),
    );
    const answers = await settleInbound(
      inbound,
      results,
      (request) => cancelInbound(instance.httpUrl, token, request),
      (orderId) => world.storedOrder(orderId),
    );
    const counts = await world.stores.deliveryJobs.countByState();
    const early = earlyAfterRetryAfter(callLog);
    notes.unshift(
      `One instance on a stack of its own; ${size.perSecond} events a second and an inbound request every 0.5 s throughout; Kafka and MongoDB stopped with SIGTERM and started again with \`pnpm stack up\`; the sandbox refusing connections, then answering 429 with Retry-After ${size.retryAfterS} s; the service's default retry backoff (1 s doubling to 300 s, full jitter, 12 attempts).`,
      ...deliveries.examples,
      ...answers.examples,
      ...early.examples,
    );
    return {
      scenario: infrastructure.title,
      figures: [
        ...faults.flatMap((f) => f.figures),
        reported('events published', events.length),
        mustEqual('events delivered', deliveries.delivered, events.length),
        mustEqual('events lost', deliveries.lost, 0),
        mustEqual('dead-lettered', counts.dead + counts.rejected, 0),
        reported('repeated calls', deliveries.repeats),
        reported(
          'repeated calls after a lost answer (unknown outcome)',
          deliveries.repeatsAfterUnknownAnswer,
        ),
        mustEqual('other repeated calls (defects)', deliveries.otherRepeats, 0),
        reported('429 answers', early.tooMany),
        mustEqual('calls sooner than the Retry-After of a 429', early.early, 0),
        reported('inbound requests', answers.sent),
        reported(
          'inbound answered otherwise than SUCCESS (sent again)',
          answers.answeredOther + answers.lost,
        ),
        mustEqual('inbound answers contradicted by the ledger', answers.contradicted, 0),
      ],
      notes,
    };
  } finally {
    await readiness.stop();
    await instance.kill().catch(() => undefined);
    await world.close().catch(() => undefined);
    await sandbox.close();
    await stack.remove();
  }
};

const seconds = (ms: number): number => Math.round(ms / 100) / 10;

export const infrastructure: Scenario = {
  name: 'infrastructure',
  title: 'Infrastructure: Kafka, MongoDB and Uniware stopped and started again',
  run,
};
