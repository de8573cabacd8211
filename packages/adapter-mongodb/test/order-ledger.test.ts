import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../src/collections.ts';
import type { MongoOrderLedger } from '../src/orders/mongo-order-ledger.ts';
import { eventFromDocument, type OrderDocument } from '../src/orders/order-document.ts';
import { openTestDatabase, type TestDatabase } from './support/database.ts';
import { anOrder, anOrderCancelled, aRememberedRequest, at, T0 } from './support/mothers.ts';

let database: TestDatabase;
let ledger: MongoOrderLedger;

/** The order's unpublished announcements, read from its document as the relay would find them. */
const pendingOf = async (orderId: string) =>
  (
    (await database.connection.db.collection<OrderDocument>(COLLECTIONS.orders).findOne({ _id: orderId }))
      ?.outbox ?? []
  ).map(eventFromDocument);

beforeAll(async () => {
  database = await openTestDatabase();
  ledger = database.stores.ledger;
});
afterAll(async () => {
  await database.drop();
});

describe('OrderLedger over MongoDB', () => {
  it('finds nothing for an unknown order', async () => {
    expect(await ledger.find('SO-unknown')).toBeUndefined();
  });

  it('creates an order and reads it back field for field, with real dates', async () => {
    const order = anOrder();
    const remember = aRememberedRequest();
    expect(await ledger.write({ expectedRevision: undefined, order, remember, now: T0 })).toBe('written');

    const entry = await ledger.find(order.orderId);
    expect(entry).toStrictEqual({ order, rememberedRequests: [remember], pendingRecords: [] });
    expect(entry?.rememberedRequests[0]?.receivedAt).toBeInstanceOf(Date);
    expect(entry?.rememberedRequests[0]?.expiresAt.getTime()).toBe(remember.expiresAt.getTime());
  });

  it('gives back an optional field left undefined as absent, not as null', async () => {
    const order = anOrder();
    const remember = aRememberedRequest({ idempotencyKey: undefined });
    await ledger.write({ expectedRevision: undefined, order, remember, now: T0 });

    const [stored] = (await ledger.find(order.orderId))?.rememberedRequests ?? [];
    expect(stored).toBeDefined();
    expect(stored !== undefined && 'idempotencyKey' in stored).toBe(false);
    const raw = await database.connection.db
      .collection<OrderDocument>(COLLECTIONS.orders)
      .findOne({ _id: order.orderId });
    expect(raw?.rememberedRequests[0]).not.toHaveProperty('idempotencyKey');
  });

  it('refuses to create an order that exists already', async () => {
    const order = anOrder();
    await ledger.write({ expectedRevision: undefined, order, now: T0 });

    const again = await ledger.write({
      expectedRevision: undefined,
      order: { ...order, revision: 5 },
      now: T0,
    });

    expect(again).toBe('conflict');
    expect((await ledger.find(order.orderId))?.order.revision).toBe(1);
  });

  it('updates the order when the expected revision is the stored one', async () => {
    const order = anOrder();
    await ledger.write({ expectedRevision: undefined, order, now: T0 });
    const changed = { ...order, revision: 2, status: 'CANCELLED' as const, items: order.items.slice(1) };

    expect(await ledger.write({ expectedRevision: 1, order: changed, now: at(1) })).toBe('written');
    expect((await ledger.find(order.orderId))?.order).toStrictEqual(changed);
  });

  it('reports a conflict and changes nothing on a stale revision', async () => {
    const order = anOrder();
    await ledger.write({ expectedRevision: undefined, order, now: T0 });
    await ledger.write({ expectedRevision: 1, order: { ...order, revision: 2 }, now: at(1) });

    const stale = await ledger.write({
      expectedRevision: 1,
      order: { ...order, revision: 2, status: 'CANCELLED' },
      remember: aRememberedRequest(),
      announce: anOrderCancelled({ orderId: order.orderId }),
      now: at(2),
    });

    expect(stale).toBe('conflict');
    const entry = await ledger.find(order.orderId);
    expect(entry?.order.status).toBe('CREATED');
    expect(entry?.rememberedRequests).toEqual([]);
    expect(await pendingOf(order.orderId)).toEqual([]);
  });

  it('reports a conflict when updating an order that does not exist', async () => {
    expect(await ledger.write({ expectedRevision: 1, order: anOrder({ revision: 2 }), now: T0 })).toBe(
      'conflict',
    );
  });

  it('writes the order, the remembered request and the announcement together', async () => {
    const order = anOrder();
    await ledger.write({ expectedRevision: undefined, order, now: T0 });
    const first = aRememberedRequest({ receivedAt: at(1) });
    const second = aRememberedRequest({ receivedAt: at(2), idempotencyKey: undefined });
    const event = anOrderCancelled({ orderId: order.orderId });

    await ledger.write({
      expectedRevision: 1,
      order: { ...order, revision: 2 },
      remember: first,
      now: at(1),
    });
    await ledger.write({
      expectedRevision: 2,
      order: { ...order, revision: 3 },
      remember: second,
      announce: event,
      now: at(2),
    });

    const entry = await ledger.find(order.orderId);
    expect(entry?.order.revision).toBe(3);
    // toEqual: `second` carries `idempotencyKey: undefined`, which comes back absent.
    expect(entry?.rememberedRequests).toEqual([first, second]);
    expect(await pendingOf(order.orderId)).toStrictEqual([event]);
  });

  it('drops remembered requests that expired before the write, with or without a new one', async () => {
    const order = anOrder();
    const shortLived = aRememberedRequest({ expiresAt: at(10) });
    const longLived = aRememberedRequest({ expiresAt: at(1_000) });
    await ledger.write({ expectedRevision: undefined, order, remember: shortLived, now: T0 });
    await ledger.write({
      expectedRevision: 1,
      order: { ...order, revision: 2 },
      remember: longLived,
      now: at(5),
    });
    expect((await ledger.find(order.orderId))?.rememberedRequests).toStrictEqual([shortLived, longLived]);

    const newer = aRememberedRequest({ expiresAt: at(2_000) });
    await ledger.write({
      expectedRevision: 2,
      order: { ...order, revision: 3 },
      remember: newer,
      now: at(11),
    });
    expect((await ledger.find(order.orderId))?.rememberedRequests).toStrictEqual([longLived, newer]);

    await ledger.write({ expectedRevision: 3, order: { ...order, revision: 4 }, now: at(1_500) });
    expect((await ledger.find(order.orderId))?.rememberedRequests).toStrictEqual([newer]);
  });

  it('keeps a request that expires exactly at the write time (only those expired before are dropped)', async () => {
    const order = anOrder();
    const remember = aRememberedRequest({ expiresAt: at(10) });
    await ledger.write({ expectedRevision: undefined, order, remember, now: T0 });

    await ledger.write({ expectedRevision: 1, order: { ...order, revision: 2 }, now: at(10) });

    expect((await ledger.find(order.orderId))?.rememberedRequests).toStrictEqual([remember]);
  });

  it('lets exactly one of 20 concurrent writers with the same expected revision through', async () => {
    const order = anOrder();
    await ledger.write({ expectedRevision: undefined, order, now: T0 });

    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, writer) =>
        ledger.write({
          expectedRevision: 1,
          order: { ...order, revision: 2, sourceRevision: 100 + writer },
          remember: aRememberedRequest({ requestId: `writer-${writer}` }),
          announce: anOrderCancelled({ orderId: order.orderId, eventId: `event-${writer}` }),
          now: at(1),
        }),
      ),
    );

    expect(outcomes.filter((outcome) => outcome === 'written')).toHaveLength(1);
    const winner = outcomes.indexOf('written');
    const entry = await ledger.find(order.orderId);
    expect(entry?.order.sourceRevision).toBe(100 + winner);
    expect(entry?.rememberedRequests.map((request) => request.requestId)).toEqual([`writer-${winner}`]);
    const announced = await pendingOf(order.orderId);
    expect(announced.map((event) => event.eventId)).toEqual([`event-${winner}`]);
  });
});
