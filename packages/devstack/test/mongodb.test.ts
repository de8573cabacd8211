import { type Collection, type Db, MongoClient, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../src/index.ts';

/** The guarantees the service's MongoDB adapter builds on, against the stack's server. */
const { mongodbUri } = inject('stack');
const client = new MongoClient(mongodbUri);
let db: Db;

beforeAll(async () => {
  await client.connect();
  db = client.db(uniqueName('devstack-test'));
});

afterAll(async () => {
  await db.dropDatabase();
  await client.close();
});

describe('MongoDB from the stack', () => {
  it('answers ping', async () => {
    await expect(db.command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
  });

  it('reports a unique index violation as a duplicate-key error, code 11000', async () => {
    const orders: Collection<{ orderId: string }> = db.collection('orders');
    await orders.createIndex({ orderId: 1 }, { unique: true });
    await orders.insertOne({ orderId: 'A-1' });

    const duplicate = orders.insertOne({ orderId: 'A-1' });
    await expect(duplicate).rejects.toBeInstanceOf(MongoServerError);
    await expect(duplicate).rejects.toMatchObject({ code: 11000 });
    await expect(orders.countDocuments({ orderId: 'A-1' })).resolves.toBe(1);
  });

  it('lets exactly one of 20 concurrent compare-and-swap updates on a version field win', async () => {
    type Versioned = { _id: string; version: number; state: string; winner?: number };
    const ledger: Collection<Versioned> = db.collection('ledger');
    await ledger.insertOne({ _id: 'order-1', version: 0, state: 'open' });

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, caller) =>
        ledger.findOneAndUpdate(
          { _id: 'order-1', version: 0 },
          { $set: { state: 'cancelled', winner: caller }, $inc: { version: 1 } },
          { returnDocument: 'after' },
        ),
      ),
    );

    const winners = results.filter((document) => document !== null);
    expect(winners).toHaveLength(1);
    const stored = await ledger.findOne({ _id: 'order-1' });
    expect(stored).toEqual({ _id: 'order-1', version: 1, state: 'cancelled', winner: winners[0]?.winner });
  });
});
