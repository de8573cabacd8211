/** The `SellerRegistry` port over the `sellers` collection (unique `_id` and unique `username`). */
import type { Seller, SellerAdministration, SellerRegistry } from '@cancel-sync/application';
import type { Collection, Db } from 'mongodb';
import { COLLECTIONS } from '../collections.ts';
import { isDuplicateKeyError } from '../duplicate-key.ts';
import { fromDocument, type SellerDocument, toDocument } from './seller-document.ts';

export class MongoSellerRegistry implements SellerRegistry, SellerAdministration {
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

  async list(filter: {
    readonly after?: string | undefined;
    readonly limit: number;
  }): Promise<readonly Seller[]> {
    const documents = await this.#sellers
      .find(filter.after === undefined ? {} : { _id: { $gt: filter.after } })
      .sort({ _id: 1 })
      .limit(filter.limit)
      .toArray();
    return documents.map(fromDocument);
  }

  async setDisabled(
    sellerId: string,
    disabled: { readonly at: Date; readonly reason: string } | undefined,
  ): Promise<'changed' | 'unknown'> {
    const { matchedCount } = await this.#sellers.updateOne(
      { _id: sellerId },
      disabled === undefined
        ? { $unset: { disabled: '' } }
        : { $set: { disabled: { at: disabled.at, reason: disabled.reason } } },
    );
    return matchedCount === 1 ? 'changed' : 'unknown';
  }

  async changeMerchantId(sellerId: string, uniwareMerchantId: string): Promise<'changed' | 'unknown'> {
    const { matchedCount } = await this.#sellers.updateOne(
      { _id: sellerId },
      { $set: { uniwareMerchantId } },
    );
    return matchedCount === 1 ? 'changed' : 'unknown';
  }
}
