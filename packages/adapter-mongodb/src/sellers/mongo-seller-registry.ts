/** The `SellerRegistry` port over the `sellers` collection (unique `_id` and unique `username`). */
import type { Seller, SellerRegistry } from '@cancel-sync/application';
import type { Collection, Db } from 'mongodb';
import { COLLECTIONS } from '../collections.ts';
import { isDuplicateKeyError } from '../duplicate-key.ts';
import { fromDocument, type SellerDocument, toDocument } from './seller-document.ts';

export class MongoSellerRegistry implements SellerRegistry {
  readonly #sellers: Collection<SellerDocument>;

  constructor(db: Db) {
    this.#sellers = db.collection<SellerDocument>(COLLECTIONS.sellers);
  }

  async findByUsername(username: string): Promise<Seller | undefined> {
    const document = await this.#sellers.findOne({ username });
    return document === null ? undefined : fromDocument(document);
  }

  async findById(sellerId: string): Promise<Seller | undefined> {
    const document = await this.#sellers.findOne({ _id: sellerId });
    return document === null ? undefined : fromDocument(document);
  }

  async register(seller: Seller): Promise<'registered' | 'taken'> {
    try {
      await this.#sellers.insertOne(toDocument(seller));
      return 'registered';
    } catch (error) {
      if (isDuplicateKeyError(error)) return 'taken';
      throw error;
    }
  }

  async changePassword(sellerId: string, passwordHash: string, at: Date): Promise<'changed' | 'unknown'> {
    const { matchedCount } = await this.#sellers.updateOne(
      { _id: sellerId },
      { $set: { passwordHash, passwordChangedAt: at } },
    );
    return matchedCount === 1 ? 'changed' : 'unknown';
  }
}
