/**
 * Inbound cancellations as the service runs them: the history record stays on its order (part of
 * the same write) and goes to the history in batches, and expired remembered requests are dropped
 * by the write itself, so that a request costs one read and one write.
 */
import { describe, expect, it } from 'vitest';
import { type CancelFromUniwareRequest, type CancellationRecord, cancelFromUniware } from '../src/index.ts';
import {
  FakeCrypto,
  InMemoryIdempotencyKeys,
  InMemoryLedger,
  InMemoryRecords,
  ManualClock,
  SequentialIds,
} from '../src/testing/index.ts';
import { anOrder } from './mothers.ts';

const WINDOW_MS = 10 * 60_000;
const HOLD = 4;

const setUp = () => {
  const order = anOrder({
    items: [
      {
        orderItemId: 'item-1',
        productId: 'p-1',
        variantId: 'v-1',
        quantity: 100,
        cancelledQuantity: 0,
        status: 'CREATED',
      },
    ],
  });
  const ledger = new InMemoryLedger();
  ledger.entries.set(order.orderId, { order, rememberedRequests: [], outbox: [] });
  const records = new InMemoryRecords(ledger);
  const calls = { appendAll: 0, append: 0, find: 0 };
  const appendAll = records.appendAll.bind(records);
  records.appendAll = (batch) => {
    calls.appendAll += 1;
    return appendAll(batch);
  };
  const append = records.append.bind(records);
  records.append = (record) => {
    calls.append += 1;
    return append(record);
  };
  const find = records.find.bind(records);
  records.find = (recordId) => {
    calls.find += 1;
    return find(recordId);
  };
  const clock = new ManualClock();
  const copyFailures: unknown[] = [];
  const cancel = cancelFromUniware({
    ledger,
    records,
    idempotencyKeys: new InMemoryIdempotencyKeys(),
    crypto: new FakeCrypto(),
    clock,
    ids: new SequentialIds(),
    settings: {
      duplicateWindowMs: WINDOW_MS,
      idempotencyKeyTtlMs: 24 * 3600_000,
      maxWriteAttempts: 3,
      reason: 'Cancelled by the seller in Uniware',
      maxQueuedPerOrder: 100,
      historyHeldOnOrder: HOLD,
    },
    onHistoryCopyFailed: (error) => copyFailures.push(error),
  });
  const held = () => (ledger.entries.get('SO-1')?.pendingRecords ?? []).map((record) => record.requestId);
  const history = async () =>
    (await records.forOrder('seller-1', 'SO-1')).map((record: CancellationRecord) => record.requestId);
  return { ledger, records, calls, clock, cancel, held, history, copyFailures };
};

const aRequest = (quantity: number, requestId: string, orderItemId = 'item-1'): CancelFromUniwareRequest => ({
  sellerId: 'seller-1',
  orderId: 'SO-1',
  requestId,
  lines: [{ orderItemId, productId: 'p-1', variantId: 'v-1', quantity }],
});

describe('history records held on the order', () => {
  it('are not copied while the order holds fewer than its bound, and the history lists them', async () => {
    const { cancel, calls, held, history } = setUp();
    for (let n = 1; n <= HOLD; n += 1) await cancel(aRequest(n, `req-${n}`));
    expect(calls).toEqual({ appendAll: 0, append: 0, find: 0 });
    expect(held()).toEqual(['req-1', 'req-2', 'req-3', 'req-4']);
    expect(await history()).toEqual(['req-1', 'req-2', 'req-3', 'req-4']);
  });

  it('go to the history in one insert, the older half, when the order is full; the write drops them', async () => {
    const { cancel, calls, held, history, records } = setUp();
    for (let n = 1; n <= HOLD + 1; n += 1) await cancel(aRequest(n, `req-${n}`));
    expect(calls.appendAll).toBe(1);
    expect(records.records.map((record) => record.requestId)).toEqual(['req-1', 'req-2']);
    expect(held()).toEqual(['req-3', 'req-4', 'req-5']);
    expect(await history()).toEqual(['req-1', 'req-2', 'req-3', 'req-4', 'req-5']);
  });

  it('stay on the order when the copy fails: nothing is dropped, the answer stands, a later write copies', async () => {
    const { cancel, records, held, history, copyFailures } = setUp();
    for (let n = 1; n <= HOLD; n += 1) await cancel(aRequest(n, `req-${n}`));
    const appendAll = records.appendAll;
    records.appendAll = async () => {
      throw new Error('history store unavailable');
    };
    expect(await cancel(aRequest(5, 'req-5'))).toMatchObject({
      kind: 'answered',
      result: { status: 'SUCCESS' },
    });
    expect(copyFailures).toHaveLength(1);
    expect(held()).toEqual(['req-1', 'req-2', 'req-3', 'req-4', 'req-5']);
    records.appendAll = appendAll;
    await cancel(aRequest(6, 'req-6'));
    expect(held()).toEqual(['req-4', 'req-5', 'req-6']);
    expect(await history()).toEqual(['req-1', 'req-2', 'req-3', 'req-4', 'req-5', 'req-6']);
  });
});

describe('one read and one write per request', () => {
  it('tells the write what it read, so the write drops expired remembered requests itself', async () => {
    const { cancel, clock, ledger } = setUp();
    await cancel(aRequest(1, 'req-1'));
    clock.advance(WINDOW_MS + 1);
    await cancel(aRequest(2, 'req-2'));
    const last = ledger.writes.at(-1);
    expect(last?.readRemembered?.map((remembered) => remembered.requestId)).toEqual(['req-1']);
    expect(ledger.entries.get('SO-1')?.rememberedRequests.map((remembered) => remembered.requestId)).toEqual([
      'req-2',
    ]);
  });

  it('answers a retry of a success from the order read alone', async () => {
    const { cancel, calls } = setUp();
    const first = await cancel(aRequest(1, 'req-1'));
    const retry = await cancel(aRequest(1, 'req-retry'));
    expect(retry).toEqual({ ...first, replayed: true });
    expect(calls.find).toBe(0);
  });

  it('answers a retry of a refusal from its record on the order, or from the history once copied', async () => {
    const { cancel, calls } = setUp();
    const refused = await cancel(aRequest(1, 'req-refused', 'no-such-item'));
    expect(refused).toMatchObject({ result: { status: 'FAILED' } });
    expect(await cancel(aRequest(1, 'retry-1', 'no-such-item'))).toEqual({ ...refused, replayed: true });
    expect(calls.find).toBe(0);
    for (let n = 1; n <= HOLD; n += 1) await cancel(aRequest(n, `req-${n}`));
    expect(await cancel(aRequest(1, 'retry-2', 'no-such-item'))).toEqual({ ...refused, replayed: true });
    expect(calls.find).toBe(1);
  });
});
