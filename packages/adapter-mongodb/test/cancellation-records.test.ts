import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MongoCancellationRecords } from '../src/records/mongo-cancellation-records.ts';
import { openTestDatabase, type TestDatabase } from './support/database.ts';
import { aCancellationRecord, at, uniqueId } from './support/mothers.ts';

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
