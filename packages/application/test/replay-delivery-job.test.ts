/** When a dead-lettered job may be replayed, and what the replay sends (`planReplay`, pure). */
import { describe, expect, it } from 'vitest';
import { type DeliveryJob, planReplay } from '../src/index.ts';

const aJob = (overrides: Partial<DeliveryJob> = {}): DeliveryJob => ({
  jobId: 'job-1',
  orderId: 'SO-1',
  sellerId: 'seller-1',
  source: 'customer',
  lines: [
    { orderItemId: 'a', productId: 'p-1', variantId: 'v-1', quantity: 1 },
    { orderItemId: 'b', productId: 'p-2', variantId: 'v-1', quantity: 5 },
  ],
  request: {
    saleOrderCode: 'SO-1',
    cancelledSkuCodes: [{ quantity: 1, productId: 'p-1', variantId: 'v-1' }],
    cancellationReason: 'customer changed their mind',
  },
  ledger: 'accepted',
  sequence: 1,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  state: 'rejected',
  attempts: 1,
  unknownOutcomes: 0,
  nextAttemptAt: new Date('2026-01-01T00:00:00Z'),
  attemptLog: [],
  deadLetters: [{ code: 'UNIWARE_REJECTED', reason: 'refused', at: new Date('2026-01-01T00:01:00Z') }],
  ...overrides,
});

const disagreement = {
  code: 'LEDGER_DISAGREES' as const,
  reason: 'the ledger refused 1 line(s)',
  at: new Date('2026-01-01T00:00:00Z'),
  refusedLines: [
    {
      line: { orderItemId: 'b', productId: 'p-2', variantId: 'v-1', quantity: 5 },
      code: 'QUANTITY_EXCEEDS_CANCELLABLE' as const,
      message: 'only 2 left',
    },
  ],
};

const aReplay = {
  replayId: 'r-1',
  at: new Date(),
  operator: 'ops',
  reason: 'why',
  forced: false,
  fromState: 'rejected' as const,
  previousAttempts: [],
};

describe('planReplay', () => {
  it('replays a rejected or dead job as it was', () => {
    expect(planReplay(aJob(), false)).toEqual({ ok: true });
    expect(planReplay(aJob({ state: 'dead' }), false)).toEqual({ ok: true });
  });

  it.each([
    ['a pending job', aJob({ state: 'pending' }), 'STILL_PENDING'],
    ['a delivered job', aJob({ state: 'delivered', deadLetters: [] }), 'NOT_DEAD_LETTERED'],
  ] as const)('never replays %s, even forced', (_, job, code) => {
    expect(planReplay(job, false)).toMatchObject({ ok: false, code });
    expect(planReplay(job, true)).toMatchObject({ ok: false, code });
  });

  it.each([
    ['a probably-applied job', aJob({ state: 'probably-applied', deadLetters: [] }), 'PROBABLY_APPLIED'],
    ['a job with unknown outcomes', aJob({ unknownOutcomes: 2 }), 'UNKNOWN_OUTCOMES'],
    ['a job replayed before', aJob({ replays: [aReplay] }), 'ALREADY_REPLAYED'],
  ] as const)('refuses %s unless forced', (_, job, code) => {
    expect(planReplay(job, false)).toMatchObject({ ok: false, code });
    expect(planReplay(job, true)).toEqual({ ok: true });
  });

  it('refuses a ledger disagreement, and forced pushes only the refused lines, unverified', () => {
    for (const job of [
      aJob({ state: 'disagreed', deadLetters: [disagreement] }),
      aJob({ state: 'delivered', deadLetters: [disagreement] }),
    ]) {
      expect(planReplay(job, false)).toMatchObject({ ok: false, code: 'LEDGER_DISAGREES' });
      expect(planReplay(job, true)).toEqual({
        ok: true,
        ledger: 'unverified',
        request: {
          saleOrderCode: 'SO-1',
          cancelledSkuCodes: [{ quantity: 5, productId: 'p-2', variantId: 'v-1' }],
          cancellationReason: 'customer changed their mind',
        },
      });
    }
  });
});
