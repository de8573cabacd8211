import type { OrderCancelled } from '@cancel-sync/domain';
import { describe, expect, it } from 'vitest';
import { AnnounceAtOnce, cancelFromUniware, type OutboxEntry } from '../src/index.ts';
import {
  FakeCrypto,
  InMemoryIdempotencyKeys,
  InMemoryLedger,
  InMemoryRecords,
  ManualClock,
  SequentialIds,
} from '../src/testing/index.ts';
import { anEvent, anOrder } from './mothers.ts';

const setUp = (publish: (entries: readonly OutboxEntry[]) => Promise<void>) => {
  const outbox = new InMemoryLedger();
  const removed: string[] = [];
  outbox.publishedHere = async (orderId, eventIds) => {
    removed.push(`${orderId}:${eventIds.join(',')}`);
  };
  const errors: unknown[] = [];
  const atOnce = new AnnounceAtOnce({ outbox, publish, onError: (error) => errors.push(error) });
  return { atOnce, removed, errors };
};

const entry = (n: number): OutboxEntry => ({
  event: anEvent({ eventId: `event-${n}`, orderId: `SO-${n}`, source: 'unicommerce' }),
});

describe('announcing at once', () => {
  it('publishes at once, sends what arrives meanwhile together, and removes them order by order', async () => {
    const sends: string[][] = [];
    let release: () => void = () => undefined;
    const { atOnce, removed } = setUp(async (entries) => {
      sends.push(entries.map(({ event }) => event.eventId));
      if (sends.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    atOnce.publish('SO-1', entry(1));
    atOnce.publish('SO-2', entry(2));
    atOnce.publish('SO-3', entry(3));
    atOnce.publish('SO-2', { event: { ...entry(4).event, orderId: 'SO-2' } });
    release();
    await atOnce.stop();
    expect(sends).toEqual([['event-1'], ['event-2', 'event-3', 'event-4']]);
    // One removal per order, of all its announcements sent.
    expect(removed).toEqual(['SO-1:event-1', 'SO-2:event-2,event-4', 'SO-3:event-3']);
  });

  it('leaves what it could not send in the outbox, for the relays once the mark runs out', async () => {
    const { atOnce, removed, errors } = setUp(async () => {
      throw new Error('broker unavailable');
    });
    atOnce.publish('SO-1', entry(1));
    await atOnce.stop();
    expect(removed).toEqual([]);
    expect(errors).toHaveLength(1);
  });

  it('takes no more marks once stopped', async () => {
    const { atOnce } = setUp(async () => undefined);
    expect(atOnce.accepting).toBe(true);
    await atOnce.stop();
    expect(atOnce.accepting).toBe(false);
  });
});

describe('an inbound cancellation with announceHere', () => {
  const setUpCancel = (accepting: boolean) => {
    const ledger = new InMemoryLedger();
    const order = anOrder();
    ledger.entries.set(order.orderId, { order, rememberedRequests: [], outbox: [] });
    const handed: { orderId: string; event: OrderCancelled }[] = [];
    const clock = new ManualClock();
    const cancel = cancelFromUniware({
      ledger,
      records: new InMemoryRecords(ledger),
      idempotencyKeys: new InMemoryIdempotencyKeys(),
      crypto: new FakeCrypto(),
      clock,
      ids: new SequentialIds(),
      settings: {
        duplicateWindowMs: 600_000,
        idempotencyKeyTtlMs: 86_400_000,
        maxWriteAttempts: 3,
        reason: 'Cancelled by the seller in Uniware',
        maxQueuedPerOrder: 100,
      },
      announceHere: {
        owner: 'instance-1',
        markMs: 15_000,
        accepting: () => accepting,
        publish: (orderId, event) => handed.push({ orderId, event }),
      },
    });
    const request = {
      sellerId: 'seller-1',
      orderId: 'SO-1',
      lines: [{ orderItemId: 'item-1', productId: 'p-1', variantId: 'v-1', quantity: 1 }],
    };
    return { ledger, handed, clock, cancel, request };
  };

  it("marks its announcement as this instance's in the write and hands it over once written", async () => {
    const { ledger, handed, clock, cancel, request } = setUpCancel(true);
    expect(await cancel(request)).toMatchObject({ kind: 'answered', announcedHere: true });
    const write = ledger.writes.at(-1);
    expect(write?.announceHere).toEqual({
      owner: 'instance-1',
      until: new Date(clock.now().getTime() + 15_000),
    });
    expect(handed).toEqual([{ orderId: 'SO-1', event: write?.announce }]);
    // A retry announces nothing.
    expect(await cancel(request)).not.toHaveProperty('announcedHere');
    expect(handed).toHaveLength(1);
  });

  it('leaves it to the relays while the publisher takes nothing', async () => {
    const { ledger, handed, cancel, request } = setUpCancel(false);
    expect(await cancel(request)).not.toHaveProperty('announcedHere');
    expect(ledger.writes.at(-1)?.announceHere).toBeUndefined();
    expect(handed).toEqual([]);
  });
});
