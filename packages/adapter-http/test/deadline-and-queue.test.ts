/**
 * The answer is the truth: a request whose deadline passes before its write is answered 503 and
 * changes nothing; a write already sent is waited for and answered as it went; a flood on one order
 * is turned away with Retry-After instead of waiting without bound.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { cancelFromUniware, type LedgerWrite, type OrderLedger } from '@cancel-sync/application';
import { describe, expect, it } from 'vitest';
import { buildTestApi, postCancel, tokenFor, World } from './harness.ts';
import { aCancelBody, aLineFor, anItem, anOrder } from './mothers.ts';

const item = anItem({ quantity: 10 });

/** The in-memory ledger whose writes take `ms` of real time, like a slow database. */
const slowWrites = (ledger: OrderLedger, ms: number): OrderLedger => ({
  find: (orderId, options) => ledger.find(orderId, options),
  forgetRecords: (orderId, recordIds) => ledger.forgetRecords(orderId, recordIds),
  write: async (change: LedgerWrite) => {
    await sleep(ms);
    return ledger.write(change);
  },
});

const given = async (writeMs: number, handlerMs: number, maxQueuedPerOrder = 100) => {
  const world = new World();
  const base = world.useCases();
  const api = await buildTestApi(
    {
      cancelFromUniware: cancelFromUniware({
        ledger: slowWrites(world.ledger, writeMs),
        records: world.records,
        idempotencyKeys: world.idempotencyKeys,
        crypto: world.crypto,
        clock: world.clock,
        ids: world.ids,
        settings: {
          duplicateWindowMs: 10 * 60 * 1000,
          idempotencyKeyTtlMs: 24 * 60 * 60 * 1000,
          maxWriteAttempts: 3,
          reason: 'cancelled by the seller in Uniware',
          maxQueuedPerOrder,
        },
      }),
      cancellationHistory: base.cancellationHistory,
      timeouts: { handlerMs },
    },
    world,
  );
  world.givenSeller();
  world.ledger.given(anOrder({ items: [item] }));
  return { ...api, token: await tokenFor(api.app) };
};

const oneUnit = aCancelBody(anOrder(), [aLineFor(item, 1)]);

describe('the handler deadline and the write queue', () => {
  it('answers 503 only for requests that wrote nothing: the answers and the stored state agree', async () => {
    const { app, world, token } = await given(150, 100);

    const answers = await Promise.all(
      ['key-a', 'key-b', 'key-c'].map((key) => postCancel(app, token, oneUnit, { 'idempotency-key': key })),
    );
    await sleep(600); // any write still under way lands

    const statuses = answers.map((answer) => answer.statusCode);
    const cancelled = world.ledger.orderOf('SO-1')?.items[0]?.cancelledQuantity;
    expect(cancelled).toBe(statuses.filter((status) => status === 200).length);
    expect(statuses).toEqual([200, 503, 503]);
    for (const refused of answers.slice(1)) {
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.json()).toMatchObject({ status: 'FAILED', code: 'TIMEOUT' });
    }
  });

  it('turns a flood on one order away with 503 ORDER_BUSY and Retry-After, changing nothing for them', async () => {
    const { app, world, token } = await given(20, 5_000, 2);

    const answers = await Promise.all(
      ['k1', 'k2', 'k3', 'k4', 'k5'].map((key) =>
        postCancel(app, token, oneUnit, { 'idempotency-key': key }),
      ),
    );

    const statuses = answers.map((answer) => answer.statusCode);
    expect(statuses).toEqual([200, 200, 503, 503, 503]);
    for (const busy of answers.slice(2)) {
      expect(busy.headers['retry-after']).toBe('1');
      expect(busy.json()).toMatchObject({ status: 'FAILED', code: 'ORDER_BUSY' });
    }
    expect(world.ledger.orderOf('SO-1')?.items[0]?.cancelledQuantity).toBe(2);
  });
});
