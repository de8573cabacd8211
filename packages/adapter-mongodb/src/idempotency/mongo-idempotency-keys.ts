/**
 * The `IdempotencyKeys` port over the `idempotency_keys` collection. The first use is an insert that
 * the `_id` keeps unique; an expired key is taken over by a replace conditional on what was read, so
 * two requests racing for an expired key cannot both be told they came first.
 */
import type { IdempotencyKeys, Sweepable } from '@cancel-sync/application';
import type { Collection, Db } from 'mongodb';
import { COLLECTIONS } from '../collections.ts';
import { isDuplicateKeyError } from '../duplicate-key.ts';
import { sweepByDate } from '../sweep-by-date.ts';
import { type IdempotencyKeyDocument, toDocument } from './idempotency-key-document.ts';

type Claim = Parameters<IdempotencyKeys['claim']>[0];
type Claimed = Awaited<ReturnType<IdempotencyKeys['claim']>>;

/** Each round loses only to another writer that got further; a handful is plenty. */
const MAX_ROUNDS = 5;

export class MongoIdempotencyKeys implements IdempotencyKeys, Sweepable {
  readonly #keys: Collection<IdempotencyKeyDocument>;

  constructor(db: Db) {
    this.#keys = db.collection<IdempotencyKeyDocument>(COLLECTIONS.idempotencyKeys);
  }

  async claim(claim: Claim): Promise<Claimed> {
    const document = toDocument(claim);
    for (let round = 1; round <= MAX_ROUNDS; round += 1) {
      if (await this.#insert(document)) return { firstUse: true, fingerprint: claim.fingerprint };
      const stored = await this.#keys.findOne({ _id: document._id });
      // Gone between the insert and the read (its TTL ran out): insert again.
      if (stored === null) continue;
      if (stored.expiresAt > claim.now) return { firstUse: false, fingerprint: stored.fingerprint };
      const { _id, ...replacement } = document;
      const { matchedCount } = await this.#keys.replaceOne(
        { _id, expiresAt: stored.expiresAt, fingerprint: stored.fingerprint },
        replacement,
      );
      if (matchedCount === 1) return { firstUse: true, fingerprint: claim.fingerprint };
    }
    throw new Error(`idempotency key kept changing under ${MAX_ROUNDS} claims`);
  }

  /** Keys that stopped deciding before `before` (their `expiresAt`). */
  sweep(before: Date, limit: number): Promise<number> {
    return sweepByDate(this.#keys, 'expiresAt', before, limit);
  }

  async #insert(document: IdempotencyKeyDocument): Promise<boolean> {
    try {
      await this.#keys.insertOne(document);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }
}
