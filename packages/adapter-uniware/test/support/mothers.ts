import type { UniwareCancelRequest } from '@cancel-sync/domain';
import type { UniwareClientConfig } from '../../src/index.ts';

export const CLIENT_ID = 'marketplace-client';
export const SECURITY_KEY = 'F212b212-232323-232323';
export const MERCHANT_ID = 'seller-one';

export const aClientConfig = (overrides: Partial<UniwareClientConfig> = {}): UniwareClientConfig => ({
  baseUrl: 'http://127.0.0.1:1',
  clientId: CLIENT_ID,
  securityKey: SECURITY_KEY,
  connections: 4,
  connectTimeoutMs: 1_000,
  responseTimeoutMs: 2_000,
  ...overrides,
});

export const aCancelRequest = (overrides: Partial<UniwareCancelRequest> = {}): UniwareCancelRequest => ({
  saleOrderCode: 'SO-1001',
  cancelledSkuCodes: [{ quantity: 1, productId: 'P-1', variantId: 'V-1' }],
  cancellationReason: 'customer cancelled',
  ...overrides,
});
