/** Sellers, their credentials for Uniware's calls to us, and the access tokens they are issued. */

export interface Seller {
  readonly sellerId: string;
  /** What Uniware sends as `username` to `/authToken`. */
  readonly username: string;
  /** The seller's Uniware username: the `merchantid` header when we call Uniware. */
  readonly uniwareMerchantId: string;
  readonly passwordHash: string;
  readonly createdAt: Date;
  readonly passwordChangedAt: Date;
  /** A disabled seller gets no token and its deliveries are held (see `operations/seller-access.ts`). */
  readonly disabled?: { readonly at: Date; readonly reason: string } | undefined;
}

export interface SellerRegistry {
  findByUsername(username: string): Promise<Seller | undefined>;
  findById(sellerId: string): Promise<Seller | undefined>;
  /** Inserts a new seller; `'taken'` when the seller id or the username is already registered. */
  register(seller: Seller): Promise<'registered' | 'taken'>;
  /** `'unknown'` when there is no such seller. */
  changePassword(sellerId: string, passwordHash: string, at: Date): Promise<'changed' | 'unknown'>;
}

export interface AccessToken {
  /** Only the digest is stored: a leaked database holds no usable token. */
  readonly tokenHash: string;
  readonly sellerId: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

export interface AccessTokens {
  save(token: AccessToken): Promise<void>;
  find(tokenHash: string): Promise<AccessToken | undefined>;
  revokeAll(sellerId: string): Promise<number>;
}
