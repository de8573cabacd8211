import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../src/collections.ts';
import type { MongoOrderLedger } from '../src/orders/mongo-order-ledger.ts';
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

describe('Outbox over MongoDB', () => {
  it('has nothing pending when nothing was announced', async () => {
    await ledger.write({ expectedRevision: undefined, order: anOrder(), now: T0 });
    expect(await outbox.pending(10)).toEqual([]);
  });

  it('gives back an announcement exactly as it was written', async () => {
    const order = anOrder();
    const event = anOrderCancelled({ orderId: order.orderId, occurredAt: '2026-03-01T10:00:00Z' });
    await ledger.write({ expectedRevision: undefined, order, announce: event, now: T0 });

    const [pending] = await outbox.pending(10);
    expect(pending).toStrictEqual(event);
    // An item without an order item id stays without one.
    expect(pending?.items[1]).not.toHaveProperty('orderItemId');
  });

  it('returns the oldest announcements first across orders, at most `limit`', async () => {
    const a = await announce('SO-A', [50, 5]);
    const b = await announce('SO-B', [10]);
    const d = await announce('SO-D', [1, 100]);

    const pending = await outbox.pending(3);

    expect(pending.map((event) => event.eventId)).toEqual([d[0], a[1], b[0]].map((event) => event?.eventId));
    expect((await outbox.pending(10)).map((event) => event.eventId)).toEqual(
      [d[0], a[1], b[0], a[0], d[1]].map((event) => event?.eventId),
    );
  });

  it('keeps the write order of announcements of the same instant', async () => {
    const events = await announce('SO-same', [7, 7, 7]);
    expect(await outbox.pending(10)).toStrictEqual(events);
  });

  it('removes published announcements only, and only from their own order', async () => {
    const a = await announce('SO-A', [1, 2, 3]);
    const b = await announce('SO-B', [4]);

    await outbox.markPublished([
      { orderId: 'SO-A', eventId: `${a[0]?.eventId}` },
      { orderId: 'SO-A', eventId: `${a[2]?.eventId}` },
      // The right event id under the wrong order removes nothing.
      { orderId: 'SO-A', eventId: `${b[0]?.eventId}` },
    ]);

    expect((await outbox.pending(10)).map((event) => event.eventId)).toEqual([a[1]?.eventId, b[0]?.eventId]);
  });

  it('accepts an empty list, unknown orders and events published twice', async () => {
    const [event] = await announce('SO-A', [1]);
    const published = { orderId: 'SO-A', eventId: `${event?.eventId}` };

    await outbox.markPublished([]);
    await outbox.markPublished([published, { orderId: 'SO-none', eventId: 'nothing' }]);
    await outbox.markPublished([published]);

    expect(await outbox.pending(10)).toEqual([]);
  });

  it('does not disturb the order or later announcements when events are published', async () => {
    const [first] = await announce('SO-A', [1]);
    await outbox.markPublished([{ orderId: 'SO-A', eventId: `${first?.eventId}` }]);
    const later = anOrderCancelled({ orderId: 'SO-A', occurredAt: at(2).toISOString() });

    expect(
      await ledger.write({
        expectedRevision: 2,
        order: anOrder({ orderId: 'SO-A', revision: 3 }),
        announce: later,
        now: T0,
      }),
    ).toBe('written');

    expect(await outbox.pending(10)).toStrictEqual([later]);
    expect((await ledger.find('SO-A'))?.order.revision).toBe(3);
  });
});
