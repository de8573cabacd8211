/**
 * The indexes the adapters rely on. Created at start-up; creating an index that exists already with
 * the same name, keys and options is a no-op, so this is safe to run on every start. A TTL index
 * whose retention changed is altered in place (`collMod`) when the service asks for it.
 */
import type { Db, IndexDescription } from 'mongodb';
import { COLLECTIONS } from './collections.ts';

/** Expired tokens are kept a week, so that a late caller is told "expired" rather than "unknown". */
const EXPIRED_TOKEN_GRACE_SECONDS = 7 * 24 * 60 * 60;

/** How long what is done is kept (seconds); TTL indexes on MongoDB, the sweeper elsewhere. */
export interface Retention {
  readonly cancellationRecordsSeconds: number;
  readonly parkedRecordsSeconds: number;
  readonly operatorAuditSeconds: number;
}

export const DEFAULT_RETENTION: Retention = {
  cancellationRecordsSeconds: 90 * 86_400,
  parkedRecordsSeconds: 30 * 86_400,
  operatorAuditSeconds: 365 * 86_400,
};

export const indexesFor = (
  retention: Retention,
): Record<(typeof COLLECTIONS)[keyof typeof COLLECTIONS], IndexDescription[]> => ({
  // Present only while an outbox has entries: the relay's range query reads just those orders.
  [COLLECTIONS.orders]: [{ key: { outboxDueAt: 1 }, name: 'outbox_due' }],
  [COLLECTIONS.sellers]: [{ key: { username: 1 }, name: 'username_unique', unique: true }],
  [COLLECTIONS.accessTokens]: [
    { key: { sellerId: 1 }, name: 'seller' },
    // Housekeeping only: no reader counts on it (mongo-java-server never expires anything).
    { key: { expiresAt: 1 }, name: 'expires_ttl', expireAfterSeconds: EXPIRED_TOKEN_GRACE_SECONDS },
  ],
  [COLLECTIONS.idempotencyKeys]: [
    // Housekeeping only: a claim compares `expiresAt` with its own clock. Also the sweeper's range.
    { key: { expiresAt: 1 }, name: 'expires_ttl', expireAfterSeconds: 0 },
  ],
  [COLLECTIONS.cancellationRecords]: [
    { key: { sellerId: 1, orderId: 1, receivedAt: 1 }, name: 'seller_order_received' },
    {
      key: { receivedAt: 1 },
      name: 'received_ttl',
      expireAfterSeconds: retention.cancellationRecordsSeconds,
    },
  ],
  [COLLECTIONS.deliveryJobs]: [
    { key: { state: 1, nextAttemptAt: 1 }, name: 'state_due' },
    { key: { state: 1, createdAt: 1 }, name: 'state_created' },
    { key: { orderId: 1, state: 1, sequence: 1 }, name: 'order_state_sequence' },
    { key: { deadLetterDueAt: 1 }, name: 'dead_letter_due' },
    // The operator's lists, newest first: by state (`state_created`, read backwards), by seller, by
    // dead-letter code.
    { key: { sellerId: 1, createdAt: -1 }, name: 'seller_created' },
    { key: { sellerId: 1, state: 1, createdAt: -1 }, name: 'seller_state_created' },
    { key: { 'deadLetters.code': 1, createdAt: -1 }, name: 'dead_letter_code_created' },
    { key: { sellerId: 1, 'deadLetters.code': 1, createdAt: -1 }, name: 'seller_dead_letter_code_created' },
    { key: { createdAt: -1 }, name: 'created' },
    // Retention: final jobs are swept by `finishedAt` (no TTL: it cannot spare an unpublished dead letter).
    { key: { finishedAt: 1 }, name: 'finished' },
  ],
  [COLLECTIONS.parkedRecords]: [
    { key: { publishDueAt: 1 }, name: 'publish_due' },
    { key: { topic: 1, parkedAt: -1 }, name: 'topic_parked' },
    { key: { parkedAt: -1 }, name: 'parked' },
    // Only published records have the date: an unpublished one is never expired.
    { key: { publishedAt: 1 }, name: 'published_ttl', expireAfterSeconds: retention.parkedRecordsSeconds },
  ],
  [COLLECTIONS.operatorAudit]: [
    { key: { target: 1, at: -1 }, name: 'target_at' },
    { key: { at: 1 }, name: 'at_ttl', expireAfterSeconds: retention.operatorAuditSeconds },
  ],
});

export const INDEXES = indexesFor(DEFAULT_RETENTION);

/** MongoDB's answer when an index of that name exists with other options. */
const INDEX_OPTIONS_CONFLICT = 85;

/**
 * Without `retention` (a tool that is not the service), TTL indexes that exist already are left as
 * they are; with it, their retention is set to it.
 */
export const ensureIndexes = async (db: Db, retention?: Retention): Promise<void> => {
  await Promise.all(
    Object.entries(indexesFor(retention ?? DEFAULT_RETENTION)).map(async ([collection, indexes]) => {
      try {
        await db.collection(collection).createIndexes(indexes);
      } catch (error) {
        if (!isOptionsConflict(error)) throw error;
        for (const index of indexes) {
          if (retention !== undefined && index.expireAfterSeconds !== undefined) {
            await db.command({
              collMod: collection,
              index: { name: index.name, expireAfterSeconds: index.expireAfterSeconds },
            });
          }
          await db
            .collection(collection)
            .createIndexes([index])
            .catch((again: unknown) => {
              if (!isOptionsConflict(again)) throw again;
            });
        }
      }
    }),
  );
};

const isOptionsConflict = (error: unknown): boolean =>
  (error as { code?: unknown }).code === INDEX_OPTIONS_CONFLICT;
