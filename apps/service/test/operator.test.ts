/**
 * The operator's tools through the whole service, against the real Kafka broker, MongoDB-protocol
 * server and the Uniware sandbox: a dead letter replayed once after its cause is fixed, concurrent
 * replays, a disabled seller, a parked record re-published, and the CLI binary itself.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { KafkaRecordRepublisher } from '@cancel-sync/adapter-kafka';
import { type DeliveryJobOperations, parkedRecordId } from '@cancel-sync/application';
import { startSandbox } from '@cancel-sync/uc-sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Operations, operations } from '../src/ops/operations.ts';
import type { RunningService } from '../src/service.ts';
import { testEnvironment, waitFor } from './support/environment.ts';
import { aCancelledEvent, anItem, anOrder } from './support/mothers.ts';
import { startInProcess } from './support/running-service.ts';
import { openWorld, type TopicReader, type World } from './support/world.ts';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let service: RunningService | undefined;
let world: World;
let env: Record<string, string>;
let republisher: KafkaRecordRepublisher;
let ops: Operations;
let cancelledTopic: TopicReader;

const operator = { name: 'ops-test', reason: 'the sandbox order now has the units' };
const calls = (orderId: string) => sandbox.state.calls.list(orderId);
const job = (jobId: string) => world.stores.deliveryJobs.find(jobId);
const publishEvent = (event: Record<string, unknown>) =>
  world.publish(env.TOPIC_ORDER_CANCELLED ?? '', [
    { key: String(event.orderId), value: JSON.stringify(event) },
  ]);

beforeAll(async () => {
  sandbox = await startSandbox();
  env = testEnvironment(sandbox.url, { KAFKA_TOPIC_PARTITIONS: '1' });
  world = await openWorld(env);
  await world.registerSeller('seller-1');
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
  cancelledTopic = world.readTopic(env.TOPIC_ORDER_CANCELLED ?? '');
  republisher = new KafkaRecordRepublisher({ kafka: world.kafka });
  await republisher.connect();
  ops = operations(world.stores, republisher);
  service = await startInProcess(env);
});

afterEach(() => {
  sandbox.state.setFaults({});
});

afterAll(async () => {
  await service?.stop();
  await republisher?.disconnect();
  await world?.close();
  await sandbox?.close();
});

/** An event Uniware rejects (it knows 1 unit, the ledger allows 3), dead-lettered and published. */
const aRejectedDelivery = async () => {
  const order = anOrder({ items: [anItem({ quantity: 5 })] });
  await world.seedOrder(order);
  sandbox.state.orders.seed(order.orderId, {
    merchantId: 'merchant-seller-1',
    skus: [{ productId: 'prod-1', variantId: 'var-1', quantity: 1 }],
  });
  const event = aCancelledEvent({
    orderId: order.orderId,
    items: [{ orderItemId: 'item-1', productId: 'prod-1', variantId: 'var-1', quantity: 3 }],
  });
  await publishEvent(event);
  const jobId = String(event.eventId);
  await waitFor(
    () => job(jobId),
    (found) => found?.state === 'rejected' && found.deadLetters[0]?.publishedAt !== undefined,
    { timeoutMs: 20_000, what: 'the rejection dead-lettered and published' },
  );
  expect(calls(order.orderId)).toHaveLength(1);
  /** The cause, fixed: Uniware's order has the units now. */
  const fix = () =>
    sandbox.state.orders.seed(order.orderId, {
      merchantId: 'merchant-seller-1',
      skus: [{ productId: 'prod-1', variantId: 'var-1', quantity: 5 }],
    });
  return { orderId: order.orderId, jobId, fix };
};

/** Longer than a lease (5 s here): a job sent out twice would have been by now. */
const aLeaseLater = () => new Promise((resolve) => setTimeout(resolve, 5_500));

describe('replaying a dead letter', () => {
  it('delivers a rejected delivery exactly once after the cause is fixed; a second replay is refused; the audit record exists', async () => {
    const { orderId, jobId, fix } = await aRejectedDelivery();
    fix();
    const answer = await ops.replayJob({ jobId, operator, force: false });
    expect(answer).toMatchObject({ ok: true, jobId, fromState: 'rejected', pushes: 'as-before' });

    const delivered = await waitFor(
      () => job(jobId),
      (found) => found?.state === 'delivered',
      { timeoutMs: 20_000, what: 'the replayed job delivered' },
    );
    await aLeaseLater();
    expect(calls(orderId)).toHaveLength(2);
    expect(calls(orderId)[1]?.body).toMatchObject({ cancelledSkuCodes: [{ quantity: 3 }] });
    expect(delivered?.attemptLog.map((attempt) => attempt.answer?.verdict)).toEqual(['delivered']);
    expect(delivered?.replays?.[0]?.previousAttempts.map((attempt) => attempt.answer?.verdict)).toEqual([
      'rejected',
    ]);

    const again = await ops.replayJob({ jobId, operator, force: false });
    expect(again).toMatchObject({ ok: false, code: 'NOT_DEAD_LETTERED' });
    const forced = await ops.replayJob({ jobId, operator, force: true });
    expect(forced).toMatchObject({ ok: false, code: 'NOT_DEAD_LETTERED' });
    await aLeaseLater();
    expect(calls(orderId)).toHaveLength(2);

    const audit = await ops.audit.list({ target: jobId, limit: 10 });
    expect(audit.map((record) => record.outcome).sort()).toEqual(['done', 'refused', 'refused']);
    const done = audit.find((record) => record.outcome === 'done');
    expect(done).toMatchObject({
      action: 'replay-delivery-job',
      operator: 'ops-test',
      reason: operator.reason,
      forced: false,
      auditId: answer.ok ? answer.replayId : 'none',
    });
    expect(done?.at).toBeInstanceOf(Date);
  });

  it('lets exactly one of two concurrent replays of one dead letter succeed, and delivers it once', async () => {
    const { orderId, jobId, fix } = await aRejectedDelivery();
    fix();
    // Both replays read the job before either writes: only the compare-and-set can tell them apart.
    let reads = 0;
    let bothRead: () => void = () => undefined;
    const barrier = new Promise<void>((resolve) => {
      bothRead = resolve;
    });
    const racing: DeliveryJobOperations = {
      ...ops.jobs,
      list: (filter) => world.stores.deliveryJobOperations.list(filter),
      forOrder: (id) => world.stores.deliveryJobOperations.forOrder(id),
      replay: (write) => world.stores.deliveryJobOperations.replay(write),
      find: async (id) => {
        const found = await world.stores.deliveryJobOperations.find(id);
        reads += 1;
        if (reads === 2) bothRead();
        await barrier;
        return found;
      },
    };
    const racingOps = operations({ ...world.stores, deliveryJobOperations: racing as never }, republisher);
    const answers = await Promise.all([
      racingOps.replayJob({ jobId, operator: { ...operator, name: 'ops-a' }, force: false }),
      racingOps.replayJob({ jobId, operator: { ...operator, name: 'ops-b' }, force: false }),
    ]);
    expect(answers.filter((answer) => answer.ok)).toHaveLength(1);
    expect(answers.find((answer) => !answer.ok)).toMatchObject({ code: 'CHANGED_MEANWHILE' });
    await waitFor(
      () => job(jobId),
      (found) => found?.state === 'delivered',
      { timeoutMs: 20_000, what: 'the replayed job delivered' },
    );
    await aLeaseLater();
    expect(calls(orderId)).toHaveLength(2);
    expect((await job(jobId))?.replays).toHaveLength(1);
  });

  it('refuses a probably-applied job (a repeat after an unknown outcome) unless forced', async () => {
    const order = anOrder({ items: [anItem({ quantity: 2 })] });
    await world.seedOrder(order);
    sandbox.state.orders.seed(order.orderId, {
      merchantId: 'merchant-seller-1',
      skus: [{ productId: 'prod-1', variantId: 'var-1', quantity: 1 }],
    });
    // The first call times out (outcome unknown); the repeat is refused as "only 1 unit remains".
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
    const ended = await waitFor(
      () => job(String(event.eventId)),
      (found) => found !== undefined && found.state !== 'pending',
      { timeoutMs: 20_000, what: 'the repeat to end the job' },
    );
    expect(ended).toMatchObject({ state: 'probably-applied', unknownOutcomes: 1 });
    const jobId = String(event.eventId);
    expect(await ops.replayJob({ jobId, operator, force: false })).toMatchObject({
      ok: false,
      code: 'PROBABLY_APPLIED',
    });
    expect((await job(jobId))?.state).toBe('probably-applied');
    // The operator checked Uniware: the units were not cancelled after all. Fixed, and forced.
    sandbox.state.orders.seed(order.orderId, {
      merchantId: 'merchant-seller-1',
      skus: [{ productId: 'prod-1', variantId: 'var-1', quantity: 2 }],
    });
    expect(await ops.replayJob({ jobId, operator, force: true })).toMatchObject({ ok: true });
    await waitFor(
      () => job(jobId),
      (found) => found?.state === 'delivered',
      { timeoutMs: 20_000, what: 'the forced replay delivered' },
    );
    expect(
      (await ops.audit.list({ target: jobId, limit: 10 })).map((record) => record.forced).sort(),
    ).toEqual([false, true]);
  });
});

describe('a disabled seller', () => {
  it('has its tokens refused (401) and its deliveries held; on enable it logs in again and they go out', async () => {
    const credentials = await world.registerSeller('seller-3');
    const api = service?.httpUrl ?? '';
    const login = () =>
      fetch(`${api}/authToken`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(credentials),
      });
    const first = await login();
    expect(first.status).toBe(200);
    const { accessToken } = (await first.json()) as { accessToken: string };
    const history = (token: string) =>
      fetch(`${api}/orders/SO-none/cancellations`, { headers: { apikey: token } });
    expect((await history(accessToken)).status).not.toBe(401);

    const disabled = await ops.changeSeller(
      'seller-3',
      { kind: 'disable' },
      { name: 'ops-test', reason: 'fraud check' },
    );
    expect(disabled).toMatchObject({ ok: true, revokedTokens: 1 });
    // Disabled by another process (the operator CLI): refused within AUTH_TOKEN_CACHE_SECONDS.
    await waitFor(
      async () => (await history(accessToken)).status,
      (status) => status === 401,
      { timeoutMs: 5_000 + 1_500, intervalMs: 50, what: 'the token refused within the cache bound' },
    );
    expect((await login()).status).toBe(401);

    const event = aCancelledEvent({ sellerId: 'seller-3' });
    await publishEvent(event);
    await waitFor(
      () => job(String(event.eventId)),
      (found) => found !== undefined,
      { what: 'the job stored' },
    );
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(calls(String(event.orderId))).toEqual([]);
    expect(await job(String(event.eventId))).toMatchObject({ state: 'pending', attempts: 0 });

    expect(
      await ops.changeSeller('seller-3', { kind: 'enable' }, { name: 'ops-test', reason: 'cleared' }),
    ).toMatchObject({
      ok: true,
    });
    await waitFor(
      () => job(String(event.eventId)),
      (found) => found?.state === 'delivered',
      { timeoutMs: 20_000, what: 'the held delivery to go out' },
    );
    expect(calls(String(event.orderId))).toHaveLength(1);
    expect((await login()).status).toBe(200);
  });
});

describe('replaying a parked record', () => {
  it('re-publishes its bytes to the source topic with a replay header, once', async () => {
    const event = aCancelledEvent();
    const value = JSON.stringify(event);
    const parked = {
      topic: env.TOPIC_ORDER_CANCELLED ?? '',
      partition: 0,
      offset: '999999',
      key: String(event.orderId),
      value: new TextEncoder().encode(value),
      headers: { 'x-origin': 'test' },
      reason: 'its handler kept failing (fixed since)',
      attempts: 3,
      parkedAt: new Date(),
    };
    await world.stores.parkedRecords.park(parked);
    const id = parkedRecordId(parked);
    const answer = await ops.replayParked(id, operator, false);
    expect(answer).toMatchObject({ ok: true, id, topic: parked.topic });
    await waitFor(
      () => job(String(event.eventId)),
      (found) => found?.state === 'delivered',
      { timeoutMs: 20_000, what: 'the re-published event delivered' },
    );
    const onTopic = await waitFor(
      () => cancelledTopic.messages.filter((message) => message.value === value),
      (messages) => messages.length === 1,
      { what: 'the record on its topic' },
    );
    expect(onTopic[0]?.headers['x-origin']).toBe('test');
    expect(onTopic[0]?.headers['cancel-sync-replay-of']).toContain(id);
    expect(await ops.replayParked(id, operator, false)).toMatchObject({
      ok: false,
      code: 'ALREADY_REPLAYED',
    });
    expect((await world.stores.parkedRecords.find(id))?.replay?.publishedAt).toBeInstanceOf(Date);
    expect(calls(String(event.orderId))).toHaveLength(1);
  });
});

describe('the CLI binary', () => {
  const serviceDir = fileURLToPath(new URL('..', import.meta.url));
  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, ['src/ops-cli.ts', ...args], {
        cwd: serviceDir,
        env: {
          ...process.env,
          MONGODB_URI: env.MONGODB_URI,
          MONGODB_DATABASE: env.MONGODB_DATABASE,
          USER: 'cli-test',
        },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  it('answers --help, prints JSON with --json, and exits non-zero with a clear error on bad input', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('dead-letters replay');
    const subHelp = await cli('dead-letters', 'replay', '--help');
    expect(subHelp.code).toBe(0);
    expect(subHelp.stdout).toContain('--reason');

    const { jobId, orderId } = await aRejectedDelivery();
    const listed = await cli('dead-letters', 'list', '--code', 'UNIWARE_REJECTED', '--json');
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { jobId: string }[]).map((one) => one.jobId)).toContain(jobId);
    const shown = await cli('dead-letters', 'show', jobId, '--json');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ jobId, state: 'rejected', unknownOutcomes: 0 });

    const noReason = await cli('dead-letters', 'replay', jobId);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--reason is required');
    expect(noReason.stderr).not.toMatch(/\n\s+at /);
    const badCode = await cli('dead-letters', 'list', '--code', 'NOPE');
    expect(badCode.code).toBe(2);
    expect(badCode.stderr).toContain('unknown NOPE');
    expect((await job(jobId))?.state).toBe('rejected');

    const replayed = await cli('dead-letters', 'replay', jobId, '--reason', 'cli replay', '--json');
    expect(replayed.code).toBe(0);
    expect(JSON.parse(replayed.stdout)).toMatchObject({ ok: true, jobId });
    const twice = await cli('dead-letters', 'replay', jobId, '--reason', 'cli replay', '--json');
    expect(twice.code).toBe(1);
    expect(JSON.parse(twice.stdout)).toMatchObject({ ok: false });

    const story = await cli('order', 'show', orderId);
    expect(story.code).toBe(0);
    expect(story.stdout).toContain(`job ${jobId}`);
    expect(story.stdout).toContain('UNIWARE_REJECTED');
  });
});
