/** A database of its own for each test file, on the run's real MongoDB-protocol server. */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { connectMongo, type MongoConnection } from '../../src/connect.ts';
import { createMongoStores, type MongoStores } from '../../src/stores.ts';

export interface TestDatabase {
  readonly connection: MongoConnection;
  readonly stores: MongoStores;
  drop(): Promise<void>;
}

export const openTestDatabase = async (): Promise<TestDatabase> => {
  const { mongodbUri } = inject('stack');
  const connection = await connectMongo(mongodbUri, { dbName: `db_${randomUUID().slice(0, 8)}` });
  const stores = createMongoStores(connection.db);
  await stores.ensureIndexes();
  return {
    connection,
    stores,
    drop: async () => {
      await connection.db.dropDatabase();
      await connection.close();
    },
  };
};
