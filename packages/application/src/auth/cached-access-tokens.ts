/**
 * Tokens as this process last read them, for at most `ttlMs`: every call after `/authToken` asks
 * for its token, and a database read per call is most of what an inbound cancellation costs.
 *
 * How stale it can be: a revocation (a new password, a disabled seller, `revoke-tokens`) made
 * through this cache drops the seller's tokens from it at once; one made by another process (the
 * operator CLI, another instance) is seen here within `ttlMs` of this process having read the
 * token, because an entry is never served past `ttlMs` after it was read. A token's own expiry is
 * checked on every call (the cache keeps `expiresAt`). Unknown tokens are not cached: a token
 * issued by another instance works here at once, and guessing fills nothing.
 */
import type { Clock } from '../ports/clock.ts';
import type { AccessToken, AccessTokens } from '../ports/sellers.ts';

export interface TokenCacheSettings {
  /** How long an entry is served after it was read; 0 turns the cache off. */
  readonly ttlMs: number;
  /** Entries kept at most; the oldest read goes first. */
  readonly maxEntries: number;
}

export class CachedAccessTokens implements AccessTokens {
  readonly #tokens: AccessTokens;
  readonly #clock: Clock;
  readonly #settings: TokenCacheSettings;
  /** In the order they were read (a `Map` keeps insertion order): the first is the oldest. */
  readonly #entries = new Map<string, { readonly token: AccessToken; readonly until: number }>();

  constructor(tokens: AccessTokens, clock: Clock, settings: TokenCacheSettings) {
    this.#tokens = tokens;
    this.#clock = clock;
    this.#settings = settings;
  }

  async save(token: AccessToken): Promise<void> {
    await this.#tokens.save(token);
    // The first call with a token this process issued needs no read.
    this.#remember(token);
  }

  async find(tokenHash: string): Promise<AccessToken | undefined> {
    const cached = this.#entries.get(tokenHash);
    if (cached !== undefined && cached.until > this.#clock.now().getTime()) return cached.token;
    this.#entries.delete(tokenHash);
    const token = await this.#tokens.find(tokenHash);
    if (token !== undefined) this.#remember(token);
    return token;
  }

  async revokeAll(sellerId: string): Promise<number> {
    this.#forget(sellerId);
    const revoked = await this.#tokens.revokeAll(sellerId);
    // A read that started before the deletion may have put a token back meanwhile.
    this.#forget(sellerId);
    return revoked;
  }

  #remember(token: AccessToken): void {
    if (this.#settings.ttlMs <= 0) return;
    this.#entries.delete(token.tokenHash);
    while (this.#entries.size >= this.#settings.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
    this.#entries.set(token.tokenHash, { token, until: this.#clock.now().getTime() + this.#settings.ttlMs });
  }

  #forget(sellerId: string): void {
    for (const [hash, { token }] of this.#entries) {
      if (token.sellerId === sellerId) this.#entries.delete(hash);
    }
  }
}
