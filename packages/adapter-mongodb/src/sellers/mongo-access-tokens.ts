/**
 * The `AccessTokens` port over the `access_tokens` collection. An expired token is still found (the
 * use case tells "expired" from "unknown"); a TTL index only clears it away days later.
 */
import type { AccessToken, AccessTokens } from '@cancel-sync/application';
import type { Collection, Db } from 'mongodb';
import { COLLECTIONS } from '../collections.ts';
import { type AccessTokenDocument, fromDocument, toDocument } from './access-token-document.ts';

export class MongoAccessTokens implements AccessTokens {
  readonly #tokens: Collection<AccessTokenDocument>;

  constructor(db: Db) {
    this.#tokens = db.collection<AccessTokenDocument>(COLLECTIONS.accessTokens);
  }

  async save(token: AccessToken): Promise<void> {
    const { _id, ...rest } = toDocument(token);
    await this.#tokens.replaceOne({ _id }, rest, { upsert: true });
  }

  async find(tokenHash: string): Promise<AccessToken | undefined> {
    const document = await this.#tokens.findOne({ _id: tokenHash });
    return document === null ? undefined : fromDocument(document);
  }

  async revokeAll(sellerId: string): Promise<number> {
    const { deletedCount } = await this.#tokens.deleteMany({ sellerId });
    return deletedCount;
  }
}
