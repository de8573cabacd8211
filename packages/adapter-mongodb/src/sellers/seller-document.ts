/** How a seller is stored: one `sellers` document per seller, its id as `_id`. */
import type { Seller } from '@cancel-sync/application';

export interface SellerDocument {
  _id: string;
  username: string;
  uniwareMerchantId: string;
  passwordHash: string;
  createdAt: Date;
  passwordChangedAt: Date;
  disabled?: { at: Date; reason: string };
}

export const toDocument = (seller: Seller): SellerDocument => ({
  _id: seller.sellerId,
  username: seller.username,
  uniwareMerchantId: seller.uniwareMerchantId,
  passwordHash: seller.passwordHash,
  createdAt: seller.createdAt,
  passwordChangedAt: seller.passwordChangedAt,
  ...(seller.disabled === undefined
    ? {}
    : { disabled: { at: seller.disabled.at, reason: seller.disabled.reason } }),
});

export const fromDocument = (document: SellerDocument): Seller => ({
  sellerId: document._id,
  username: document.username,
  uniwareMerchantId: document.uniwareMerchantId,
  passwordHash: document.passwordHash,
  createdAt: document.createdAt,
  passwordChangedAt: document.passwordChangedAt,
  ...(document.disabled === undefined || document.disabled === null
    ? {}
    : { disabled: { at: document.disabled.at, reason: document.disabled.reason } }),
});
