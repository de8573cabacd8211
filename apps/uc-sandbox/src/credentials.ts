import type { SandboxOptions } from './sandbox-options.ts';

export interface PresentedCredentials {
  readonly clientId: string | null;
  readonly merchantId: string | null;
  readonly securityKey: string | null;
}

export type CredentialsVerdict =
  | { readonly ok: true; readonly merchantId: string }
  | { readonly ok: false; readonly httpStatus: 401 | 403; readonly message: string };

/** The three headers Uniware's generic proxy expects from a marketplace. */
export const checkCredentials = (
  options: Pick<SandboxOptions, 'clientId' | 'securityKey' | 'merchants'>,
  presented: PresentedCredentials,
): CredentialsVerdict => {
  if (presented.clientId === null || presented.securityKey === null) {
    return { ok: false, httpStatus: 401, message: 'Missing clientid or securitykey header' };
  }
  if (presented.clientId !== options.clientId || presented.securityKey !== options.securityKey) {
    return { ok: false, httpStatus: 401, message: 'Invalid clientid or securitykey' };
  }
  const { merchantId } = presented;
  if (merchantId === null || merchantId.trim() === '') {
    return { ok: false, httpStatus: 401, message: 'Missing merchantid header' };
  }
  if (options.merchants !== null && !options.merchants.includes(merchantId)) {
    return { ok: false, httpStatus: 403, message: `Unknown merchant ${merchantId}` };
  }
  return { ok: true, merchantId };
};
