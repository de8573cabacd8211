/**
 * The operator's use cases over the MongoDB stores: what the CLI runs (and an operations endpoint
 * could). Kafka is needed only to re-publish a parked record; it is connected on first use.
 */
import { randomUUID } from 'node:crypto';
import type { MongoStores } from '@cancel-sync/adapter-mongodb';
import {
  changeSellerAccess,
  orderStory,
  type RecordRepublisher,
  replayDeliveryJob,
  replayDeliveryJobs,
  replayParkedRecord,
} from '@cancel-sync/application';

export const operations = (stores: MongoStores, republisher: RecordRepublisher) => {
  const clock = { now: () => new Date() };
  const ids = { newId: () => randomUUID() };
  const replayDeps = { jobs: stores.deliveryJobOperations, audit: stores.operatorAudit, clock, ids };
  return {
    jobs: stores.deliveryJobOperations,
    parked: stores.parkedRecords,
    sellers: stores.sellers,
    audit: stores.operatorAudit,
    replayJob: replayDeliveryJob(replayDeps),
    replayJobs: replayDeliveryJobs(replayDeps),
    replayParked: replayParkedRecord({
      parked: stores.parkedRecords,
      republisher,
      audit: stores.operatorAudit,
      clock,
      ids,
    }),
    changeSeller: changeSellerAccess({
      sellers: stores.sellers,
      tokens: stores.accessTokens,
      audit: stores.operatorAudit,
      clock,
      ids,
    }),
    orderStory: orderStory({
      ledger: stores.ledger,
      records: stores.cancellationRecords,
      jobs: stores.deliveryJobOperations,
      announcements: stores.outbox,
    }),
  };
};

export type Operations = ReturnType<typeof operations>;
