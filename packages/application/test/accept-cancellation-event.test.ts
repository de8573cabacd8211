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
    settings: { maxWriteAttempts: 3, rememberEventsMs: 7 * 24 * 3600_000 },
  });
  const snapshot = applyOrderSnapshot({ ledger, clock, maxWriteAttempts: 3 });
  const known = (order = anOrder()) =>
    ledger.entries.set(order.orderId, { order, rememberedRequests: [], outbox: [] });
  return { ledger, records, jobs, accept, snapshot, known };
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
    expect(await ledger.pending(10)).toEqual([]);
    expect(jobs.jobs.get(anEvent().eventId)).toMatchObject({
      orderId: 'SO-1',
      sequence: 7,
      state: 'pending',
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

  it('still delivers when the order is not in the ledger', async () => {
    const { accept, jobs } = setUp();
    expect(await accept(anEvent(), 1)).toEqual({
      kind: 'accepted',
      ledger: 'order-unknown',
      job: 'enqueued',
    });
    expect(jobs.jobs.size).toBe(1);
  });

  it('records a disagreement with the ledger and still delivers', async () => {
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
    expect(jobs.jobs.size).toBe(1);
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
