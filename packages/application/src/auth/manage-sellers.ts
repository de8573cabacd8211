/** Registering a seller's credentials for Uniware, and rotating the password. */
import type { Clock } from '../ports/clock.ts';
import type { Crypto } from '../ports/crypto.ts';
import type { AccessTokens, SellerRegistry } from '../ports/sellers.ts';

export const PASSWORD_MIN_LENGTH = 12;
const PASSWORD_MAX_LENGTH = 256;
const IDENTIFIER = /^[A-Za-z0-9._@-]{1,128}$/;

export type ManageSellersFailure =
  | { readonly ok: false; readonly code: 'INVALID_INPUT'; readonly message: string }
  | { readonly ok: false; readonly code: 'TAKEN' | 'UNKNOWN_SELLER'; readonly message: string };

export interface ManageSellersDeps {
  readonly sellers: SellerRegistry;
  readonly tokens: AccessTokens;
  readonly crypto: Crypto;
  readonly clock: Clock;
}

const checkPassword = (password: string): string | undefined =>
  password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH
    ? `the password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long`
    : undefined;

export const registerSeller =
  ({ sellers, crypto, clock }: ManageSellersDeps) =>
  async (input: {
    readonly sellerId: string;
    readonly username: string;
    readonly uniwareMerchantId: string;
    readonly password: string;
  }): Promise<{ readonly ok: true } | ManageSellersFailure> => {
    for (const [field, value] of [
      ['sellerId', input.sellerId],
      ['username', input.username],
      ['uniwareMerchantId', input.uniwareMerchantId],
    ] as const) {
      if (!IDENTIFIER.test(value)) {
        return {
          ok: false,
          code: 'INVALID_INPUT',
          message: `${field} must be 1 to 128 of A-Z a-z 0-9 . _ @ -`,
        };
      }
    }
    const weak = checkPassword(input.password);
    if (weak !== undefined) return { ok: false, code: 'INVALID_INPUT', message: weak };
    const now = clock.now();
    const outcome = await sellers.register({
      sellerId: input.sellerId,
      username: input.username,
      uniwareMerchantId: input.uniwareMerchantId,
      passwordHash: await crypto.hashPassword(input.password),
      createdAt: now,
      passwordChangedAt: now,
    });
    return outcome === 'registered'
      ? { ok: true }
      : { ok: false, code: 'TAKEN', message: 'that seller id or username is already registered' };
  };

/** A new password also revokes every token issued under the old one. */
export const changeSellerPassword =
  ({ sellers, tokens, crypto, clock }: ManageSellersDeps) =>
  async (input: {
    readonly sellerId: string;
    readonly password: string;
  }): Promise<{ readonly ok: true; readonly revokedTokens: number } | ManageSellersFailure> => {
    const weak = checkPassword(input.password);
    if (weak !== undefined) return { ok: false, code: 'INVALID_INPUT', message: weak };
    const changed = await sellers.changePassword(
      input.sellerId,
      await crypto.hashPassword(input.password),
      clock.now(),
    );
    if (changed === 'unknown')
      return { ok: false, code: 'UNKNOWN_SELLER', message: `no seller ${input.sellerId}` };
    return { ok: true, revokedTokens: await tokens.revokeAll(input.sellerId) };
  };
