/**
 * Announcements their writer publishes itself (`announceHere`), against the real MongoDB-protocol
 * server: relays leave them alone until the writer's mark runs out and publish them after it; the
 * writer removes its own in one update, and what joined it meanwhile stays for the relays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../src/collections.ts';
import type { MongoOrderLedger } from '../src/orders/mongo-order-ledger.ts';
import type { MongoOutbox } from '../src/orders/mongo-outbox.ts';
import type { OrderDocument } from '../src/orders/order-document.ts';
import { openTestDatabase, type TestDatabase } from './support/database.ts';
import { anOrder, anOrderCancelled, at, T0, uniqueId } from './support/mothers.ts';

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

const MARK_UNTIL = at(10_000);

/** An order with one announcement marked as `writer`'s until MARK_UNTIL, then `more` unmarked ones. */
const announced = async (more = 0) => {
  const order = anOrder({ orderId: uniqueId('SO') });
  await ledger.write({ expectedRevision: undefined, order, now: T0 });
  const events = Array.from({ length: 1 + more }, (_, n) =>
    anOrderCancelled({
      orderId: order.orderId,
      eventId: `${order.orderId}/${n}`,
      occurredAt: at(n).toISOString(),
    }),
  );
  for (const [n, event] of events.entries()) {
    await ledger.write({
      expectedRevision: order.revision + n,
      order: { ...order, revision: order.revision + n + 1 },
      announce: event,
      ...(n === 0 ? { announceHere: { owner: 'writer', until: MARK_UNTIL } } : {}),
      now: T0,
    });
  }
  return { orderId: order.orderId, events };
};

const claim = (now: Date) =>
  outbox.claim({ owner: 'relay', now, leaseUntil: new Date(now.getTime() + 5_000) }, 100);

const stored = (orderId: string) =>
  database.connection.db.collection<OrderDocument>(COLLECTIONS.orders).findOne({ _id: orderId });

describe('an announcement its writer publishes itself', () => {
  it('is left alone by relays until its mark runs out, then published by them', async () => {
    const { orderId, events } = await announced();
    expect((await claim(at(1_000))).filter((batch) => batch.id === orderId)).toEqual([]);
    const after = (await claim(MARK_UNTIL)).filter((batch) => batch.id === orderId);
    expect(after.map((batch) => batch.entries.map((entry) => entry.event.eventId))).toEqual([
      [events[0]?.eventId],
    ]);
  });

  it('leaves the outbox in one update, and the order is no longer due', async () => {
    const { orderId, events } = await announced();
    await outbox.publishedHere(orderId, [events[0]?.eventId ?? '']);
    const document = await stored(orderId);
    expect(document?.outbox).toEqual([]);
    expect(document).not.toHaveProperty('outboxDueAt');
  });

  it('leaves the others to the relays: they publish those and not it', async () => {
    const { orderId, events } = await announced(1);
    const [batch] = (await claim(at(1_000))).filter((claimed) => claimed.id === orderId);
    expect(batch?.entries.map((entry) => entry.event.eventId)).toEqual([events[1]?.eventId]);
    await outbox.publishedHere(orderId, [events[0]?.eventId ?? '']);
    if (batch !== undefined) await outbox.published(batch);
    const document = await stored(orderId);
    expect(document?.outbox).toEqual([]);
    expect(document).not.toHaveProperty('outboxDueAt');
    expect(document).not.toHaveProperty('outboxLease');
  });
});
