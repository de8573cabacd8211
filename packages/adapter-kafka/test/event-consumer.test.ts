import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { ParkedRecord } from '@cancel-sync/application';
import {
  DEAD_LETTER_HEADERS,
  decodeOrderCancelled,
  encodeOrderCancelled,
  encodeOrderLifecycle,
  type OrderCancelledV1,
} from '@cancel-sync/contracts';
import type { OrderCancelled, OrderSnapshot } from '@cancel-sync/domain';
import type { Kafka, Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsumerObservation,
  createProducer,
  type EventConsumer,
  type EventConsumerOptions,
  type RecordContext,
  startEventConsumer,
  startOrderCancelledConsumer,
  startOrderLifecycleConsumer,
  toOrderCancelledV1,
} from '../src/index.ts';
import {
  brokers,
  countRecords,
  freshGroup,
  freshTopic,
  gate,
  header,
  quickConsumer,
  readRecords,
  testKafka,
  waitFor,
} from './kafka-test-kit.ts';
import { anOrderCancelled, anOrderLifecycle } from './mothers.ts';

let kafka: Kafka;
let producer: Producer;
const running: EventConsumer[] = [];

beforeAll(async () => {
  kafka = testKafka('consumer');
  producer = createProducer(kafka);
  await producer.connect();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((consumer) => consumer.stop()));
});

afterAll(async () => {
  await producer?.disconnect();
});

interface Handled {
  readonly event: OrderCancelledV1;
  readonly context: RecordContext;
}

/** Topics, a group and a consumer of OrderCancelledV1 that records what it handled. */
const setUp = async (prefix: string) => ({
  topic: await freshTopic(kafka, prefix),
  deadLetterTopic: await freshTopic(kafka, `${prefix}-dlq`),
  groupId: freshGroup(prefix),
});

const start = async <T>(options: Omit<EventConsumerOptions<T>, 'kafka'>): Promise<EventConsumer> => {
  const consumer = await startEventConsumer({ kafka, ...quickConsumer, ...options });
  running.push(consumer);
  return consumer;
};

const recordingHandler = (handled: Handled[]) => async (event: OrderCancelledV1, context: RecordContext) => {
  handled.push({ event, context });
};

const send = async (
  topic: string,
  records: readonly {
    key: string;
    value: Buffer | string | null;
    partition?: number;
    headers?: Record<string, string>;
  }[],
) => {
  const [metadata] = await producer.send({
    topic,
    acks: -1,
    messages: records.map((record) => ({ ...record })),
  });
  return metadata;
};

const recordValue = (event: OrderCancelled) => encodeOrderCancelled(toOrderCancelledV1(event));

describe('parking a record whose handling keeps failing', () => {
  class Unreachable extends Error {
    override readonly name = 'Unreachable';
  }

  it('parks it after the limit of its own failures and goes on with the partition; infrastructure failures never count', async () => {
    const { topic, deadLetterTopic, groupId } = await setUp('park');
    const parked: ParkedRecord[] = [];
    const tries = new Map<string, number>();
    const handled: string[] = [];
    const poison = anOrderCancelled({ orderId: 'SO-PARK' });
    const flaky = anOrderCancelled({ orderId: 'SO-PARK' });
    const after = anOrderCancelled({ orderId: 'SO-PARK' });
    await start({
      groupId,
      topic,
      deadLetterTopic,
      decode: decodeOrderCancelled,
      handle: async (event) => {
        const count = (tries.get(event.eventId) ?? 0) + 1;
        tries.set(event.eventId, count);
        if (event.eventId === poison.eventId) throw new TypeError('cannot read properties of undefined');
        // The database is unreachable for five tries: waited out, never parked.
        if (event.eventId === flaky.eventId && count <= 5) throw new Unreachable('database unreachable');
        handled.push(event.eventId);
      },
      park: {
        store: async (record) => {
          parked.push(record);
        },
        maxAttempts: 3,
        isTransient: (error) => error instanceof Unreachable,
      },
    });
    await send(topic, [
      { key: 'SO-PARK', value: recordValue(poison), partition: 0, headers: { traceparent: '00-a-b-01' } },
      { key: 'SO-PARK', value: recordValue(flaky), partition: 0 },
      { key: 'SO-PARK', value: recordValue(after), partition: 0 },
    ]);
    await waitFor(() => handled.length === 2, 'the records behind the parked one');
    expect(handled).toEqual([flaky.eventId, after.eventId]);
    expect(tries.get(poison.eventId)).toBe(3);
    expect(tries.get(flaky.eventId)).toBe(6);
    expect(parked).toEqual([
      expect.objectContaining({
        topic,
        partition: 0,
        key: 'SO-PARK',
        attempts: 3,
        headers: expect.objectContaining({ traceparent: '00-a-b-01' }),
        reason: expect.stringContaining('TypeError: cannot read properties of undefined'),
      }),
    ]);
    expect(Buffer.from(parked[0]?.value ?? new Uint8Array())).toEqual(recordValue(poison));
  });
});

describe('startEventConsumer', () => {
  it('hands valid events to handle with their offset, dead-letters poison and goes on with the partition', async () => {
    const { topic, deadLetterTopic, groupId } = await setUp('poison');
    const handled: Handled[] = [];
    const observations: ConsumerObservation[] = [];
    const consumer = await start({
      groupId,
      topic,
      deadLetterTopic,
      decode: decodeOrderCancelled,
      handle: recordingHandler(handled),
      observe: (observation) => observations.push(observation),
    });
    expect(consumer.isHealthy()).toBe(true);

    const before = anOrderCancelled({ orderId: 'SO-P' });
    const after = anOrderCancelled({ orderId: 'SO-P' });
    const notJson = Buffer.from('{"eventId": oops');
    const breaksSchema = JSON.stringify({ ...toOrderCancelledV1(before), items: [] });
    await send(topic, [
      { key: 'SO-P', value: recordValue(before), partition: 1 },
      { key: 'SO-P', value: notJson, partition: 1, headers: { traceparent: '00-abc-def-01' } },
      { key: 'SO-P', value: breaksSchema, partition: 1 },
      { key: 'SO-P', value: recordValue(after), partition: 1 },
    ]);

    await waitFor(() => handled.length >= 2, 'both valid events to be handled');
    expect(handled.map(({ event }) => event)).toEqual([
      toOrderCancelledV1(before),
      toOrderCancelledV1(after),
    ]);
    const [first, second] = handled.map(({ context }) => context);
    expect(second?.offset).toBe((first?.offset ?? Number.NaN) + 3);
    expect(second).toMatchObject({ topic, partition: 1, key: 'SO-P' });

    const letters = await readRecords(kafka, deadLetterTopic, 2);
    expect(letters).toHaveLength(2);
    const [invalidJson, violation] = [...letters].sort((a, b) => Number(a.offset) - Number(b.offset));
    expect(invalidJson?.key?.toString()).toBe('SO-P');
    expect(invalidJson?.value).toEqual(notJson);
    expect(header(invalidJson?.headers ?? {}, 'traceparent')).toBe('00-abc-def-01');
    const decodeFailure = decodeOrderCancelled(notJson);
    expect(invalidJson?.headers && headersOf(invalidJson.headers)).toMatchObject({
      [DEAD_LETTER_HEADERS.code]: 'INVALID_JSON',
      [DEAD_LETTER_HEADERS.reason]: decodeFailure.ok ? '' : decodeFailure.message,
      [DEAD_LETTER_HEADERS.sourceTopic]: topic,
      [DEAD_LETTER_HEADERS.sourcePartition]: '1',
      [DEAD_LETTER_HEADERS.sourceOffset]: String((first?.offset ?? 0) + 1),
      [DEAD_LETTER_HEADERS.failedAt]: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(violation?.value?.toString()).toBe(breaksSchema);
    expect(violation?.headers && headersOf(violation.headers)).toMatchObject({
      [DEAD_LETTER_HEADERS.code]: 'SCHEMA_VIOLATION',
      [DEAD_LETTER_HEADERS.reason]: expect.stringContaining('/items'),
      [DEAD_LETTER_HEADERS.sourceOffset]: String((first?.offset ?? 0) + 2),
    });
    expect(observations.filter((o) => o.type === 'dead-lettered').map((o) => o.code)).toEqual([
      'INVALID_JSON',
      'SCHEMA_VIOLATION',
    ]);
    expect(observations.some((o) => o.type === 'group-joined')).toBe(true);
    expect(observations.filter((o) => o.type === 'handled').map((o) => o.record.offset)).toEqual(
      handled.map(({ context }) => String(context.offset)),
    );
  });

  it('handles the events of one key in the order they were published', async () => {
    const { topic, deadLetterTopic, groupId } = await setUp('ordering');
    const handled: Handled[] = [];
    await start({
      groupId,
      topic,
      deadLetterTopic,
      decode: decodeOrderCancelled,
      partitionsConsumedConcurrently: 3,
      // Slow, uneven handling, so that concurrency would show as reordering.
      handle: async (event, context) => {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
        handled.push({ event, context });
      },
    });

    const orders = ['SO-X', 'SO-Y', 'SO-Z'];
    const published = new Map(orders.map((orderId) => [orderId, [] as string[]]));
    for (let round = 0; round < 10; round += 1) {
      const events = orders.map((orderId) => anOrderCancelled({ orderId }));
      for (const event of events) published.get(event.orderId)?.push(event.eventId);
      await send(
        topic,
        events.map((event) => ({ key: event.orderId, value: recordValue(event) })),
      );
    }

    await waitFor(() => handled.length >= 30, 'all 30 events to be handled');
    for (const orderId of orders) {
      const seen = handled.filter(({ event }) => event.orderId === orderId);
      expect(seen.map(({ event }) => event.eventId)).toEqual(published.get(orderId));
      const offsets = seen.map(({ context }) => context.offset);
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    }
    expect(handled).toHaveLength(30);
  });

  it('retries a failing handler on the same record until it succeeds, without dead-lettering it', async () => {
    const { topic, deadLetterTopic, groupId } = await setUp('retry');
    const calls: string[] = [];
    const observations: ConsumerObservation[] = [];
    await start({
      groupId,
      topic,
      deadLetterTopic,
      decode: decodeOrderCancelled,
      observe: (observation) => observations.push(observation),
      handle: async (event) => {
        calls.push(event.eventId);
        if (event.orderId === 'SO-FLAKY' && calls.filter((id) => id === event.eventId).length <= 2) {
          throw new Error('MongoDB is unavailable');
        }
      },
    });

    const flaky = anOrderCancelled({ orderId: 'SO-FLAKY' });
    const next = anOrderCancelled({ orderId: 'SO-FLAKY' });
    await send(topic, [
      { key: flaky.orderId, value: recordValue(flaky) },
      { key: next.orderId, value: recordValue(next) },
    ]);

    await waitFor(() => calls.includes(next.eventId), 'the record after the flaky one to be handled');
    // Retried in place before anything after it; at least once, so a rebalance under load may hand
    // the records over again, but never skip one.
    expect(calls.slice(0, 3)).toEqual([flaky.eventId, flaky.eventId, flaky.eventId]);
    expect(calls.slice(3)).toContain(next.eventId);
    expect(calls.slice(3).every((id) => id === flaky.eventId || id === next.eventId)).toBe(true);
    expect(await countRecords(kafka, deadLetterTopic)).toBe(0);
    const failures = observations.filter((o) => o.type === 'step-failed');
    // Rate-limited: the second failure falls within the report interval of the first.
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      step: 'handle',
      attempt: 1,
      failures: 1,
      error: new Error('MongoDB is unavailable'),
    });
    expect(observations.filter((o) => o.type === 'step-recovered')).toMatchObject([
      { step: 'handle', attempts: 3 },
    ]);
  });

  it('commits handled offsets on stop: the next consumer of the group starts after them', async () => {
    const { topic, deadLetterTopic, groupId } = await setUp('commit');
    const firstHandled: Handled[] = [];
    const first = await start({
      groupId,
      topic,
      deadLetterTopic,
      decode: decodeOrderCancelled,
      handle: recordingHandler(firstHandled),
    });
    const early = [0, 1, 2].map((partition) => ({
      partition,
      event: anOrderCancelled({ orderId: `SO-${partition}` }),
    }));
    await send(
      topic,
      early.map(({ partition, event }) => ({ key: event.orderId, value: recordValue(event), partition })),
    );
    await waitFor(() => firstHandled.length >= 3, 'the first consumer to handle 3 events');
    await first.stop();
    expect(first.state()).toBe('stopped');

    const late = [0, 1, 2].map((partition) => ({
      partition,
      event: anOrderCancelled({ orderId: `SO-${partition}` }),
    }));
    await send(
      topic,
      late.map(({ partition, event }) => ({ key: event.orderId, value: recordValue(event), partition })),
    );
    const secondHandled: Handled[] = [];
    await start({
      groupId,
      topic,
      deadLetterTopic,
      decode: decodeOrderCancelled,
      handle: recordingHandler(secondHandled),
    });
    // A redelivered early event would come before the late one of its partition.
    await waitFor(() => secondHandled.length >= 3, 'the second consumer to handle the 3 new events');
    expect(secondHandled.map(({ event }) => event.eventId).sort()).toEqual(
      late.map(({ event }) => event.eventId).sort(),
    );
    expect(firstHandled).toHaveLength(3);
  });

  it('lets the record in progress finish on stop and commits it', async () => {
    const { topic, deadLetterTopic, groupId } = await setUp('stop-in-flight');
    const started: string[] = [];
    const finished: string[] = [];
    const slow = gate();
    const consumer = await start({
      groupId,
      topic,
      deadLetterTopic,
      decode: decodeOrderCancelled,
      partitionsConsumedConcurrently: 1,
      handle: async (event) => {
        started.push(event.eventId);
        await slow.opened;
        finished.push(event.eventId);
      },
    });
    const inFlight = anOrderCancelled({ orderId: 'SO-SLOW' });
    const waiting = anOrderCancelled({ orderId: 'SO-SLOW' });
    await send(topic, [
      { key: inFlight.orderId, value: recordValue(inFlight), partition: 2 },
      { key: waiting.orderId, value: recordValue(waiting), partition: 2 },
    ]);
    await waitFor(() => started.length === 1, 'the first record to be in progress');

    const stopped = consumer.stop();
    expect(consumer.state()).toBe('stopping');
    slow.release();
    await stopped;
    // The record in progress was finished; the one behind it was not started.
    expect(finished).toEqual([inFlight.eventId]);
    expect(started).toEqual([inFlight.eventId]);

    const handled: Handled[] = [];
    await start({
      groupId,
      topic,
      deadLetterTopic,
      decode: decodeOrderCancelled,
      handle: recordingHandler(handled),
    });
    await waitFor(() => handled.length >= 1, 'the next consumer to go on');
    expect(handled.map(({ event }) => event.eventId)).toEqual([waiting.eventId]);
  });

  it('lets a record whose handling was in progress when its consumer was killed come back', async () => {
    const { topic, deadLetterTopic, groupId } = await setUp('killed');
    const victim = anOrderCancelled({ orderId: 'SO-KILLED' });
    const child = spawnHangingConsumer({ brokers: brokers(), topic, deadLetterTopic, groupId });
    try {
      const lines = linesOf(child);
      await nextLine(lines, (line) => 'joined' in line);
      await send(topic, [{ key: victim.orderId, value: recordValue(victim) }]);
      const handling = await nextLine(lines, (line) => 'handling' in line);
      expect(handling).toMatchObject({ handling: victim.eventId });
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }

    const handled: Handled[] = [];
    await start({
      groupId,
      topic,
      deadLetterTopic,
      decode: decodeOrderCancelled,
      handle: recordingHandler(handled),
    });
    await waitFor(() => handled.length >= 1, 'the record to come back to the next consumer', 50_000);
    expect(handled.map(({ event }) => event.eventId)).toEqual([victim.eventId]);
  }, 90_000);

  it('stops cleanly while a handler keeps failing, without committing the failing record', async () => {
    const { topic, deadLetterTopic, groupId } = await setUp('stop-failing');
    let attempts = 0;
    const consumer = await start({
      groupId,
      topic,
      deadLetterTopic,
      decode: decodeOrderCancelled,
      retryDelays: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
      handle: async () => {
        attempts += 1;
        throw new Error('still down');
      },
    });
    const event = anOrderCancelled();
    await send(topic, [{ key: event.orderId, value: recordValue(event) }]);
    await waitFor(() => attempts === 1, 'the first attempt');
    // The 60 s backoff is cut short by stop.
    const stopping = Date.now();
    await consumer.stop();
    expect(Date.now() - stopping).toBeLessThan(20_000);
    expect(consumer.state()).toBe('stopped');

    const handled: Handled[] = [];
    await start({
      groupId,
      topic,
      deadLetterTopic,
      decode: decodeOrderCancelled,
      handle: recordingHandler(handled),
    });
    await waitFor(() => handled.length >= 1, 'the failing record to come back');
    expect(handled[0]?.event.eventId).toBe(event.eventId);
  });

  it('is unhealthy when its group also consumes another topic and it is assigned partitions it ignores', async () => {
    const first = await setUp('shared-group-a');
    const second = await setUp('shared-group-b');
    const groupId = freshGroup('shared');
    const observations: ConsumerObservation[] = [];
    const consumers = [
      await start({
        ...first,
        groupId,
        decode: decodeOrderCancelled,
        handle: async () => undefined,
        observe: (o) => observations.push(o),
      }),
      await start({
        ...second,
        groupId,
        decode: decodeOrderCancelled,
        handle: async () => undefined,
        observe: (o) => observations.push(o),
      }),
    ];
    await waitFor(
      () => consumers.some((consumer) => !consumer.isHealthy()),
      'a member to be assigned a foreign topic',
    );
    expect(observations.some((o) => o.type === 'foreign-topics-assigned')).toBe(true);
  });
});

describe('the order consumers', () => {
  it('hand order.cancelled to accept as a domain event, with its offset as sequence', async () => {
    const { topic, deadLetterTopic, groupId } = await setUp('order-cancelled');
    const accepted: { event: OrderCancelled; sequence: number }[] = [];
    const consumer = await startOrderCancelledConsumer({
      kafka,
      ...quickConsumer,
      groupId,
      topic,
      deadLetterTopic,
      accept: async (event, sequence) => {
        accepted.push({ event, sequence });
        return { kind: 'accepted' };
      },
    });
    running.push(consumer);
    const event = anOrderCancelled({ orderId: 'SO-SEQ' });
    const metadata = await send(topic, [{ key: event.orderId, value: recordValue(event) }]);

    await waitFor(() => accepted.length >= 1, 'the event to be accepted');
    expect(accepted).toEqual([{ event, sequence: Number(metadata?.baseOffset) }]);
    expect(accepted[0]?.event).not.toHaveProperty('schemaVersion');
  });

  it('hand the order of order.lifecycle to apply as a domain snapshot, and dead-letter what does not decode', async () => {
    const { topic, deadLetterTopic, groupId } = await setUp('order-lifecycle');
    const applied: OrderSnapshot[] = [];
    const consumer = await startOrderLifecycleConsumer({
      kafka,
      ...quickConsumer,
      groupId,
      topic,
      deadLetterTopic,
      apply: async (snapshot) => {
        applied.push(snapshot);
        return 'created';
      },
    });
    running.push(consumer);
    const lifecycle = anOrderLifecycle();
    await send(topic, [
      { key: 'SO-1', value: null, partition: 0 },
      { key: 'SO-1', value: encodeOrderLifecycle(lifecycle), partition: 0 },
    ]);

    await waitFor(() => applied.length >= 1, 'the snapshot to be applied');
    expect(applied).toEqual([lifecycle.order]);
    const [letter] = await readRecords(kafka, deadLetterTopic, 1);
    expect(letter?.value).toBeNull();
    expect(header(letter?.headers ?? {}, DEAD_LETTER_HEADERS.code)).toBe('INVALID_JSON');
  });
});

const headersOf = (headers: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)]));

const spawnHangingConsumer = (args: Record<string, unknown>): ChildProcess =>
  spawn(
    process.execPath,
    [new URL('./fixtures/hanging-consumer.ts', import.meta.url).pathname, JSON.stringify(args)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );

const linesOf = (child: ChildProcess): AsyncIterator<string> => {
  if (child.stdout === null) throw new Error('the child has no stdout');
  return createInterface({ input: child.stdout })[Symbol.asyncIterator]();
};

const nextLine = async (
  lines: AsyncIterator<string>,
  matches: (line: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> => {
  for (;;) {
    const next = await lines.next();
    if (next.done === true) throw new Error('the child process ended before printing the expected line');
    const line = JSON.parse(next.value) as Record<string, unknown>;
    if (matches(line)) return line;
  }
};
