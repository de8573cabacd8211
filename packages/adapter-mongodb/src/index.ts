export { COLLECTIONS } from './collections.ts';
export {
  connectMongo,
  DEFAULT_MONGO_OPTIONS,
  type MongoConnection,
  type MongoConnectionOptions,
} from './connect.ts';
export { MongoDeliveryJobs } from './delivery-jobs/mongo-delivery-jobs.ts';
export { MongoIdempotencyKeys } from './idempotency/mongo-idempotency-keys.ts';
export { ensureIndexes, INDEXES } from './indexes.ts';
export { MongoOrderLedger } from './orders/mongo-order-ledger.ts';
export { MongoOutbox } from './orders/mongo-outbox.ts';
export { MongoCancellationRecords } from './records/mongo-cancellation-records.ts';
export { MongoAccessTokens } from './sellers/mongo-access-tokens.ts';
export { MongoSellerRegistry } from './sellers/mongo-seller-registry.ts';
export { createMongoStores, type MongoStores } from './stores.ts';
export { isMongoUnavailable } from './unavailable.ts';
