import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MongoCancellationRecords } from '../src/records/mongo-cancellation-records.ts';
import { openTestDatabase, type TestDatabase } from './support/database.ts';
import { aCancellationRecord, anOrder, at, uniqueId } from './support/mothers.ts';

let database: TestDatabase;
let records: MongoCancellationRecords;

beforeAll(async () => {
  database = await openTestDatabase();
  records = database.stores.cancellationRecords;
});
afterAll(async () => {
  await database.drop();
});

describe('CancellationRecords over MongoDB', () => {
  it('gives a record back field for field', async () => {
    const record = aCancellationRecord({ orderId: uniqueId('SO'), replayOf: 'req-earlier' });
    await records.append(record);

    const [stored] = await records.forOrder(record.sellerId, record.orderId);
    expect(stored).toStrictEqual(record);
    expect(stored?.receivedAt).toBeInstanceOf(Date);
  });

  it('leaves optional fields absent when they were not given', async () => {
    const record = aCancellationRecord({ orderId: uniqueId('SO'), idempotencyKey: undefined });
    await records.append(record);

    const [stored] = await records.forOrder(record.sellerId, record.orderId);
    expect(stored).not.toHaveProperty('idempotencyKey');
    expect(stored).not.toHaveProperty('replayOf');
    expect(stored?.lines[0]).not.toHaveProperty('message');
    expect(stored?.lines[1]?.line).not.toHaveProperty('orderItemId');
    expect(stored).toEqual(record);
  });

  it('appends a request once, however often it is appended', async () => {
    const record = aCancellationRecord({ orderId: uniqueId('SO') });

    await records.append(record);
    await records.append(record);
    await records.append({ ...record, status: 'FAILED' });

    expect(await records.forOrder(record.sellerId, record.orderId)).toStrictEqual([record]);
  });

  it('lists the records of one order of one seller, oldest first', async () => {
    const orderId = uniqueId('SO');
    const late = aCancellationRecord({ orderId, receivedAt: at(3_000) });
    const early = aCancellationRecord({ orderId, receivedAt: at(1_000) });
    const middle = aCancellationRecord({ orderId, receivedAt: at(2_000) });
    const otherSeller = aCancellationRecord({ orderId, sellerId: 'seller-2', receivedAt: at(1_500) });
    const otherOrder = aCancellationRecord({ orderId: uniqueId('SO'), receivedAt: at(1_500) });
    for (const record of [late, early, otherSeller, middle, otherOrder]) await records.append(record);

    expect(await records.forOrder('seller-1', orderId)).toStrictEqual([early, middle, late]);
    expect(await records.forOrder('seller-2', orderId)).toStrictEqual([otherSeller]);
  });

  it('lists nothing for an order without records', async () => {
    expect(await records.forOrder('seller-1', 'SO-none')).toEqual([]);
  });
});

describe('records written with the order', () => {
  it('are in the history from the order write on, once, before and after they are copied', async () => {
    const order = anOrder({ orderId: uniqueId('SO') });
    const first = aCancellationRecord({ orderId: order.orderId, receivedAt: at(0) });
    const second = aCancellationRecord({ orderId: order.orderId, receivedAt: at(1000) });
    const ledger = database.stores.ledger;
    await ledger.write({ expectedRevision: undefined, order, record: first, now: at(0) });
    await ledger.write({
      expectedRevision: order.revision,
      order: { ...order, revision: order.revision + 1 },
      record: second,
      now: at(1000),
    });

    expect(await records.forOrder(order.sellerId, order.orderId)).toStrictEqual([first, second]);
    expect(await records.forOrder('another-seller', order.orderId)).toEqual([]);

    await records.append(first);
    await ledger.forgetRecords(order.orderId, [first.recordId]);
    expect(await records.forOrder(order.sellerId, order.orderId)).toStrictEqual([first, second]);
    expect((await ledger.find(order.orderId))?.pendingRecords).toStrictEqual([second]);
  });
});
