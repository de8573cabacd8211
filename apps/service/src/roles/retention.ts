/**
 * Housekeeping that rides with the `relay` role: TTL indexes do it on MongoDB, this sweeper where
 * the server has none (the embedded one), deleting by an indexed date in bounded batches.
 */
import { RetentionSweeper } from '@cancel-sync/application';
import { clock, type RoleContext } from './context.ts';

export const startRetention = ({ config, logger, throttled, lifecycle, stores }: RoleContext): void => {
  const { env } = config;
  const sweeper = new RetentionSweeper({
    targets: [
      {
        name: 'delivery jobs',
        store: stores.deliveryJobOperations,
        retentionMs: env.RETENTION_DELIVERY_JOBS_SECONDS * 1000,
      },
      {
        name: 'cancellation records',
        store: stores.cancellationRecords,
        retentionMs: env.RETENTION_CANCELLATION_RECORDS_SECONDS * 1000,
      },
      { name: 'idempotency keys', store: stores.idempotencyKeys, retentionMs: 0 },
      {
        name: 'parked records',
        store: stores.parkedRecords,
        retentionMs: env.RETENTION_PARKED_RECORDS_SECONDS * 1000,
      },
      {
        name: 'operator audit',
        store: stores.operatorAudit,
        retentionMs: env.RETENTION_OPERATOR_AUDIT_SECONDS * 1000,
      },
    ],
    clock,
    batchSize: env.RETENTION_SWEEP_BATCH_SIZE,
    intervalMs: env.RETENTION_SWEEP_INTERVAL_SECONDS * 1000,
    observe: (event) =>
      event.type === 'swept'
        ? logger.info(
            { part: 'retention', collection: event.name, deleted: event.deleted },
            'swept past retention',
          )
        : throttled.maybe('retention', (suppressed) =>
            logger.error(
              { err: event.error, part: 'retention', similarSuppressed: suppressed },
              'retention sweep failed',
            ),
          ),
  });
  sweeper.start();
  lifecycle.onStop('retention sweeper', () => sweeper.stop());
};
