import type { CancelRequest, SandboxOptions } from '../../src/index.ts';
import { DEFAULT_OPTIONS } from '../../src/index.ts';

export const CLIENT_ID = 'test-client';
export const SECURITY_KEY = 'test-security-key-F212b212';

export const testOptions = (overrides: Partial<SandboxOptions> = {}): SandboxOptions => ({
  ...DEFAULT_OPTIONS,
  logLevel: 'silent',
  clientId: CLIENT_ID,
  securityKey: SECURITY_KEY,
  ...overrides,
});

export const aCancelRequest = (overrides: Partial<CancelRequest> = {}): CancelRequest => ({
  saleOrderCode: 'SO-1',
  cancelledSkuCodes: [{ quantity: 1, productId: 'P-1', variantId: 'V-1' }],
  cancellationReason: 'customer changed their mind',
  ...overrides,
});

export const validHeaders = (merchantId = 'merchant-a'): Record<string, string> => ({
  'content-type': 'application/json',
  clientid: CLIENT_ID,
  merchantid: merchantId,
  securitykey: SECURITY_KEY,
});
