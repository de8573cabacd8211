/**
 * Operators' changes to a seller: disable and enable (a disabled seller's tokens are revoked, it
 * is issued none, and its deliveries are held), a new Uniware merchant id, tokens revoked without
 * a new password. Each is audited.
 */
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { AccessTokens, Seller } from '../ports/sellers.ts';
import type { OperationRefusal, Operator, OperatorAction, OperatorAudit } from './operator-audit.ts';

export interface SellerAdministration {
  findById(sellerId: string): Promise<Seller | undefined>;
  /** Ordered by seller id, from after `after`. */
  list(filter: { readonly after?: string | undefined; readonly limit: number }): Promise<readonly Seller[]>;
  setDisabled(
    sellerId: string,
    disabled: { readonly at: Date; readonly reason: string } | undefined,
  ): Promise<'changed' | 'unknown'>;
  changeMerchantId(sellerId: string, uniwareMerchantId: string): Promise<'changed' | 'unknown'>;
}

export interface SellerAccessDeps {
  readonly sellers: SellerAdministration;
  readonly tokens: AccessTokens;
  readonly audit: OperatorAudit;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

export type SellerChange =
  | { readonly kind: 'disable' }
  | { readonly kind: 'enable' }
  | { readonly kind: 'change-merchant-id'; readonly uniwareMerchantId: string }
  | { readonly kind: 'revoke-tokens' };

export type SellerChangeAnswer =
  | { readonly ok: true; readonly sellerId: string; readonly revokedTokens: number; readonly detail: string }
  | OperationRefusal<'UNKNOWN_SELLER' | 'INVALID_INPUT'>;

const IDENTIFIER = /^[A-Za-z0-9._@-]{1,128}$/;

const ACTIONS: Record<SellerChange['kind'], OperatorAction> = {
  disable: 'disable-seller',
  enable: 'enable-seller',
  'change-merchant-id': 'change-merchant-id',
  'revoke-tokens': 'revoke-tokens',
};

export const changeSellerAccess =
  ({ sellers, tokens, audit, clock, ids }: SellerAccessDeps) =>
  async (sellerId: string, change: SellerChange, operator: Operator): Promise<SellerChangeAnswer> => {
    if (operator.reason.trim() === '' || operator.name.trim() === '') {
      return { ok: false, code: 'INVALID_INPUT', message: 'a change needs a reason and an operator' };
    }
    if (change.kind === 'change-merchant-id' && !IDENTIFIER.test(change.uniwareMerchantId)) {
      return {
        ok: false,
        code: 'INVALID_INPUT',
        message: 'the merchant id must be 1 to 128 of A-Z a-z 0-9 . _ @ -',
      };
    }
    const auditId = ids.newId();
    const at = clock.now();
    await audit.record({
      auditId,
      action: ACTIONS[change.kind],
      target: sellerId,
      operator: operator.name,
      reason: operator.reason,
      at,
      forced: false,
      outcome: 'pending',
      ...(change.kind === 'change-merchant-id' ? { detail: `to ${change.uniwareMerchantId}` } : {}),
    });
    const outcome = await apply(sellers, tokens, sellerId, change, { at, reason: operator.reason });
    if (outcome === undefined) {
      await audit.conclude(auditId, 'refused', 'UNKNOWN_SELLER');
      return { ok: false, code: 'UNKNOWN_SELLER', message: `no seller ${sellerId}` };
    }
    await audit.conclude(auditId, 'done', outcome.detail);
    return { ok: true, sellerId, ...outcome };
  };

const apply = async (
  sellers: SellerAdministration,
  tokens: AccessTokens,
  sellerId: string,
  change: SellerChange,
  disabled: { readonly at: Date; readonly reason: string },
): Promise<{ readonly revokedTokens: number; readonly detail: string } | undefined> => {
  switch (change.kind) {
    case 'disable': {
      // The flag first, then the tokens: a token issued meanwhile is caught by the login's own
      // check after it saved the token (see `issueAccessToken`), or revoked here.
      if ((await sellers.setDisabled(sellerId, disabled)) === 'unknown') return undefined;
      const revokedTokens = await tokens.revokeAll(sellerId);
      return { revokedTokens, detail: `disabled; ${revokedTokens} token(s) revoked; deliveries held` };
    }
    case 'enable':
      if ((await sellers.setDisabled(sellerId, undefined)) === 'unknown') return undefined;
      return { revokedTokens: 0, detail: 'enabled; held deliveries go out again' };
    case 'change-merchant-id':
      if ((await sellers.changeMerchantId(sellerId, change.uniwareMerchantId)) === 'unknown')
        return undefined;
      return { revokedTokens: 0, detail: `Uniware merchant id is now ${change.uniwareMerchantId}` };
    case 'revoke-tokens': {
      if ((await sellers.findById(sellerId)) === undefined) return undefined;
      const revokedTokens = await tokens.revokeAll(sellerId);
      return { revokedTokens, detail: `${revokedTokens} token(s) revoked` };
    }
    default: {
      const exhaustive: never = change;
      throw new Error(`unknown change ${JSON.stringify(exhaustive)}`);
    }
  }
};
