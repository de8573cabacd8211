/** The marketplace's order feed builds the ledger; duplicates and older revisions change nothing. */
import { applySnapshot, type OrderSnapshot } from '@cancel-sync/domain';
import { LedgerWriter } from '../ledger-writer.ts';
import type { Clock } from '../ports/clock.ts';
import type { OrderLedger } from '../ports/order-ledger.ts';

export type ApplySnapshotAnswer = 'created' | 'updated' | 'stale';

export const applyOrderSnapshot = (deps: {
  readonly ledger: OrderLedger;
  readonly clock: Clock;
  readonly maxWriteAttempts: number;
}) => {
  const writer = new LedgerWriter(deps.ledger, deps.maxWriteAttempts);
  return (snapshot: OrderSnapshot): Promise<ApplySnapshotAnswer> =>
    writer.update(snapshot.orderId, (entry) => {
      const decision = applySnapshot(entry?.order, snapshot);
      if (!decision.applied) return { answer: 'stale' as const };
      return {
        answer: entry === undefined ? ('created' as const) : ('updated' as const),
        write: { expectedRevision: entry?.order.revision, order: decision.order, now: deps.clock.now() },
      };
    });
};
