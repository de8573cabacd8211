import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../src/collections.ts';
import { MongoOrderLedger } from '../src/orders/mongo-order-ledger.ts';
import type { MongoOutbox } from '../src/orders/mongo-outbox.ts';
import { openTestDatabase, type TestDatabase } from './support/database.ts';
import { anOrder, anOrderCancelled, at, T0 } from './support/mothers.ts';

let database: TestDatabase;
let ledger: MongoOrderLedger;
let outbox: MongoOutbox;

beforeAll(async () => {
  database = await openTestDatabase();
  ledger = database.stores.ledger;
  outbox = database.stores.outbox;
});
afterAll(async () => {
  await database.drop();
});
beforeEach(async () => {
  await database.connection.db.collection(COLLECTIONS.orders).deleteMany({});
});

/** Creates an order and announces `events` on it, one ledger write each. */
const announce = async (orderId: string, occurredAtMs: readonly number[]) => {
  const order = anOrder({ orderId });
  const events = occurredAtMs.map((ms, index) =>
    anOrderCancelled({ orderId, occurredAt: at(ms).toISOString(), eventId: `${orderId}/${index}` }),
  );
  await ledger.write({ expectedRevision: undefined, order, now: T0 });
  for (const [index, event] of events.entries()) {
    const written = await ledger.write({
      expectedRevision: order.revision + index,
      order: { ...order, revision: order.revision + index + 1 },
      announce: event,
      now: T0,
    });
    expect(written).toBe('written');
  }
  return events;
};

const claim = (now: Date, owner = 'relay-1', limit = 10) =>
  outbox.claim({ owner, now, leaseUntil: new Date(now.getTime() + 10_000) }, limit);

const ordersDue = () =>
  database.connection.db.collection(COLLECTIONS.orders).countDocuments({ outboxDueAt: { $exists: true } });

describe('Outbox over MongoDB', () => {
  it('has nothing to claim when nothing was announced', async () => {
    await ledger.write({ expectedRevision: undefined, order: anOrder(), now: T0 });
    expect(await claim(at(1))).toEqual([]);
    expect(await ordersDue()).toBe(0);
  });

  it('gives back announcements exactly as they were written, one batch per order, oldest order first', async () => {
    const late = await announce('SO-late', [300]);
    const early = await announce('SO-early', [100, 200]);
    const batches = await claim(at(1_000));
    expect(batches.map((batch) => batch.id)).toEqual(['SO-early', 'SO-late']);
    expect(batches[0]?.entries.map(({ event }) => event)).toStrictEqual(early);
    expect(batches[1]?.entries.map(({ event }) => event)).toStrictEqual(late);
  });

  it('claims at most `limit` orders', async () => {
    for (const orderId of ['SO-a', 'SO-b', 'SO-c']) await announce(orderId, [10]);
    expect(await claim(at(1_000), 'relay-1', 2)).toHaveLength(2);
    expect(await claim(at(1_000), 'relay-2', 2)).toHaveLength(1);
  });

  it('keeps the write order of announcements of the same instant', async () => {
    const events = await announce('SO-1', [5, 5, 5]);
    const [batch] = await claim(at(10));
    expect(batch?.entries.map(({ event }) => event.eventId)).toEqual(events.map((event) => event.eventId));
  });

  it('hands an order to one of 10 concurrent relays', async () => {
    for (let index = 0; index < 5; index += 1) await announce(`SO-${index}`, [index]);
    const batches = (
      await Promise.all(Array.from({ length: 10 }, (_, relay) => claim(at(1_000), `relay-${relay}`)))
    ).flat();
    expect(batches.map((batch) => batch.id).sort()).toEqual(['SO-0', 'SO-1', 'SO-2', 'SO-3', 'SO-4']);
  });

  it('removes published announcements, and the order stops being due', async () => {
    await announce('SO-1', [10, 20]);
    const [batch] = await claim(at(100));
    if (batch === undefined) throw new Error('no batch');
    await outbox.published(batch);
    expect(await claim(at(100_000))).toEqual([]);
    expect(await ordersDue()).toBe(0);
  });

  it('keeps an announcement written while its order was being published, for the next claim', async () => {
    await announce('SO-1', [10]);
    const [batch] = await claim(at(100));
    if (batch === undefined) throw new Error('no batch');
    const entry = await ledger.find('SO-1');
    const later = anOrderCancelled({
      orderId: 'SO-1',
      occurredAt: at(150).toISOString(),
      eventId: 'SO-1/later',
    });
    await ledger.write({
      expectedRevision: entry?.order.revision,
      order: { ...(entry?.order ?? anOrder()), revision: (entry?.order.revision ?? 0) + 1 },
      announce: later,
      now: T0,
    });
    await outbox.published(batch);
    const [next] = await claim(at(300));
    expect(next?.entries).toStrictEqual([{ event: later }]);
  });

  it('does not let a relay whose lease was taken over mark anything published', async () => {
    await announce('SO-1', [10]);
    const [stale] = await claim(at(100), 'relay-1');
    const [fresh] = await claim(at(10_100), 'relay-2');
    if (stale === undefined || fresh === undefined) throw new Error('both claims should succeed');
    await outbox.published(stale);
    expect((await ledger.find('SO-1'))?.order.orderId).toBe('SO-1');
    expect(await ordersDue()).toBe(1);
    await outbox.published(fresh);
    expect(await ordersDue()).toBe(0);
  });

  it('releases a batch that could not be sent until its retry time', async () => {
    await announce('SO-1', [10]);
    const [batch] = await claim(at(100));
    if (batch === undefined) throw new Error('no batch');
    await outbox.release(batch, at(5_000));
    expect(await claim(at(4_999))).toEqual([]);
    expect(await claim(at(5_000))).toHaveLength(1);
  });

  it('keeps the trace of the write that announced, for the relay to join', async () => {
    const traced = new MongoOrderLedger(database.connection.db, {
      traceparent: () => '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    const order = anOrder({ orderId: 'SO-traced' });
    await traced.write({ expectedRevision: undefined, order, now: T0 });
    await traced.write({
      expectedRevision: order.revision,
      order: { ...order, revision: order.revision + 1 },
      announce: anOrderCancelled({ orderId: 'SO-traced', occurredAt: at(5).toISOString() }),
      now: T0,
    });
    const [batch] = await claim(at(10));
    expect(batch?.entries[0]?.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  });

  it('does not disturb the order when its announcements are published', async () => {
    await announce('SO-1', [10]);
    const before = await ledger.find('SO-1');
    const [batch] = await claim(at(100));
    if (batch === undefined) throw new Error('no batch');
    await outbox.published(batch);
    expect(await ledger.find('SO-1')).toStrictEqual(before);
  });
});
