/** Uniware's `/authToken`: a seller's username and password buy a token for later calls. */
import type { Clock } from '../ports/clock.ts';
import type { Crypto } from '../ports/crypto.ts';
import type { AccessTokens, SellerRegistry } from '../ports/sellers.ts';
import type { LoginThrottle } from './login-throttle.ts';

export type IssueAccessTokenAnswer =
  | { readonly ok: true; readonly accessToken: string; readonly sellerId: string; readonly expiresAt: Date }
  | { readonly ok: false; readonly code: 'INVALID_CREDENTIALS' }
  | { readonly ok: false; readonly code: 'TOO_MANY_ATTEMPTS'; readonly retryAfterMs: number };

export interface IssueAccessTokenDeps {
  readonly sellers: SellerRegistry;
  readonly tokens: AccessTokens;
  readonly crypto: Crypto;
  readonly clock: Clock;
  readonly tokenTtlMs: number;
  /** Limits wrong passwords per username; none when absent. */
  readonly throttle?: LoginThrottle | undefined;
}

export const issueAccessToken =
  ({ sellers, tokens, crypto, clock, tokenTtlMs, throttle }: IssueAccessTokenDeps) =>
  async (credentials: {
    readonly username: string;
    readonly password: string;
  }): Promise<IssueAccessTokenAnswer> => {
    const retryAfterMs = throttle?.blockedFor(credentials.username, clock.now());
    if (retryAfterMs !== undefined) return { ok: false, code: 'TOO_MANY_ATTEMPTS', retryAfterMs };
    const seller = await sellers.findByUsername(credentials.username);
    // Verified even for an unknown username, so the answer takes as long either way.
    const verified = await crypto.verifyPassword(credentials.password, seller?.passwordHash);
    // A disabled seller is answered exactly like wrong credentials.
    if (seller === undefined || !verified || seller.disabled !== undefined) {
      throttle?.failed(credentials.username, clock.now());
      return { ok: false, code: 'INVALID_CREDENTIALS' };
    }
    throttle?.succeeded(credentials.username);

    const accessToken = crypto.randomToken();
    const issuedAt = clock.now();
    const expiresAt = new Date(issuedAt.getTime() + tokenTtlMs);
    await tokens.save({
      tokenHash: crypto.digest(accessToken),
      sellerId: seller.sellerId,
      issuedAt,
      expiresAt,
    });
    // Disabled while this token was being saved: the disabling revokes tokens after it sets the
    // flag, so either it saw this token or this sees the flag.
    if ((await sellers.findById(seller.sellerId))?.disabled !== undefined) {
      await tokens.revokeAll(seller.sellerId);
      return { ok: false, code: 'INVALID_CREDENTIALS' };
    }
    return { ok: true, accessToken, sellerId: seller.sellerId, expiresAt };
  };
