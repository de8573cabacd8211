import { describe, expect, it } from 'vitest';
import { acceptCancellationEvent, applyOrderSnapshot } from '../src/index.ts';
import { InMemoryDeliveryJobs, InMemoryLedger, InMemoryRecords, ManualClock } from '../src/testing/index.ts';
import { anEvent, anOrder } from './mothers.ts';

const setUp = () => {
  const ledger = new InMemoryLedger();
  const records = new InMemoryRecords();
  const jobs = new InMemoryDeliveryJobs();
  const clock = new ManualClock();
  const accept = acceptCancellationEvent({
    ledger,
    records,
    jobs,
    clock,
    settings: { maxWriteAttempts: 3, rememberEventsMs: 7 * 24 * 3600_000, awaitOrderMs: 60_000 },
  });
  const snapshot = applyOrderSnapshot({ ledger, clock, maxWriteAttempts: 3 });
  const known = (order = anOrder()) =>
    ledger.entries.set(order.orderId, { order, rememberedRequests: [], outbox: [] });
  return { ledger, records, jobs, accept, snapshot, known, clock };
};

describe('accepting an order.cancelled event from the marketplace', () => {
  it('never pushes a cancellation that came from Uniware back to it', async () => {
    const { accept, jobs } = setUp();
    expect(await accept(anEvent({ source: 'unicommerce' }), 1)).toMatchObject({ kind: 'ignored' });
    expect(jobs.jobs.size).toBe(0);
  });

  it('applies the event to a known order and stores the delivery job with the mapped request', async () => {
    const { accept, jobs, known, ledger } = setUp();
    known();
    expect(await accept(anEvent(), 7)).toEqual({ kind: 'accepted', ledger: 'applied', job: 'enqueued' });
    expect(ledger.entries.get('SO-1')?.order.items[0]?.cancelledQuantity).toBe(2);
    expect(ledger.entries.get('SO-1')?.outbox).toEqual([]);
    expect(jobs.jobs.get(anEvent().eventId)).toMatchObject({
      orderId: 'SO-1',
      sequence: 7,
      state: 'pending',
      ledger: 'accepted',
      request: {
        saleOrderCode: 'SO-1',
        cancelledSkuCodes: [{ quantity: 2, productId: 'p-1', variantId: 'v-1' }],
        cancellationReason: 'customer changed their mind',
      },
    });
  });

  it('changes nothing when the same event comes again', async () => {
    const { accept, known, ledger, jobs } = setUp();
    known();
    await accept(anEvent(), 7);
    expect(await accept(anEvent(), 7)).toEqual({
      kind: 'accepted',
      ledger: 'already-applied',
      job: 'duplicate',
    });
    expect(ledger.entries.get('SO-1')?.order.items[0]?.cancelledQuantity).toBe(2);
    expect(jobs.jobs.size).toBe(1);
  });

  it('stores a job that waits for the order feed when the order is not in the ledger', async () => {
    const { accept, jobs, clock } = setUp();
    expect(await accept(anEvent(), 1)).toEqual({
      kind: 'accepted',
      ledger: 'order-unknown',
      job: 'enqueued',
    });
    expect(jobs.jobs.get(anEvent().eventId)).toMatchObject({
      ledger: 'awaiting-order',
      awaitOrderUntil: new Date(clock.now().getTime() + 60_000),
      request: { cancelledSkuCodes: [{ quantity: 2 }] },
    });
  });

  it('pushes only the accepted lines and dead-letters the refused ones with their reasons', async () => {
    const { accept, jobs, known } = setUp();
    known(
      anOrder({
        items: [
          {
            orderItemId: 'item-1',
            productId: 'p-1',
            variantId: 'v-1',
            quantity: 3,
            cancelledQuantity: 0,
            status: 'CREATED',
          },
          {
            orderItemId: 'item-2',
            productId: 'p-2',
            variantId: 'v-1',
            quantity: 2,
            cancelledQuantity: 0,
            status: 'CREATED',
          },
        ],
      }),
    );
    const event = anEvent({
      items: [
        { orderItemId: 'item-1', productId: 'p-1', variantId: 'v-1', quantity: 1 },
        { orderItemId: 'item-2', productId: 'p-2', variantId: 'v-1', quantity: 5 },
      ],
    });
    expect(await accept(event, 1)).toEqual({ kind: 'accepted', ledger: 'disagreed', job: 'enqueued' });
    const job = jobs.jobs.get(event.eventId);
    expect(job).toMatchObject({
      state: 'pending',
      ledger: 'partly',
      request: { cancelledSkuCodes: [{ quantity: 1, productId: 'p-1', variantId: 'v-1' }] },
    });
    expect(job?.deadLetters).toEqual([
      expect.objectContaining({
        code: 'LEDGER_DISAGREES',
        refusedLines: [
          expect.objectContaining({ code: 'QUANTITY_EXCEEDS_CANCELLABLE', line: event.items[1] }),
        ],
      }),
    ]);
  });

  it('records a disagreement on every line and stores the job final, with nothing to push', async () => {
    const { accept, jobs, known, records } = setUp();
    known(anOrder({ status: 'COMPLETE' }));
    expect(await accept(anEvent(), 1)).toEqual({ kind: 'accepted', ledger: 'disagreed', job: 'enqueued' });
    expect([...records.records.values()]).toEqual([
      expect.objectContaining({
        source: 'customer',
        status: 'FAILED',
        lines: [expect.objectContaining({ outcome: 'ORDER_NOT_CANCELLABLE' })],
      }),
    ]);
    expect(jobs.jobs.get(anEvent().eventId)).toMatchObject({
      state: 'disagreed',
      request: { cancelledSkuCodes: [] },
      deadLetters: [expect.objectContaining({ code: 'LEDGER_DISAGREES' })],
    });
  });

  it('rebuilds the same job from the remembered result when the job was lost after the ledger write', async () => {
    const { accept, jobs, known } = setUp();
    known(anOrder({ status: 'COMPLETE' }));
    await accept(anEvent(), 1);
    jobs.jobs.clear();
    expect(await accept(anEvent(), 1)).toEqual({
      kind: 'accepted',
      ledger: 'already-applied',
      job: 'enqueued',
    });
    expect(jobs.jobs.get(anEvent().eventId)).toMatchObject({ state: 'disagreed' });
  });
});

describe('looking at the ledger again for a job whose order was unknown', () => {
  it('applies the event once the order is known and resolves what to push', async () => {
    const { accept, jobs, known, ledger } = setUp();
    await accept(anEvent(), 1);
    const job = await jobs.find(anEvent().eventId);
    if (job === undefined) throw new Error('no job');
    expect(await accept.recheckLedger(job)).toEqual({ kind: 'order-unknown' });
    known();
    expect(await accept.recheckLedger(job)).toMatchObject({
      kind: 'resolved',
      nothingAccepted: false,
      resolution: { ledger: 'accepted', request: { cancelledSkuCodes: [{ quantity: 2 }] } },
    });
    expect(ledger.entries.get('SO-1')?.order.items[0]?.cancelledQuantity).toBe(2);
    // Again (a takeover after a crash): the ledger counts it once.
    await accept.recheckLedger(job);
    expect(ledger.entries.get('SO-1')?.order.items[0]?.cancelledQuantity).toBe(2);
  });
});

describe('the order feed', () => {
  const snapshotOf = (revision: number, quantity = 4) => ({
    orderId: 'SO-9',
    sellerId: 'seller-1',
    status: 'CREATED' as const,
    revision,
    items: [{ orderItemId: 'i', productId: 'p', variantId: 'v', quantity, status: 'CREATED' as const }],
  });

  it('creates, updates, and ignores duplicates and older revisions', async () => {
    const { snapshot, ledger } = setUp();
    expect(await snapshot(snapshotOf(2))).toBe('created');
    expect(await snapshot(snapshotOf(2))).toBe('stale');
    expect(await snapshot(snapshotOf(1, 99))).toBe('stale');
    expect(await snapshot(snapshotOf(3, 5))).toBe('updated');
    expect(ledger.entries.get('SO-9')?.order).toMatchObject({ sourceRevision: 3, items: [{ quantity: 5 }] });
  });
});
