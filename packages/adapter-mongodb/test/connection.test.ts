import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { COLLECTIONS } from '../src/collections.ts';
import { connectMongo } from '../src/connect.ts';
import { INDEXES } from '../src/indexes.ts';
import { openTestDatabase, type TestDatabase } from './support/database.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

describe('connectMongo', () => {
  it('connects to the named database and answers a ping', async () => {
    expect(database.connection.db.databaseName).toMatch(/^db_/);
    await expect(database.connection.ping()).resolves.toBeUndefined();
  });

  it('fails the start when no server answers, within the server selection timeout', async () => {
    const started = Date.now();
    await expect(
      connectMongo('mongodb://127.0.0.1:9/?directConnection=true', {
        dbName: `db_${randomUUID().slice(0, 8)}`,
        serverSelectionTimeoutMS: 300,
      }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports every command it sends, by name, to onCommand', async () => {
    const commands: string[] = [];
    const own = await connectMongo(inject('stack').mongodbUri, {
      dbName: database.connection.db.databaseName,
      onCommand: (name) => commands.push(name),
    });
    try {
      commands.length = 0; // the start's ping
      const collection = own.db.collection<{ _id: string; n: number }>(
        `commands_${randomUUID().slice(0, 8)}`,
      );
      await collection.insertOne({ _id: 'a', n: 1 });
      await collection.findOne({ _id: 'a' });
      await collection.updateOne({ _id: 'a', n: 1 }, { $set: { n: 2 } });
      expect(commands).toEqual(['insert', 'find', 'update']);
    } finally {
      await own.close();
    }
  });

  it('no longer answers a ping once closed', async () => {
    const own = await openTestDatabase();
    await own.drop();
    await expect(own.connection.ping()).rejects.toThrow();
  });
});

describe('ensureIndexes', () => {
  it('creates every index, and running it again changes nothing', async () => {
    await database.stores.ensureIndexes();
    await database.stores.ensureIndexes();

    for (const [collection, indexes] of Object.entries(INDEXES)) {
      const names = (await database.connection.db.collection(collection).listIndexes().toArray()).map(
        (index) => index.name,
      );
      expect(names.sort()).toEqual(['_id_', ...indexes.map((index) => index.name)].sort());
    }
  });

  it('makes usernames unique', async () => {
    const index = (await database.connection.db.collection(COLLECTIONS.sellers).listIndexes().toArray()).find(
      (candidate) => candidate.name === 'username_unique',
    );
    expect(index?.unique).toBe(true);
  });
});
