/** Test data: valid objects with every field set, changed per test through overrides. */
import { randomUUID } from 'node:crypto';
import type {
  AccessToken,
  CancellationRecord,
  NewDeliveryJob,
  RememberedRequest,
  Seller,
} from '@cancel-sync/application';
import type { Order, OrderCancelled } from '@cancel-sync/domain';

export const T0 = new Date('2026-03-01T10:00:00.000Z');
/** `T0` moved by `ms`. */
export const at = (ms: number): Date => new Date(T0.getTime() + ms);

export const uniqueId = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

export const anOrder = (overrides: Partial<Order> = {}): Order => ({
  orderId: uniqueId('SO'),
  sellerId: 'seller-1',
  status: 'CREATED',
  revision: 1,
  sourceRevision: 7,
  items: [
    {
      orderItemId: 'item-1',
      productId: 'P1',
      variantId: 'V1',
      quantity: 3,
      cancelledQuantity: 0,
      status: 'CREATED',
    },
    {
      orderItemId: 'item-2',
      productId: 'P2',
      variantId: 'V2',
      quantity: 1,
      cancelledQuantity: 1,
      status: 'CANCELLED',
    },
  ],
  ...overrides,
});

export const aRememberedRequest = (overrides: Partial<RememberedRequest> = {}): RememberedRequest => ({
  requestId: uniqueId('req'),
  fingerprint: 'f'.repeat(64),
  idempotencyKey: 'key-1',
  receivedAt: T0,
  expiresAt: at(60_000),
  status: 'PARTIAL_SUCCESS',
  recordId: uniqueId('rec'),
  ...overrides,
});

export const anOrderCancelled = (overrides: Partial<OrderCancelled> = {}): OrderCancelled => ({
  eventId: uniqueId('evt'),
  occurredAt: T0.toISOString(),
  source: 'unicommerce',
  orderId: 'SO-1',
  sellerId: 'seller-1',
  items: [
    { orderItemId: 'item-1', productId: 'P1', variantId: 'V1', quantity: 2 },
    { productId: 'P3', variantId: 'V3', quantity: 1 },
  ],
  reason: 'cancelled by the seller in Uniware',
  ...overrides,
});

export const aSeller = (overrides: Partial<Seller> = {}): Seller => {
  const sellerId = uniqueId('seller');
  return {
    sellerId,
    username: `${sellerId}-user`,
    uniwareMerchantId: `${sellerId}-merchant`,
    passwordHash: 'scrypt$16384$8$1$salt$hash',
    createdAt: T0,
    passwordChangedAt: T0,
    ...overrides,
  };
};

export const anAccessToken = (overrides: Partial<AccessToken> = {}): AccessToken => ({
  tokenHash: uniqueId('hash'),
  sellerId: 'seller-1',
  issuedAt: T0,
  expiresAt: at(3_600_000),
  ...overrides,
});

export const aCancellationRecord = (overrides: Partial<CancellationRecord> = {}): CancellationRecord => ({
  recordId: uniqueId('rec'),
  requestId: uniqueId('req'),
  sellerId: 'seller-1',
  orderId: 'SO-1',
  source: 'unicommerce',
  receivedAt: T0,
  idempotencyKey: 'key-1',
  status: 'PARTIAL_SUCCESS',
  lines: [
    { line: { orderItemId: 'item-1', productId: 'P1', variantId: 'V1', quantity: 1 }, outcome: 'APPLIED' },
    {
      line: { productId: 'P2', variantId: 'V2', quantity: 1 },
      outcome: 'ITEM_NOT_CANCELLABLE',
      message: 'already cancelled',
    },
  ],
  ...overrides,
});

export const aDeliveryJob = (overrides: Partial<NewDeliveryJob> = {}): NewDeliveryJob => {
  const orderId = overrides.orderId ?? uniqueId('SO');
  return {
    jobId: uniqueId('job'),
    orderId,
    sellerId: 'seller-1',
    source: 'customer',
    request: {
      saleOrderCode: orderId,
      cancelledSkuCodes: [{ quantity: 2, productId: 'P1', variantId: 'V1' }],
      cancellationReason: 'customer changed their mind',
    },
    lines: [{ orderItemId: 'item-1', productId: 'P1', variantId: 'V1', quantity: 2 }],
    ledger: 'accepted',
    sequence: 100,
    createdAt: T0,
    ...overrides,
  };
};
