/** Collection names, in one place so that indexes, adapters and tests agree. */
export const COLLECTIONS = {
  orders: 'orders',
  sellers: 'sellers',
  accessTokens: 'access_tokens',
  idempotencyKeys: 'idempotency_keys',
  cancellationRecords: 'cancellation_records',
  deliveryJobs: 'delivery_jobs',
  parkedRecords: 'parked_records',
  operatorAudit: 'operator_audit',
} as const;
