export { MongoOperatorAudit } from './audit/mongo-operator-audit.ts';
export { COLLECTIONS } from './collections.ts';
export {
  connectMongo,
  DEFAULT_MONGO_OPTIONS,
  type MongoConnection,
  type MongoConnectionOptions,
} from './connect.ts';
export { MongoDeadLetterOutbox } from './delivery-jobs/mongo-dead-letter-outbox.ts';
export { MongoDeliveryJobOperations } from './delivery-jobs/mongo-delivery-job-operations.ts';
export { MongoDeliveryJobs } from './delivery-jobs/mongo-delivery-jobs.ts';
export { MongoIdempotencyKeys } from './idempotency/mongo-idempotency-keys.ts';
export { DEFAULT_RETENTION, ensureIndexes, INDEXES, indexesFor, type Retention } from './indexes.ts';
export { MongoOrderLedger } from './orders/mongo-order-ledger.ts';
export { MongoOutbox } from './orders/mongo-outbox.ts';
export { MongoParkedRecords } from './parked/mongo-parked-records.ts';
export { MongoCancellationRecords } from './records/mongo-cancellation-records.ts';
export { MongoAccessTokens } from './sellers/mongo-access-tokens.ts';
export { MongoSellerRegistry } from './sellers/mongo-seller-registry.ts';
export { isStoreUnavailable } from './store-unavailable.ts';
export { createMongoStores, type MongoStores } from './stores.ts';
