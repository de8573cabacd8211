/**
 * The housekeeping a ledger write does in its own update, against the real MongoDB-protocol
 * server: expired remembered requests dropped when the writer says what it read, and history
 * records dropped from the order once copied — each in one `update`, and history copies in one
 * `insert` that tolerates records already there.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMongo, type MongoConnection } from '../src/connect.ts';
import { createMongoStores, type MongoStores } from '../src/stores.ts';
import { openTestDatabase, type TestDatabase } from './support/database.ts';
import { aCancellationRecord, anOrder, aRememberedRequest, at, uniqueId } from './support/mothers.ts';

let database: TestDatabase;
let counted: MongoConnection;
let stores: MongoStores;
const commands: string[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  // A second client on the same database whose commands are counted.
  counted = await connectMongo(inject('stack').mongodbUri, {
    dbName: database.connection.db.databaseName,
    onCommand: (command, collection) => commands.push(`${command} ${collection ?? ''}`.trim()),
  });
  stores = createMongoStores(counted.db);
});
afterAll(async () => {
  await counted?.close();
  await database.drop();
});

const counting = async (work: () => Promise<unknown>): Promise<string[]> => {
  commands.length = 0;
  await work();
  return [...commands];
};

describe('a ledger write told what it read', () => {
  it('drops the expired remembered requests and remembers the new one in one update', async () => {
    const order = anOrder({ orderId: uniqueId('SO') });
    const old = aRememberedRequest({ requestId: 'old', expiresAt: at(1000) });
    const refusal = aRememberedRequest({ requestId: 'refused', status: 'FAILED', expiresAt: at(500) });
    const live = aRememberedRequest({ requestId: 'live', expiresAt: at(60_000) });
    const ledger = stores.ledger;
    await ledger.write({ expectedRevision: undefined, order, remember: old, now: at(0) });
    for (const [n, remember] of [refusal, live].entries()) {
      await ledger.write({
        expectedRevision: order.revision + n,
        order: { ...order, revision: order.revision + n + 1 },
        remember,
        now: at(0),
      });
    }
    const read = await ledger.find(order.orderId);
    const fresh = aRememberedRequest({ requestId: 'fresh', expiresAt: at(70_000) });

    const sent = await counting(() =>
      ledger.write({
        expectedRevision: order.revision + 2,
        order: { ...order, revision: order.revision + 3 },
        remember: fresh,
        now: at(2000),
        readRemembered: read?.rememberedRequests,
      }),
    );

    expect(sent).toEqual(['update orders']);
    expect(
      (await ledger.find(order.orderId))?.rememberedRequests.map((request) => request.requestId),
    ).toEqual(['live', 'fresh']);
  });

  it('pushes the new one when nothing expired, and a conflicting write changes nothing', async () => {
    const order = anOrder({ orderId: uniqueId('SO') });
    const first = aRememberedRequest({ requestId: 'first', expiresAt: at(60_000) });
    const ledger = stores.ledger;
    await ledger.write({ expectedRevision: undefined, order, remember: first, now: at(0) });
    const read = await ledger.find(order.orderId);
    const write = {
      expectedRevision: order.revision,
      order: { ...order, revision: order.revision + 1 },
      remember: aRememberedRequest({ requestId: 'second', expiresAt: at(60_000) }),
      now: at(1000),
      readRemembered: read?.rememberedRequests,
    };
    expect(await counting(() => ledger.write(write))).toEqual(['update orders']);
    expect(await ledger.write(write)).toBe('conflict');
    expect(
      (await ledger.find(order.orderId))?.rememberedRequests.map((request) => request.requestId),
    ).toEqual(['first', 'second']);
  });
});

describe('history records held on the order', () => {
  it('are copied in one insert, again without harm, and dropped by the next write with keepRecords', async () => {
    const order = anOrder({ orderId: uniqueId('SO') });
    const records = [0, 1, 2].map((n) =>
      aCancellationRecord({ recordId: randomUUID(), orderId: order.orderId, receivedAt: at(n * 1000) }),
    );
    const ledger = stores.ledger;
    for (const [n, record] of records.entries()) {
      await ledger.write({
        expectedRevision: n === 0 ? undefined : order.revision + n - 1,
        order: { ...order, revision: order.revision + n },
        record,
        now: at(n * 1000),
      });
    }
    const older = records.slice(0, 2);
    expect(await counting(() => stores.cancellationRecords.appendAll(older))).toEqual([
      'insert cancellation_records',
    ]);
    // A copy repeated after a crash: the records there already stay as they are.
    await stores.cancellationRecords.appendAll(records);
    const next = aCancellationRecord({
      recordId: randomUUID(),
      orderId: order.orderId,
      receivedAt: at(5000),
    });

    const sent = await counting(() =>
      ledger.write({
        expectedRevision: order.revision + 2,
        order: { ...order, revision: order.revision + 3 },
        record: next,
        now: at(5000),
        keepRecords: 2,
      }),
    );

    expect(sent).toEqual(['update orders']);
    expect((await ledger.find(order.orderId))?.pendingRecords.map((record) => record.recordId)).toEqual([
      records[2]?.recordId,
      next.recordId,
    ]);
    expect(
      (await stores.cancellationRecords.forOrder(order.sellerId, order.orderId)).map(
        (record) => record.recordId,
      ),
    ).toEqual([...records, next].map((record) => record.recordId));
  });
});
