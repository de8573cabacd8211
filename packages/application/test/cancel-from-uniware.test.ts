import { describe, expect, it } from 'vitest';
import {
  type CancelFromUniwareRequest,
  cancelFromUniware,
  MAX_REMEMBERED_APPLIED,
  MAX_REMEMBERED_REFUSALS,
  WriteConflictError,
} from '../src/index.ts';
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

const setUp = (order = anOrder()) => {
  const ledger = new InMemoryLedger();
  ledger.entries.set(order.orderId, { order, rememberedRequests: [], outbox: [] });
  const records = new InMemoryRecords();
  const clock = new ManualClock();
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
    },
  });
  const storedItem = () => ledger.entries.get(order.orderId)?.order.items[0];
  return { ledger, records, clock, cancel, storedItem };
};

const aRequest = (
  quantity = 1,
  overrides: Partial<CancelFromUniwareRequest> = {},
): CancelFromUniwareRequest => ({
  sellerId: 'seller-1',
  orderId: 'SO-1',
  lines: [{ orderItemId: 'item-1', productId: 'p-1', variantId: 'v-1', quantity }],
  ...overrides,
});

describe('the history is part of the ledger write', () => {
  it('answers an applied cancellation even when the history store refuses, and keeps its record', async () => {
    const { cancel, ledger, records, storedItem } = setUp();
    const append = records.append.bind(records);
    records.append = async () => {
      throw new Error('history store unavailable');
    };

    const answer = await cancel(aRequest(1, { requestId: 'req-1' }));

    expect(answer).toMatchObject({ kind: 'answered', result: { status: 'SUCCESS' } });
    expect(storedItem()?.cancelledQuantity).toBe(1);
    // The record went with the order write; the next write of the order copies it to the history.
    expect(ledger.entries.get('SO-1')?.pendingRecords).toEqual([
      expect.objectContaining({ requestId: 'req-1', status: 'SUCCESS' }),
    ]);
    records.append = append;
    await cancel(aRequest(2, { requestId: 'req-2' }));
    expect(records.records.map((record) => record.requestId)).toEqual(['req-1', 'req-2']);
    expect(ledger.entries.get('SO-1')?.pendingRecords).toEqual([]);
  });
});

describe('what an order remembers is bounded', () => {
  it('refuses to apply more requests within their window than it can remember, without forgetting any', async () => {
    const { cancel, ledger, storedItem } = setUp(
      anOrder({
        items: [
          {
            orderItemId: 'item-1',
            productId: 'p-1',
            variantId: 'v-1',
            quantity: 1000,
            cancelledQuantity: 0,
            status: 'CREATED',
          },
        ],
      }),
    );
    for (let n = 0; n < MAX_REMEMBERED_APPLIED; n += 1) {
      await cancel(aRequest(1, { idempotencyKey: `key-${n}` }));
    }
    expect(await cancel(aRequest(1, { idempotencyKey: 'one-too-many' }))).toEqual({ kind: 'order-busy' });
    expect(storedItem()?.cancelledQuantity).toBe(MAX_REMEMBERED_APPLIED);
    // A retry of the first is still answered from it, and a refusal is still answered.
    expect(await cancel(aRequest(1, { idempotencyKey: 'key-0' }))).toMatchObject({ replayed: true });
    expect(await cancel(aRequest(5000, { idempotencyKey: 'too-much' }))).toMatchObject({
      kind: 'answered',
      result: { status: 'FAILED' },
    });
    expect(ledger.entries.get('SO-1')?.rememberedRequests.length).toBe(MAX_REMEMBERED_APPLIED + 1);
  });

  it('keeps only the latest refusals', async () => {
    const { cancel, ledger } = setUp();
    for (let n = 0; n < MAX_REMEMBERED_REFUSALS + 10; n += 1) {
      await cancel(aRequest(5000, { idempotencyKey: `refused-${n}` }));
    }
    const remembered = ledger.entries.get('SO-1')?.rememberedRequests ?? [];
    expect(remembered.filter((request) => request.status === 'FAILED')).toHaveLength(MAX_REMEMBERED_REFUSALS);
  });
});

describe('cancelling from Uniware', () => {
  it('applies the lines, announces them through the outbox and keeps a record', async () => {
    const { cancel, ledger, records, storedItem } = setUp();
    const answer = await cancel(aRequest(3));
    expect(answer).toMatchObject({
      kind: 'answered',
      replayed: false,
      result: { status: 'SUCCESS', failedItems: [] },
    });
    expect(storedItem()?.cancelledQuantity).toBe(3);
    expect(await ledger.pending(10)).toEqual([
      expect.objectContaining({
        source: 'unicommerce',
        orderId: 'SO-1',
        items: [{ orderItemId: 'item-1', productId: 'p-1', variantId: 'v-1', quantity: 3 }],
      }),
    ]);
    expect([...records.records.values()]).toEqual([
      expect.objectContaining({
        orderId: 'SO-1',
        status: 'SUCCESS',
        lines: [expect.objectContaining({ outcome: 'APPLIED' })],
      }),
    ]);
  });

  it('answers a retry within the window from the first request and changes nothing', async () => {
    const { cancel, ledger, clock, storedItem } = setUp();
    const first = await cancel(aRequest(2));
    clock.advance(WINDOW_MS - 1);
    const retry = await cancel({ ...aRequest(2), lines: [...aRequest(2).lines] });
    expect(retry).toEqual({ ...first, replayed: true });
    expect(storedItem()?.cancelledQuantity).toBe(2);
    expect(await ledger.pending(10)).toHaveLength(1);
  });

  it('treats the same body after the window as a new request', async () => {
    const { cancel, clock, storedItem } = setUp();
    await cancel(aRequest(2));
    clock.advance(WINDOW_MS + 1);
    expect(await cancel(aRequest(2))).toMatchObject({ replayed: false, result: { status: 'SUCCESS' } });
    expect(storedItem()?.cancelledQuantity).toBe(4);
  });

  it('lets an Idempotency-Key decide: same key and body replays, another body is refused', async () => {
    const { cancel, clock, storedItem } = setUp();
    const first = await cancel(aRequest(1, { idempotencyKey: 'k-1' }));
    clock.advance(WINDOW_MS * 10);
    expect(await cancel(aRequest(1, { idempotencyKey: 'k-1' }))).toEqual({ ...first, replayed: true });
    expect(await cancel(aRequest(5, { idempotencyKey: 'k-1' }))).toMatchObject({
      kind: 'idempotency-key-reused',
    });
    expect(await cancel(aRequest(1, { idempotencyKey: 'k-2' }))).toMatchObject({ replayed: false });
    expect(storedItem()?.cancelledQuantity).toBe(2);
  });

  it("answers ORDER_NOT_FOUND for another seller's order and leaves it untouched", async () => {
    const { cancel, ledger } = setUp();
    const answer = await cancel(aRequest(1, { sellerId: 'seller-2' }));
    expect(answer).toMatchObject({
      result: { status: 'FAILED', failedItems: [{ orderItemId: 'item-1', code: 'ORDER_NOT_FOUND' }] },
    });
    expect(ledger.writes).toHaveLength(0);
  });

  it('decides again on the fresh order when another instance wrote it first', async () => {
    const { cancel, ledger, storedItem } = setUp();
    let interfered = false;
    ledger.beforeWrite = (write) => {
      if (interfered) return;
      interfered = true;
      const entry = ledger.entries.get(write.order.orderId);
      if (entry === undefined) return;
      const [item] = entry.order.items;
      if (item === undefined) return;
      entry.order = {
        ...entry.order,
        revision: entry.order.revision + 1,
        items: [{ ...item, cancelledQuantity: 9 }],
      };
    };
    const answer = await cancel(aRequest(2));
    expect(answer).toMatchObject({
      result: { status: 'FAILED', failedItems: [{ code: 'QUANTITY_EXCEEDS_CANCELLABLE' }] },
    });
    expect(storedItem()?.cancelledQuantity).toBe(9);
  });

  it('gives up with WriteConflictError when the order keeps changing', async () => {
    const { cancel, ledger } = setUp();
    ledger.beforeWrite = (write) => {
      const entry = ledger.entries.get(write.order.orderId);
      if (entry !== undefined) entry.order = { ...entry.order, revision: entry.order.revision + 1 };
    };
    await expect(cancel(aRequest(1))).rejects.toBeInstanceOf(WriteConflictError);
  });

  it('lets exactly 10 of 100 concurrent one-unit requests through on a 10-unit item', async () => {
    const { cancel, storedItem } = setUp();
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, index) => cancel(aRequest(1, { idempotencyKey: `k-${index}` }))),
    );
    const statuses = answers.map((answer) =>
      answer.kind === 'answered' ? answer.result.status : answer.kind,
    );
    expect(statuses.filter((status) => status === 'SUCCESS')).toHaveLength(10);
    expect(statuses.filter((status) => status === 'FAILED')).toHaveLength(90);
    expect(storedItem()?.cancelledQuantity).toBe(10);
  });
});
