/** Every call after `/authToken` carries the token in the `apiKey` header. */
import type { Clock } from '../ports/clock.ts';
import type { Crypto } from '../ports/crypto.ts';
import type { AccessTokens } from '../ports/sellers.ts';

export type AuthenticationFailure = 'MISSING_TOKEN' | 'UNKNOWN_TOKEN' | 'EXPIRED_TOKEN';

export type AuthenticateAnswer =
  | { readonly ok: true; readonly sellerId: string }
  | { readonly ok: false; readonly code: AuthenticationFailure; readonly message: string };

export const authenticate =
  ({
    tokens,
    crypto,
    clock,
  }: {
    readonly tokens: AccessTokens;
    readonly crypto: Crypto;
    readonly clock: Clock;
  }) =>
  async (token: string | undefined): Promise<AuthenticateAnswer> => {
    if (token === undefined || token.trim() === '') {
      return { ok: false, code: 'MISSING_TOKEN', message: 'the apiKey header is missing' };
    }
    const found = await tokens.find(crypto.digest(token.trim()));
    if (found === undefined) return { ok: false, code: 'UNKNOWN_TOKEN', message: 'the apiKey is not valid' };
    if (found.expiresAt <= clock.now()) {
      return {
        ok: false,
        code: 'EXPIRED_TOKEN',
        message: 'the apiKey has expired; ask /authToken for a new one',
      };
    }
    return { ok: true, sellerId: found.sellerId };
  };
