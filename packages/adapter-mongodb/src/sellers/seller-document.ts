/** How a seller is stored: one `sellers` document per seller, its id as `_id`. */
import type { Seller } from '@cancel-sync/application';

export interface SellerDocument {
  _id: string;
  username: string;
  uniwareMerchantId: string;
  passwordHash: string;
  createdAt: Date;
  passwordChangedAt: Date;
}

export const toDocument = (seller: Seller): SellerDocument => ({
  _id: seller.sellerId,
  username: seller.username,
  uniwareMerchantId: seller.uniwareMerchantId,
  passwordHash: seller.passwordHash,
  createdAt: seller.createdAt,
  passwordChangedAt: seller.passwordChangedAt,
});

export const fromDocument = (document: SellerDocument): Seller => ({
  sellerId: document._id,
  username: document.username,
  uniwareMerchantId: document.uniwareMerchantId,
  passwordHash: document.passwordHash,
  createdAt: document.createdAt,
  passwordChangedAt: document.passwordChangedAt,
});
