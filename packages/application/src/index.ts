export * from './auth/authenticate.ts';
export * from './auth/cached-access-tokens.ts';
export * from './auth/issue-access-token.ts';
export * from './auth/login-throttle.ts';
export * from './auth/manage-sellers.ts';
export * from './inbound/announce-at-once.ts';
export * from './inbound/cancel-from-uniware.ts';
export * from './inbound/canonical-request.ts';
export * from './keyed-mutex.ts';
export * from './ledger/apply-order-snapshot.ts';
export * from './ledger-writer.ts';
export * from './operations/delivery-job-operations.ts';
export type * from './operations/operator-audit.ts';
export * from './operations/order-story.ts';
export * from './operations/replay-delivery-job.ts';
export * from './operations/replay-parked-record.ts';
export * from './operations/retention-sweeper.ts';
export * from './operations/seller-access.ts';
export * from './outbound/accept-cancellation-event.ts';
export * from './outbound/delivery-attempt.ts';
export * from './outbound/delivery-dispatcher.ts';
export type * from './outbound/dispatch-events.ts';
export * from './outbound/lease-keeper.ts';
export * from './outbound/rate-limiter.ts';
export * from './outbound/relay.ts';
export * from './outbound/seller-cache.ts';
export * from './outbound/seller-circuits.ts';
export * from './poll-loop.ts';
export type * from './ports/cancellation-events.ts';
export type * from './ports/cancellation-records.ts';
export type * from './ports/clock.ts';
export type * from './ports/crypto.ts';
export type * from './ports/dead-letters.ts';
export type * from './ports/delivery-jobs.ts';
export { DEAD_LETTER_CODES, DELIVERY_JOB_STATES } from './ports/delivery-jobs.ts';
export type * from './ports/idempotency-keys.ts';
export type * from './ports/order-ledger.ts';
export {
  HISTORY_HELD_ON_ORDER,
  MAX_REMEMBERED_APPLIED,
  MAX_REMEMBERED_REFUSALS,
} from './ports/order-ledger.ts';
export type * from './ports/parked-records.ts';
export { parkedRecordId } from './ports/parked-records.ts';
export type * from './ports/relay-source.ts';
export type * from './ports/sellers.ts';
export type * from './ports/uniware-client.ts';
export * from './store-unavailable.ts';
export * from './throttled-log.ts';
