/** Uniware's `/authToken`: a seller's username and password buy a token for later calls. */
import type { Clock } from '../ports/clock.ts';
import type { Crypto } from '../ports/crypto.ts';
import type { AccessTokens, SellerRegistry } from '../ports/sellers.ts';
import { CheckGate, type LoginThrottle } from './login-throttle.ts';

export type IssueAccessTokenAnswer =
  | { readonly ok: true; readonly accessToken: string; readonly sellerId: string; readonly expiresAt: Date }
  | { readonly ok: false; readonly code: 'INVALID_CREDENTIALS' }
  | { readonly ok: false; readonly code: 'TOO_MANY_ATTEMPTS'; readonly retryAfterMs: number }
  /** Too many password checks running and waiting: nothing was checked; try again shortly. */
  | { readonly ok: false; readonly code: 'BUSY' };

export interface IssueAccessTokenDeps {
  readonly sellers: SellerRegistry;
  readonly tokens: AccessTokens;
  readonly crypto: Crypto;
  readonly clock: Clock;
  readonly tokenTtlMs: number;
  /** Limits wrong passwords per address and per username+address; none when absent. */
  readonly throttle?: LoginThrottle | undefined;
  /** Password checks under way at once, at most. Default 2 (libuv's pool has 4 threads by default). */
  readonly maxConcurrentChecks?: number | undefined;
  /** Password checks waiting for a turn, at most; beyond them the answer is `BUSY`. Default 4 × the above. */
  readonly maxWaitingChecks?: number | undefined;
}

export const issueAccessToken = (deps: IssueAccessTokenDeps) => {
  const { sellers, tokens, crypto, clock, tokenTtlMs, throttle } = deps;
  const running = deps.maxConcurrentChecks ?? 2;
  const gate = new CheckGate(running, deps.maxWaitingChecks ?? running * 4);
  return async (credentials: {
    readonly username: string;
    readonly password: string;
    /** The caller's address; unknown callers share one count. */
    readonly address?: string | undefined;
  }): Promise<IssueAccessTokenAnswer> => {
    const attempt = { username: credentials.username, address: credentials.address ?? 'unknown' };
    const retryAfterMs = throttle?.blockedFor(attempt, clock.now());
    if (retryAfterMs !== undefined) return { ok: false, code: 'TOO_MANY_ATTEMPTS', retryAfterMs };
    const seller = await sellers.findByUsername(credentials.username);
    // Verified even for an unknown username, so the answer takes as long either way.
    const verified = await gate.run(() => crypto.verifyPassword(credentials.password, seller?.passwordHash));
    if (verified === 'busy') return { ok: false, code: 'BUSY' };
    // A disabled seller is answered exactly like wrong credentials.
    if (seller === undefined || !verified || seller.disabled !== undefined) {
      throttle?.failed(attempt, clock.now());
      return { ok: false, code: 'INVALID_CREDENTIALS' };
    }
    throttle?.succeeded(attempt);

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
};
