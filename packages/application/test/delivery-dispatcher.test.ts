import type { RetryPolicy, UniwareAnswer } from '@cancel-sync/domain';
import { describe, expect, it } from 'vitest';
import { DeliveryDispatcher, type DispatchEvent } from '../src/index.ts';
import {
  InMemoryDeliveryJobs,
  InMemorySellers,
  ManualClock,
  ScriptedUniware,
  uniwareSays,
} from '../src/testing/index.ts';
import { aSeller } from './mothers.ts';

const retry: RetryPolicy = { maxAttempts: 3, maxAgeMs: 3600_000, baseDelayMs: 1000, maxDelayMs: 60_000 };

interface SetUpOptions {
  readonly maxConcurrency?: number;
  readonly retry?: RetryPolicy;
  readonly awaitSellerMs?: number;
}

const setUp = async (script: UniwareAnswer[], options: SetUpOptions = {}) => {
  const maxConcurrency = options.maxConcurrency ?? 4;
  const jobs = new InMemoryDeliveryJobs();
  const sellers = new InMemorySellers();
  sellers.sellers.set('seller-1', aSeller());
  const uniware = new ScriptedUniware(...script);
  const clock = new ManualClock();
  const events: DispatchEvent[] = [];
  const dispatcher = new DeliveryDispatcher({
    jobs,
    sellers,
    uniware,
    recheckLedger: async () => ({ kind: 'order-unknown' }),
    clock,
    random: () => 0.5,
    observe: (event) => events.push(event),
    settings: {
      owner: 'instance-a',
      leaseMs: 30_000,
      renewEveryMs: 10_000,
      stopGraceMs: 1000,
      awaitSellerMs: options.awaitSellerMs ?? 120_000,
      pollIntervalMs: 5,
      maxConcurrency,
      requestsPerSecond: Number.POSITIVE_INFINITY,
      retry: options.retry ?? retry,
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
      lines: [{ productId: 'p', variantId: 'v', quantity: 1 }],
      ledger: 'accepted',
      request: {
        saleOrderCode: overrides.orderId ?? `SO-${jobId}`,
        cancelledSkuCodes: [{ productId: 'p', variantId: 'v', quantity: 1 }],
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
  const lettersOf = async (jobId: string) =>
    (await jobs.find(jobId))?.deadLetters.map((letter) => letter.code);
  const claimAs = (owner: string, leaseMs = 1000) =>
    jobs.claimDue(
      {
        owner,
        now: clock.now(),
        leaseUntil: new Date(clock.now().getTime() + leaseMs),
        excludeSellerIds: [],
      },
      10,
    );
  return { jobs, uniware, clock, events, enqueue, drain, lettersOf, claimAs };
};

describe('delivering cancellations to Uniware', () => {
  it("calls Uniware with the seller's merchant id and marks the job delivered", async () => {
    const { jobs, uniware, enqueue, drain } = await setUp([uniwareSays.success]);
    await enqueue('j1');
    await drain();
    expect(uniware.calls).toEqual([
      { merchantId: 'merchant-1', request: expect.objectContaining({ saleOrderCode: 'SO-j1' }) },
    ]);
    const job = await jobs.find('j1');
    expect(job).toMatchObject({ state: 'delivered', attempts: 1, lease: undefined });
    expect(job?.attemptLog).toEqual([
      expect.objectContaining({
        attempt: 1,
        owner: 'instance-a',
        answer: expect.objectContaining({ verdict: 'delivered', httpStatus: 200 }),
      }),
    ]);
  });

  it("stores a rejection's dead letter with the job's final state and never retries it", async () => {
    const { jobs, uniware, lettersOf, enqueue, drain, clock } = await setUp([
      uniwareSays.failure('Sale order not found'),
    ]);
    await enqueue('j1');
    await drain();
    clock.advance(3600_000);
    await drain();
    expect(uniware.calls).toHaveLength(1);
    expect(await jobs.find('j1')).toMatchObject({ state: 'rejected', lastError: 'Sale order not found' });
    expect(await lettersOf('j1')).toEqual(['UNIWARE_REJECTED']);
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
    const { jobs, lettersOf, enqueue, drain, clock } = await setUp([uniwareSays.status(500)]);
    await enqueue('j1');
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await drain();
      clock.advance(60_000);
    }
    expect(await jobs.find('j1')).toMatchObject({ state: 'dead', attempts: 3 });
    expect(await lettersOf('j1')).toEqual(['DELIVERY_GAVE_UP']);
  });

  it('waits out a long Retry-After in steps of the cap instead of giving the job up at once', async () => {
    const { jobs, enqueue, drain, clock } = await setUp([uniwareSays.status(503, String(2 * 86_400))], {
      retry: { ...retry, maxAgeMs: 86_400_000, maxRetryAfterMs: 300_000 },
    });
    await enqueue('j1');
    await drain();
    const job = await jobs.find('j1');
    expect(job?.state).toBe('pending');
    expect(job?.nextAttemptAt).toEqual(new Date(clock.now().getTime() + 300_000));
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

  it('calls a repeat refused as cancelled already, after an unknown outcome, "probably applied"', async () => {
    const timeout: UniwareAnswer = {
      kind: 'network-error',
      code: 'UND_ERR_HEADERS_TIMEOUT',
      message: 't',
      outcomeUnknown: true,
    };
    const { jobs, lettersOf, enqueue, drain, clock } = await setUp([
      timeout,
      uniwareSays.failure('Order item already cancelled'),
    ]);
    await enqueue('j1');
    await drain();
    clock.advance(60_000);
    await drain();
    expect(await jobs.find('j1')).toMatchObject({
      state: 'probably-applied',
      attempts: 2,
      unknownOutcomes: 1,
    });
    expect(await lettersOf('j1')).toEqual([]);
  });

  it('delivers the jobs of one order in their order', async () => {
    const { uniware, enqueue, drain } = await setUp([uniwareSays.success]);
    await enqueue('second', { orderId: 'SO-1', sequence: 2 });
    await enqueue('first', { orderId: 'SO-1', sequence: 1 });
    await drain();
    expect(uniware.calls.map((call) => call.request.saleOrderCode)).toEqual(['SO-1', 'SO-1']);
    expect(uniware.calls).toHaveLength(2);
  });

  it('waits for an unregistered seller without spending attempts, then dead-letters UNKNOWN_ORDER_SELLER', async () => {
    const { jobs, lettersOf, enqueue, drain, clock, uniware } = await setUp([uniwareSays.success], {
      awaitSellerMs: 100_000,
    });
    await enqueue('j1', { sellerId: 'ghost' });
    await drain();
    expect(await jobs.find('j1')).toMatchObject({ state: 'pending', attempts: 0 });
    clock.advance(100_001);
    await drain();
    expect(uniware.calls).toHaveLength(0);
    expect(await jobs.find('j1')).toMatchObject({ state: 'dead', attempts: 0 });
    expect(await lettersOf('j1')).toEqual(['UNKNOWN_ORDER_SELLER']);
  });
});

describe('taking over a job whose holder died', () => {
  it('sends a job claimed but never sent without counting an unknown outcome', async () => {
    const { jobs, uniware, enqueue, drain, clock, events, claimAs } = await setUp([uniwareSays.success]);
    await enqueue('j1');
    expect(await claimAs('dead-instance')).toHaveLength(1);
    await drain();
    expect(uniware.calls).toHaveLength(0);
    clock.advance(1000);
    await drain();
    expect(await jobs.find('j1')).toMatchObject({ state: 'delivered', unknownOutcomes: 0, attempts: 1 });
    expect(events).toContainEqual(expect.objectContaining({ type: 'taken-over', maybeSent: false }));
  });

  it('counts an unknown outcome when the holder had started its call', async () => {
    const { jobs, enqueue, drain, clock, events, claimAs } = await setUp([uniwareSays.success]);
    await enqueue('j1');
    const [held] = await claimAs('dead-instance');
    expect(await jobs.beginAttempt(held?.fence ?? { jobId: '', owner: '', token: 0 }, 1, clock.now())).toBe(
      true,
    );
    clock.advance(1000);
    await drain();
    const job = await jobs.find('j1');
    expect(job).toMatchObject({ state: 'delivered', unknownOutcomes: 1, attempts: 2 });
    expect(job?.attemptLog.map((record) => record.answer?.verdict)).toEqual(['unknown', 'delivered']);
    expect(events).toContainEqual(expect.objectContaining({ type: 'taken-over', maybeSent: true }));
  });

  it('fences a holder that lost its lease: it can neither start a call nor record an answer', async () => {
    const { jobs, enqueue, clock, claimAs } = await setUp([uniwareSays.success]);
    await enqueue('j1');
    const [stale] = await claimAs('slow-instance');
    clock.advance(1000);
    const [fresh] = await claimAs('fast-instance');
    if (stale === undefined || fresh === undefined) throw new Error('both claims should have leased j1');
    expect(await jobs.beginAttempt(stale.fence, 1, clock.now())).toBe(false);
    expect(
      await jobs.settle(stale.fence, { state: 'delivered', unknownOutcomes: 0, nextAttemptAt: clock.now() }),
    ).toBe(false);
    expect(await jobs.renew(stale.fence, new Date(clock.now().getTime() + 60_000))).toBe(false);
    expect(await jobs.find('j1')).toMatchObject({ state: 'pending', lease: { owner: 'fast-instance' } });
  });
});

describe('the auth circuit', () => {
  it('sends one probe per pause while 20 jobs of the seller wait, and grows the pause once per refused probe', async () => {
    const { uniware, enqueue, drain, clock, events } = await setUp([uniwareSays.status(401)], {
      maxConcurrency: 32,
    });
    // Uniware refuses our credentials until the first round and the next probe are over.
    const refuse = () => uniware.calls.length <= 21;
    const original = uniware.cancelOrder.bind(uniware);
    uniware.cancelOrder = async (merchantId, request) => {
      const answer = await original(merchantId, request);
      return refuse() ? answer : uniwareSays.success;
    };
    for (let index = 0; index < 20; index += 1) await enqueue(`j${index}`);
    await drain();
    // The first round went out before the circuit knew: its calls were refused together.
    const firstRound = uniware.calls.length;
    expect(firstRound).toBe(20);
    expect(events.filter((event) => event.type === 'circuit-opened')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'circuit-refused-again')).toHaveLength(0);

    clock.advance(30_000);
    await drain();
    expect(uniware.calls.length - firstRound).toBe(1);
    expect(events.filter((event) => event.type === 'circuit-refused-again')).toEqual([
      expect.objectContaining({ pauseMs: 60_000 }),
    ]);

    clock.advance(30_000);
    await drain();
    expect(uniware.calls.length - firstRound).toBe(1);
    clock.advance(30_001);
    await drain();
    expect(uniware.calls.length - firstRound).toBeGreaterThanOrEqual(2);
    expect(events.filter((event) => event.type === 'circuit-closed')).toHaveLength(1);
  });

  it('gives up jobs held by an open circuit once they reach the maximum age', async () => {
    const { jobs, lettersOf, enqueue, drain, clock } = await setUp([uniwareSays.status(401)], {
      maxConcurrency: 1,
      retry: { ...retry, maxAgeMs: 100_000 },
    });
    await enqueue('a');
    await enqueue('b');
    await drain();
    for (let step = 0; step < 8; step += 1) {
      clock.advance(30_000);
      await drain();
    }
    expect(await jobs.find('b')).toMatchObject({ state: 'dead' });
    expect(await lettersOf('b')).toEqual(['DELIVERY_GAVE_UP']);
  });
});
