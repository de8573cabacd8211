/** How an access token is stored: only its digest, as `_id` of an `access_tokens` document. */
import type { AccessToken } from '@cancel-sync/application';

export interface AccessTokenDocument {
  _id: string;
  sellerId: string;
  issuedAt: Date;
  expiresAt: Date;
}

export const toDocument = (token: AccessToken): AccessTokenDocument => ({
  _id: token.tokenHash,
  sellerId: token.sellerId,
  issuedAt: token.issuedAt,
  expiresAt: token.expiresAt,
});

export const fromDocument = (document: AccessTokenDocument): AccessToken => ({
  tokenHash: document._id,
  sellerId: document.sellerId,
  issuedAt: document.issuedAt,
  expiresAt: document.expiresAt,
});
