/**
 * The indexes the adapters rely on. Created at start-up; creating an index that exists already with
 * the same name, keys and options is a no-op, so this is safe to run on every start.
 */
import type { Db, IndexDescription } from 'mongodb';
import { COLLECTIONS } from './collections.ts';

/** Expired tokens are kept a week, so that a late caller is told "expired" rather than "unknown". */
const EXPIRED_TOKEN_GRACE_SECONDS = 7 * 24 * 60 * 60;

export const INDEXES: Record<(typeof COLLECTIONS)[keyof typeof COLLECTIONS], IndexDescription[]> = {
  // Present only while an outbox has entries: the relay's range query reads just those orders.
  [COLLECTIONS.orders]: [{ key: { outboxDueAt: 1 }, name: 'outbox_due' }],
  [COLLECTIONS.sellers]: [{ key: { username: 1 }, name: 'username_unique', unique: true }],
  [COLLECTIONS.accessTokens]: [
    { key: { sellerId: 1 }, name: 'seller' },
    // Housekeeping only: no reader counts on it (mongo-java-server never expires anything).
    { key: { expiresAt: 1 }, name: 'expires_ttl', expireAfterSeconds: EXPIRED_TOKEN_GRACE_SECONDS },
  ],
  [COLLECTIONS.idempotencyKeys]: [
    // Housekeeping only: a claim compares `expiresAt` with its own clock.
    { key: { expiresAt: 1 }, name: 'expires_ttl', expireAfterSeconds: 0 },
  ],
  [COLLECTIONS.cancellationRecords]: [
    { key: { sellerId: 1, orderId: 1, receivedAt: 1 }, name: 'seller_order_received' },
  ],
  [COLLECTIONS.deliveryJobs]: [
    { key: { state: 1, nextAttemptAt: 1 }, name: 'state_due' },
    { key: { state: 1, createdAt: 1 }, name: 'state_created' },
    { key: { orderId: 1, state: 1, sequence: 1 }, name: 'order_state_sequence' },
    { key: { deadLetterDueAt: 1 }, name: 'dead_letter_due' },
  ],
  [COLLECTIONS.parkedRecords]: [
    { key: { publishDueAt: 1 }, name: 'publish_due' },
    { key: { topic: 1, parkedAt: -1 }, name: 'topic_parked' },
  ],
};

export const ensureIndexes = async (db: Db): Promise<void> => {
  await Promise.all(
    Object.entries(INDEXES).map(([collection, indexes]) => db.collection(collection).createIndexes(indexes)),
  );
};
