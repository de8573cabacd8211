/**
 * The dispatcher's fast path: a job stored through `store()` while a slot is free is stored leased
 * and sent at once, with no claim and no poll; per-order order, free slots and retries still hold.
 * The idle poll is a minute here, so anything delivered within the test was not found by polling.
 */
import type { RetryPolicy, UniwareAnswer, UniwareCancelRequest } from '@cancel-sync/domain';
import { describe, expect, it } from 'vitest';
import { DeliveryDispatcher, type NewDeliveryJob, SellerCache, type UniwareClient } from '../src/index.ts';
import { InMemoryDeliveryJobs, InMemorySellers, uniwareSays } from '../src/testing/index.ts';
import { aSeller } from './mothers.ts';

const clock = { now: () => new Date() };

/** Answers success, but only once `open()` was called for that order (all at once by default). */
class GatedUniware implements UniwareClient {
  readonly calls: string[] = [];
  readonly #gates = new Map<string, () => void>();
  readonly #script: UniwareAnswer[];
  #closed: boolean;
  constructor(options: { readonly closed?: boolean; readonly script?: UniwareAnswer[] } = {}) {
    this.#closed = options.closed ?? false;
    this.#script = options.script ?? [uniwareSays.success];
  }
  async cancelOrder(_merchantId: string, request: UniwareCancelRequest): Promise<UniwareAnswer> {
    this.calls.push(request.saleOrderCode);
    if (this.#closed) await new Promise<void>((resolve) => this.#gates.set(request.saleOrderCode, resolve));
    return (this.#script.length > 1 ? this.#script.shift() : this.#script[0]) ?? uniwareSays.success;
  }
  /** Lets the call for this order (under way or to come) answer, the others still wait. */
  openOne(orderId: string): void {
    const resolve = this.#gates.get(orderId);
    if (resolve === undefined) throw new Error(`no call for ${orderId} is waiting`);
    this.#gates.delete(orderId);
    resolve();
  }
  open(): void {
    this.#closed = false;
    for (const resolve of this.#gates.values()) resolve();
    this.#gates.clear();
  }
  async close(): Promise<void> {}
}

const retry: RetryPolicy = { maxAttempts: 3, maxAgeMs: 3600_000, baseDelayMs: 40, maxDelayMs: 40 };

/** Steps of the store the test holds back: each waits for the promise it returns. */
interface Holds {
  /** A store of the slow path (`enqueue`, free for the loop). */
  readonly enqueue?: (() => Promise<void>) | undefined;
  /** A claim of the loop, with the number of jobs it asks for. */
  readonly claimDue?: ((limit: number) => Promise<void>) | undefined;
}

const setUp = (uniware: GatedUniware, maxConcurrency = 4, holds: Holds = {}) => {
  const jobs = new InMemoryDeliveryJobs();
  let claims = 0;
  // Every method is the store's own; claims are counted, and held back where the test says.
  const counted = new Proxy(jobs, {
    get: (target, property) => {
      if (property === 'claimDue') {
        return async (...args: Parameters<InMemoryDeliveryJobs['claimDue']>) => {
          claims += 1;
          await holds.claimDue?.(args[1]);
          return target.claimDue(...args);
        };
      }
      if (property === 'enqueue') {
        return async (...args: Parameters<InMemoryDeliveryJobs['enqueue']>) => {
          await holds.enqueue?.();
          return target.enqueue(...args);
        };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const sellers = new InMemorySellers();
  sellers.sellers.set('seller-1', aSeller());
  const dispatcher = new DeliveryDispatcher({
    jobs: counted,
    sellers,
    uniware,
    recheckLedger: async () => ({ kind: 'order-unknown' }),
    clock,
    random: () => 1,
    observe: () => undefined,
    settings: {
      owner: 'instance-a',
      leaseMs: 30_000,
      renewEveryMs: 10_000,
      stopGraceMs: 1000,
      awaitSellerMs: 120_000,
      pollIntervalMs: 60_000,
      maxConcurrency,
      requestsPerSecond: Number.POSITIVE_INFINITY,
      retry,
      circuit: { initialPauseMs: 30_000, maxPauseMs: 300_000 },
      sellerCacheMs: 60_000,
    },
  });
  const aJob = (jobId: string, orderId = `SO-${jobId}`, sequence = 0): NewDeliveryJob => ({
    jobId,
    orderId,
    sellerId: 'seller-1',
    source: 'customer',
    lines: [{ productId: 'p', variantId: 'v', quantity: 1 }],
    ledger: 'accepted',
    request: {
      saleOrderCode: orderId,
      cancelledSkuCodes: [{ productId: 'p', variantId: 'v', quantity: 1 }],
      cancellationReason: 'r',
    },
    sequence,
    createdAt: clock.now(),
  });
  const settled = async (jobId: string, state = 'delivered') => {
    for (let i = 0; i < 200; i += 1) {
      if ((await jobs.find(jobId))?.state === state) return jobs.find(jobId);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`${jobId} not ${state}: ${JSON.stringify(await jobs.find(jobId))}`);
  };
  /** Lets the first (start-up) claim round pass. */
  const started = async () => {
    dispatcher.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    claims = 0;
  };
  return { jobs, dispatcher, aJob, settled, started, claims: () => claims };
};

describe('the fast path of the dispatcher', () => {
  it('sends a job stored with a free slot at once, leased in the store, with no claim', async () => {
    const uniware = new GatedUniware();
    const { jobs, dispatcher, aJob, settled, started, claims } = setUp(uniware);
    await started();
    expect(await dispatcher.store(aJob('j1'))).toBe('enqueued');
    const job = await settled('j1');
    expect(uniware.calls).toEqual(['SO-j1']);
    expect(job).toMatchObject({ attempts: 1, lease: undefined });
    expect(jobs.jobs.get('j1')?.claims).toBe(1);
    expect(claims()).toBe(0);
    expect(await dispatcher.store(aJob('j1'))).toBe('duplicate');
    await dispatcher.stop();
    expect(uniware.calls).toEqual(['SO-j1']);
  });

  it("stores a job behind an earlier pending one of its order free, and sends it after that one's answer", async () => {
    const uniware = new GatedUniware({ closed: true });
    const { jobs, dispatcher, aJob, settled, started } = setUp(uniware);
    await started();
    await dispatcher.store(aJob('first', 'SO-A', 1));
    await dispatcher.store(aJob('second', 'SO-A', 2));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(uniware.calls).toEqual(['SO-A']);
    expect((await jobs.find('second'))?.lease).toBeUndefined();
    uniware.open();
    await settled('first');
    await settled('second');
    expect(uniware.calls).toEqual(['SO-A', 'SO-A']);
    expect((await jobs.find('first'))?.finishedAt?.getTime()).toBeLessThanOrEqual(
      (await jobs.find('second'))?.attemptLog[0]?.startedAt.getTime() ?? 0,
    );
    await dispatcher.stop();
  });

  it('stores a job free while every slot is busy, and the loop sends it when one frees', async () => {
    const uniware = new GatedUniware({ closed: true });
    const { dispatcher, aJob, settled, started, claims } = setUp(uniware, 1);
    await started();
    await dispatcher.store(aJob('j1'));
    await dispatcher.store(aJob('j2'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(uniware.calls).toEqual(['SO-j1']);
    uniware.open();
    await settled('j1');
    await settled('j2');
    expect(uniware.calls).toEqual(['SO-j1', 'SO-j2']);
    expect(claims()).toBeGreaterThan(0);
    await dispatcher.stop();
  });

  it('lets a store of the slow path under way take no slot: a slot that frees goes to a job waiting in the store', async () => {
    const uniware = new GatedUniware({ closed: true });
    let holdStores = false;
    const heldStores: (() => void)[] = [];
    const { dispatcher, aJob, settled, started } = setUp(uniware, 1, {
      enqueue: () =>
        holdStores ? new Promise<void>((resolve) => heldStores.push(resolve)) : Promise.resolve(),
    });
    await started();
    await dispatcher.store(aJob('j1'));
    await dispatcher.store(aJob('j2'));
    // Every slot is busy, so j3 goes to the slow path, whose insert is slow (a loaded database).
    holdStores = true;
    const third = dispatcher.store(aJob('j3'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    uniware.open();
    await settled('j1');
    await settled('j2');
    expect(uniware.calls).toEqual(['SO-j1', 'SO-j2']);
    for (const resolve of heldStores) resolve();
    await third;
    await settled('j3');
    await dispatcher.stop();
  });

  it('gives a slot that frees to the claim under way before a store that comes meanwhile', async () => {
    const uniware = new GatedUniware({ closed: true });
    let holdClaims = false;
    let releaseClaim: (() => void) | undefined;
    const asked: number[] = [];
    const { dispatcher, aJob, settled, started } = setUp(uniware, 2, {
      claimDue: (limit) => {
        if (!holdClaims) return Promise.resolve();
        asked.push(limit);
        return new Promise<void>((resolve) => {
          releaseClaim = resolve;
        });
      },
    });
    await started();
    await dispatcher.store(aJob('j1'));
    await dispatcher.store(aJob('j2'));
    // Both slots busy: j3 waits in the store (the backlog), ahead of anything stored later.
    await dispatcher.store(aJob('j3'));
    holdClaims = true;
    uniware.openOne('SO-j1');
    await settled('j1');
    for (let i = 0; i < 100 && releaseClaim === undefined; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(asked).toEqual([1]);
    // The freed slot is the claim's: j4, stored while the claim is under way, waits its turn.
    await dispatcher.store(aJob('j4'));
    holdClaims = false;
    releaseClaim?.();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(uniware.calls).toEqual(['SO-j1', 'SO-j2', 'SO-j3']);
    uniware.open();
    await settled('j4');
    expect(uniware.calls).toEqual(['SO-j1', 'SO-j2', 'SO-j3', 'SO-j4']);
    await dispatcher.stop();
  });

  it('sends a retry at its due time, not at the next poll', async () => {
    const uniware = new GatedUniware({ script: [uniwareSays.status(503), uniwareSays.success] });
    const { dispatcher, aJob, settled, started } = setUp(uniware);
    await started();
    await dispatcher.store(aJob('j1'));
    const job = await settled('j1');
    expect(job).toMatchObject({ attempts: 2 });
    expect(uniware.calls).toEqual(['SO-j1', 'SO-j1']);
    await dispatcher.stop();
  });

  it('stores free, without sending, once stopping', async () => {
    const uniware = new GatedUniware();
    const { jobs, dispatcher, aJob, started } = setUp(uniware);
    await started();
    await dispatcher.stop();
    expect(await dispatcher.store(aJob('j1'))).toBe('enqueued');
    expect(uniware.calls).toEqual([]);
    const job = await jobs.find('j1');
    expect(job?.state).toBe('pending');
    expect(job?.lease).toBeUndefined();
  });
});

describe('the seller cache', () => {
  const counting = () => {
    const sellers = new InMemorySellers();
    sellers.sellers.set('seller-1', aSeller());
    let reads = 0;
    return {
      sellers,
      registry: {
        findById: (sellerId: string) => {
          reads += 1;
          return sellers.findById(sellerId);
        },
      },
      reads: () => reads,
    };
  };

  it('reads a seller once per max age, and sees a change after it', async () => {
    const { sellers, registry, reads } = counting();
    let now = 0;
    const cache = new SellerCache(registry, { now: () => new Date(now) }, 5_000);
    expect((await cache.findById('seller-1'))?.uniwareMerchantId).toBe('merchant-1');
    sellers.sellers.set('seller-1', aSeller({ uniwareMerchantId: 'merchant-2' }));
    now = 4_999;
    expect((await cache.findById('seller-1'))?.uniwareMerchantId).toBe('merchant-1');
    expect(reads()).toBe(1);
    now = 5_000;
    expect((await cache.findById('seller-1'))?.uniwareMerchantId).toBe('merchant-2');
    expect(reads()).toBe(2);
  });

  it('shares one read between lookups made together, and remembers an unknown seller as long', async () => {
    const { registry, reads } = counting();
    const cache = new SellerCache(registry, { now: () => new Date(0) }, 5_000);
    await Promise.all([cache.findById('seller-1'), cache.findById('seller-1'), cache.findById('seller-1')]);
    expect(reads()).toBe(1);
    expect(await cache.findById('nobody')).toBeUndefined();
    expect(await cache.findById('nobody')).toBeUndefined();
    expect(reads()).toBe(2);
  });

  it('reads every time with a max age of 0', async () => {
    const { registry, reads } = counting();
    const cache = new SellerCache(registry, { now: () => new Date(0) }, 0);
    await cache.findById('seller-1');
    await cache.findById('seller-1');
    expect(reads()).toBe(2);
  });
});
