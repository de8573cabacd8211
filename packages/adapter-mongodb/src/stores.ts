/** All the MongoDB adapters over one database, for the composition root to hand to the use cases. */
import type { Db } from 'mongodb';
import { MongoOperatorAudit } from './audit/mongo-operator-audit.ts';
import { MongoDeadLetterOutbox } from './delivery-jobs/mongo-dead-letter-outbox.ts';
import { MongoDeliveryJobOperations } from './delivery-jobs/mongo-delivery-job-operations.ts';
import { MongoDeliveryJobs } from './delivery-jobs/mongo-delivery-jobs.ts';
import { MongoIdempotencyKeys } from './idempotency/mongo-idempotency-keys.ts';
import { ensureIndexes, type Retention } from './indexes.ts';
import { MongoOrderLedger } from './orders/mongo-order-ledger.ts';
import { MongoOutbox } from './orders/mongo-outbox.ts';
import { MongoParkedRecords } from './parked/mongo-parked-records.ts';
import { MongoCancellationRecords } from './records/mongo-cancellation-records.ts';
import { MongoAccessTokens } from './sellers/mongo-access-tokens.ts';
import { MongoSellerRegistry } from './sellers/mongo-seller-registry.ts';

export interface MongoStores {
  readonly ledger: MongoOrderLedger;
  readonly outbox: MongoOutbox;
  readonly sellers: MongoSellerRegistry;
  readonly accessTokens: MongoAccessTokens;
  readonly idempotencyKeys: MongoIdempotencyKeys;
  readonly cancellationRecords: MongoCancellationRecords;
  readonly deliveryJobs: MongoDeliveryJobs;
  readonly deadLetterOutbox: MongoDeadLetterOutbox;
  readonly parkedRecords: MongoParkedRecords;
  readonly deliveryJobOperations: MongoDeliveryJobOperations;
  readonly operatorAudit: MongoOperatorAudit;
  /** Creates the indexes the adapters rely on; idempotent, run it at start-up. */
  ensureIndexes(): Promise<void>;
}

export interface MongoStoreOptions {
  /** The W3C trace context to keep with what is stored for later work (outbox entries, jobs). */
  readonly traceparent?: () => string | undefined;
  /** Sets the TTL indexes (the service's settings); without it, existing TTL indexes are left as they are. */
  readonly retention?: Retention | undefined;
}

export const createMongoStores = (db: Db, options: MongoStoreOptions = {}): MongoStores => ({
  ledger: new MongoOrderLedger(db, options),
  outbox: new MongoOutbox(db),
  sellers: new MongoSellerRegistry(db),
  accessTokens: new MongoAccessTokens(db),
  idempotencyKeys: new MongoIdempotencyKeys(db),
  cancellationRecords: new MongoCancellationRecords(db),
  deliveryJobs: new MongoDeliveryJobs(db, options),
  deadLetterOutbox: new MongoDeadLetterOutbox(db),
  parkedRecords: new MongoParkedRecords(db),
  deliveryJobOperations: new MongoDeliveryJobOperations(db),
  operatorAudit: new MongoOperatorAudit(db),
  ensureIndexes: () => ensureIndexes(db, options.retention),
});
