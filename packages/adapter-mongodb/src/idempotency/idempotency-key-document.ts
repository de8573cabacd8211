/** How an `Idempotency-Key` is stored: one `idempotency_keys` document per seller and key. */

export interface IdempotencyKeyDocument {
  /** Seller id and key joined by a NUL: an HTTP header cannot carry one, so the join is unambiguous. */
  _id: string;
  sellerId: string;
  key: string;
  fingerprint: string;
  expiresAt: Date;
}

export interface IdempotencyKeyClaim {
  readonly sellerId: string;
  readonly key: string;
  readonly fingerprint: string;
  readonly expiresAt: Date;
}

const idOf = (sellerId: string, key: string): string => `${sellerId}\u0000${key}`;

export const toDocument = (claim: IdempotencyKeyClaim): IdempotencyKeyDocument => ({
  _id: idOf(claim.sellerId, claim.key),
  sellerId: claim.sellerId,
  key: claim.key,
  fingerprint: claim.fingerprint,
  expiresAt: claim.expiresAt,
});
