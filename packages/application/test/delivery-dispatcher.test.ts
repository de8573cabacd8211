import type { RetryPolicy, UniwareAnswer } from '@cancel-sync/domain';
import { describe, expect, it } from 'vitest';
import { DeliveryDispatcher, type DispatchEvent } from '../src/index.ts';
import {
  InMemoryDeliveryJobs,
  InMemorySellers,
  ManualClock,
  RecordingDeadLetters,
  ScriptedUniware,
  uniwareSays,
} from '../src/testing/index.ts';
import { aSeller } from './mothers.ts';

const retry: RetryPolicy = { maxAttempts: 3, maxAgeMs: 3600_000, baseDelayMs: 1000, maxDelayMs: 60_000 };

const setUp = async (script: UniwareAnswer[], maxConcurrency = 4) => {
  const jobs = new InMemoryDeliveryJobs();
  const sellers = new InMemorySellers();
  sellers.sellers.set('seller-1', aSeller());
  const uniware = new ScriptedUniware(...script);
  const deadLetters = new RecordingDeadLetters();
  const clock = new ManualClock();
  const events: DispatchEvent[] = [];
  const dispatcher = new DeliveryDispatcher({
    jobs,
    sellers,
    uniware,
    deadLetters,
    clock,
    random: () => 0.5,
    observe: (event) => events.push(event),
    settings: {
      owner: 'instance-a',
      leaseMs: 30_000,
      pollIntervalMs: 5,
      maxConcurrency,
      requestsPerSecond: Number.POSITIVE_INFINITY,
      retry,
      circuit: { initialPauseMs: 30_000, maxPauseMs: 300_000 },
    },
  });
  const enqueue = (
    jobId: string,
    overrides: { orderId?: string; sequence?: number; sellerId?: string } = {},
  ) =>
    jobs.enqueue({
      jobId,
      orderId: overrides.orderId ?? `SO-${jobId}`,
      sellerId: overrides.sellerId ?? 'seller-1',
      source: 'customer',
      request: {
        saleOrderCode: overrides.orderId ?? `SO-${jobId}`,
        cancelledSkuCodes: [],
        cancellationReason: 'r',
      },
      sequence: overrides.sequence ?? 0,
      createdAt: clock.now(),
    });
  /** Runs the dispatcher until nothing is due and nothing is under way. */
  const drain = async () => {
    dispatcher.start();
    for (let i = 0; i < 50; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    await dispatcher.stop();
  };
  return { jobs, uniware, deadLetters, clock, events, enqueue, drain };
};

describe('delivering cancellations to Uniware', () => {
  it("calls Uniware with the seller's merchant id and marks the job delivered", async () => {
    const { jobs, uniware, enqueue, drain } = await setUp([uniwareSays.success]);
    await enqueue('j1');
    await drain();
    expect(uniware.calls).toEqual([
      { merchantId: 'merchant-1', request: expect.objectContaining({ saleOrderCode: 'SO-j1' }) },
    ]);
    expect(await jobs.find('j1')).toMatchObject({ state: 'delivered', attempts: 1, lease: undefined });
  });

  it("dead-letters a rejection with Uniware's message and never retries it", async () => {
    const { jobs, uniware, deadLetters, enqueue, drain, clock } = await setUp([
      uniwareSays.failure('Sale order not found'),
    ]);
    await enqueue('j1');
    await drain();
    clock.advance(3600_000);
    await drain();
    expect(uniware.calls).toHaveLength(1);
    expect(await jobs.find('j1')).toMatchObject({ state: 'rejected', lastError: 'Sale order not found' });
    expect(deadLetters.published).toEqual([
      { jobId: 'j1', code: 'UNIWARE_REJECTED', reason: 'Sale order not found', attempts: 1 },
    ]);
  });

  it('retries a 503 after a backoff, honouring Retry-After, and delivers in the end', async () => {
    const { jobs, uniware, enqueue, drain, clock } = await setUp([
      uniwareSays.status(503, '20'),
      uniwareSays.success,
    ]);
    await enqueue('j1');
    await drain();
    expect(await jobs.find('j1')).toMatchObject({ state: 'pending', attempts: 1, lastError: 'HTTP 503' });
    expect((await jobs.find('j1'))?.nextAttemptAt).toEqual(new Date(clock.now().getTime() + 20_000));
    clock.advance(19_999);
    await drain();
    expect(uniware.calls).toHaveLength(1);
    clock.advance(1);
    await drain();
    expect(await jobs.find('j1')).toMatchObject({ state: 'delivered', attempts: 2 });
  });

  it('gives up after the last attempt and dead-letters the job', async () => {
    const { jobs, deadLetters, enqueue, drain, clock } = await setUp([uniwareSays.status(500)]);
    await enqueue('j1');
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await drain();
      clock.advance(60_000);
    }
    expect(await jobs.find('j1')).toMatchObject({ state: 'dead', attempts: 3 });
    expect(deadLetters.published).toEqual([
      expect.objectContaining({ jobId: 'j1', code: 'DELIVERY_GAVE_UP' }),
    ]);
  });

  it('counts a call that timed out after sending as an unknown outcome', async () => {
    const timeout: UniwareAnswer = {
      kind: 'network-error',
      code: 'UND_ERR_HEADERS_TIMEOUT',
      message: 't',
      outcomeUnknown: true,
    };
    const { jobs, enqueue, drain } = await setUp([timeout]);
    await enqueue('j1');
    await drain();
    expect(await jobs.find('j1')).toMatchObject({ state: 'pending', unknownOutcomes: 1 });
  });

  it('on 401 stops sending for the seller, says so once, and probes after the pause', async () => {
    const { jobs, uniware, events, enqueue, drain, clock } = await setUp(
      [uniwareSays.status(401), uniwareSays.status(401), uniwareSays.success],
      // One call at a time, so that no second call is already under way when the first 401 comes.
      1,
    );
    for (const id of ['a', 'b', 'c']) await enqueue(id);
    await drain();
    expect(uniware.calls).toHaveLength(1);
    expect(events.filter((event) => event.type === 'circuit-opened')).toHaveLength(1);
    clock.advance(30_000);
    await drain();
    expect(uniware.calls).toHaveLength(2);
    expect(events.filter((event) => event.type === 'circuit-opened')).toHaveLength(1);
    clock.advance(60_000);
    await drain();
    expect(events.filter((event) => event.type === 'circuit-closed')).toHaveLength(1);
    expect((await jobs.countByState()).delivered).toBe(3);
    expect((await jobs.find('a'))?.attempts).toBeLessThanOrEqual(1);
  });

  it('delivers the jobs of one order in their order', async () => {
    const { uniware, enqueue, drain } = await setUp([uniwareSays.success]);
    await enqueue('second', { orderId: 'SO-1', sequence: 2 });
    await enqueue('first', { orderId: 'SO-1', sequence: 1 });
    await drain();
    expect(uniware.calls.map((call) => call.request.saleOrderCode)).toEqual(['SO-1', 'SO-1']);
    expect(uniware.calls).toHaveLength(2);
  });

  it('takes over a job whose holder died and counts its call as of unknown outcome', async () => {
    const { jobs, enqueue, drain, clock, events } = await setUp([uniwareSays.success]);
    await enqueue('j1');
    await jobs.claimNext({
      owner: 'dead-instance',
      now: clock.now(),
      leaseUntil: new Date(clock.now().getTime() + 1000),
      excludeSellerIds: [],
    });
    await drain();
    expect(await jobs.find('j1')).toMatchObject({ state: 'pending' });
    clock.advance(1001);
    await drain();
    expect(await jobs.find('j1')).toMatchObject({ state: 'delivered', unknownOutcomes: 1 });
    expect(events.some((event) => event.type === 'taken-over')).toBe(true);
  });

  it('waits for an unregistered seller, then dead-letters with UNKNOWN_ORDER_SELLER', async () => {
    const { deadLetters, enqueue, drain, clock, uniware } = await setUp([uniwareSays.success]);
    await enqueue('j1', { sellerId: 'ghost' });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await drain();
      clock.advance(60_000);
    }
    expect(uniware.calls).toHaveLength(0);
    expect(deadLetters.published).toEqual([expect.objectContaining({ code: 'UNKNOWN_ORDER_SELLER' })]);
  });
});
