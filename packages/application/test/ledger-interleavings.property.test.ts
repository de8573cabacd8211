/**
 * One cancellation is counted once, whatever the order in which the ledger hears of it: from the
 * marketplace's event, from a snapshot of the order feed that already counts it, or from Uniware.
 *
 * The model: the marketplace's true history of an order is a list of cancellations, each valid when
 * it happened. Marketplace cancellations reach the ledger as `order.cancelled` events (sometimes
 * twice); Uniware's reach it as requests, and the marketplace learns them from our announcement.
 * Snapshots of prefixes of that history arrive in revision order on their own partition, merged at
 * random with the rest; a snapshot that counts a Uniware cancellation can only follow it.
 */
import type { OrderCancelled, OrderSnapshot } from '@cancel-sync/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptCancellationEvent, applyOrderSnapshot, cancelFromUniware } from '../src/index.ts';
import {
  FakeCrypto,
  InMemoryDeliveryJobs,
  InMemoryIdempotencyKeys,
  InMemoryLedger,
  InMemoryRecords,
  ManualClock,
  SequentialIds,
} from '../src/testing/index.ts';

interface Cancellation {
  readonly item: number;
  readonly units: number;
  readonly via: 'marketplace' | 'uniware';
  readonly twice: boolean;
}

const scenario = fc
  .record({
    quantities: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
    wanted: fc.array(
      fc.record({
        item: fc.nat(2),
        units: fc.integer({ min: 1, max: 3 }),
        via: fc.constantFrom('marketplace' as const, 'uniware' as const),
        twice: fc.boolean(),
      }),
      { maxLength: 8 },
    ),
    published: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    merge: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
  })
  .map(({ quantities, wanted, published, merge }): Scenario => {
    // Keep only what the true order allowed when it happened.
    const left = [...quantities];
    const history: Cancellation[] = [];
    for (const want of wanted) {
      const item = want.item % quantities.length;
      const units = Math.min(want.units, left[item] ?? 0);
      if (units === 0) continue;
      left[item] = (left[item] ?? 0) - units;
      history.push({ ...want, item, units });
    }
    return { quantities, history, published, merge };
  });

interface Scenario {
  readonly quantities: readonly number[];
  readonly history: readonly Cancellation[];
  readonly published: readonly boolean[];
  readonly merge: readonly boolean[];
}

const itemId = (index: number) => `item-${index}`;
const lineOf = (item: number, units: number) => ({
  orderItemId: itemId(item),
  productId: `p-${item}`,
  variantId: 'v-1',
  quantity: units,
});

/** How often the runs met the orders of arrival that matter, so the property cannot pass vacuously. */
const seen = { runs: 0, snapshotsAheadOfEvents: 0, snapshotsBehindLedger: 0, uniwareRequests: 0 };

const run = async ({ quantities, history, published, merge }: Scenario) => {
  const ledger = new InMemoryLedger();
  const clock = new ManualClock();
  const ids = new SequentialIds();
  const settings = { maxWriteAttempts: 3 };
  const applySnapshot = applyOrderSnapshot({ ledger, clock, ...settings });
  const accept = acceptCancellationEvent({
    ledger,
    records: new InMemoryRecords(),
    jobs: new InMemoryDeliveryJobs(),
    clock,
    settings: { ...settings, rememberEventsMs: 7 * 24 * 3600_000, awaitOrderMs: 0 },
  });
  const cancel = cancelFromUniware({
    ledger,
    records: new InMemoryRecords(),
    idempotencyKeys: new InMemoryIdempotencyKeys(),
    crypto: new FakeCrypto(),
    clock,
    ids,
    settings: {
      ...settings,
      duplicateWindowMs: 0,
      idempotencyKeyTtlMs: 60_000,
      reason: 'cancelled in Uniware',
      maxQueuedPerOrder: 100,
    },
  });

  /** The id each cancellation of the history is known by, once the marketplace knows it. */
  const cancellationIds: (string | undefined)[] = history.map((entry, index) =>
    entry.via === 'marketplace' ? `00000000-0000-4000-9000-${String(index).padStart(12, '0')}` : undefined,
  );
  const snapshotAfter = (count: number): OrderSnapshot => {
    const cancelled = quantities.map((_, item) =>
      history.slice(0, count).reduce((sum, entry) => sum + (entry.item === item ? entry.units : 0), 0),
    );
    const snapshot = {
      orderId: 'SO-1',
      sellerId: 'seller-1',
      status: 'CREATED' as const,
      revision: count + 1,
      items: quantities.map((quantity, item) => ({
        ...lineOf(item, 0),
        quantity,
        cancelledQuantity: cancelled[item],
        status: cancelled[item] === quantity ? ('CANCELLED' as const) : ('CREATED' as const),
      })),
      cancellationIds: cancellationIds.slice(0, count).filter((id) => id !== undefined),
    };
    return snapshot;
  };

  seen.runs += 1;
  await applySnapshot(snapshotAfter(0));
  const failures: string[] = [];
  let next = 0; // the next cancellation of the history to reach the ledger
  const snapshots = history.map((_, index) => index + 1).filter((count) => published[count - 1]);
  const deliverCancellation = async () => {
    const index = next;
    next += 1;
    const entry = history[index];
    if (entry === undefined) return;
    if (entry.via === 'uniware') {
      seen.uniwareRequests += 1;
      const answer = await cancel({
        sellerId: 'seller-1',
        orderId: 'SO-1',
        lines: [lineOf(entry.item, entry.units)],
      });
      if (answer.kind !== 'answered' || answer.result.status !== 'SUCCESS') {
        failures.push(`Uniware request #${index} refused: ${JSON.stringify(answer)}`);
      }
      const announced = ledger.entries.get('SO-1')?.outbox.at(-1);
      cancellationIds[index] = announced?.eventId;
      return;
    }
    const event: OrderCancelled = {
      eventId: cancellationIds[index] ?? '',
      occurredAt: clock.now().toISOString(),
      source: 'customer',
      orderId: 'SO-1',
      sellerId: 'seller-1',
      items: [lineOf(entry.item, entry.units)],
      reason: 'changed their mind',
    };
    for (let delivery = 0; delivery < (entry.twice ? 2 : 1); delivery += 1) {
      const answer = await accept(event, index);
      if (answer.kind !== 'accepted' || answer.ledger === 'disagreed') {
        failures.push(`event #${index} disagreed with the ledger: ${JSON.stringify(answer)}`);
      }
    }
  };
  let step = 0;
  while (next < history.length || snapshots.length > 0) {
    const count = snapshots[0];
    // A snapshot counting a Uniware cancellation can only come after we announced it.
    const snapshotPossible =
      count !== undefined && history.slice(0, count).every((entry, i) => entry.via !== 'uniware' || i < next);
    const takeSnapshot = snapshotPossible && (next >= history.length || merge[step % merge.length] === true);
    step += 1;
    if (takeSnapshot && count !== undefined) {
      snapshots.shift();
      if (count > next) seen.snapshotsAheadOfEvents += 1;
      if (count < next) seen.snapshotsBehindLedger += 1;
      await applySnapshot(snapshotAfter(count));
    } else {
      await deliverCancellation();
    }
  }

  const truth = quantities.map((_, item) =>
    history.reduce((sum, entry) => sum + (entry.item === item ? entry.units : 0), 0),
  );
  const counted = ledger.entries.get('SO-1')?.order.items.map((item) => item.cancelledQuantity);
  return { failures, truth, counted };
};

describe('the ledger over every order of arrival', () => {
  it('counts each cancellation once: cancelled units equal the distinct units cancelled', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (generated) => {
        const { failures, truth, counted } = await run(generated);
        expect(failures).toEqual([]);
        expect(counted).toEqual(truth);
      }),
      { numRuns: 1000 },
    );
    console.info('interleavings', seen);
    expect(seen.runs).toBeGreaterThanOrEqual(1000);
    expect(seen.snapshotsAheadOfEvents).toBeGreaterThan(100);
    expect(seen.snapshotsBehindLedger).toBeGreaterThan(100);
    expect(seen.uniwareRequests).toBeGreaterThan(100);
  });
});
