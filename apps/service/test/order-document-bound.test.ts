/**
 * An order document stays small: 10,000 requests to one order within the retry window (refused
 * ones, some of 100 lines, and accepted ones, with and without Idempotency-Key, and retries) through the real
 * use case over the real MongoDB-protocol server. Every answer is right, and the document stays
 * under a fixed size.
 */
import { createNodeCrypto } from '@cancel-sync/adapter-crypto';
import { cancelFromUniware, HISTORY_HELD_ON_ORDER } from '@cancel-sync/application';
import type { CancelLine } from '@cancel-sync/domain';
import { BSON } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnvironment } from './support/environment.ts';
import { anItem, anOrder } from './support/mothers.ts';
import { openWorld, type World } from './support/world.ts';

/** The bound this test holds the order document to. */
const MAX_DOCUMENT_BYTES = 512 * 1024;
const REQUESTS = 10_000;
const UNITS = 100;

let world: World;

beforeAll(async () => {
  world = await openWorld(testEnvironment('http://127.0.0.1:9'));
});
afterAll(async () => {
  await world?.close();
});

const documentBytes = async (orderId: string): Promise<number> => {
  const document = await world.mongo.db.collection('orders').findOne({ _id: orderId as never });
  return document === null ? 0 : BSON.calculateObjectSize(document);
};

describe('an order document under 10,000 requests', () => {
  it(`stays under ${MAX_DOCUMENT_BYTES} bytes, and every answer is right`, { timeout: 900_000 }, async () => {
    const item = anItem({ quantity: UNITS });
    const order = anOrder({ items: [item] });
    await world.seedOrder(order);
    const cancel = cancelFromUniware({
      ledger: world.stores.ledger,
      records: world.stores.cancellationRecords,
      idempotencyKeys: world.stores.idempotencyKeys,
      crypto: createNodeCrypto(),
      clock: { now: () => new Date() },
      ids: { newId: () => crypto.randomUUID() },
      settings: {
        duplicateWindowMs: 3_600_000, // every request stays within the window
        idempotencyKeyTtlMs: 86_400_000,
        maxWriteAttempts: 8,
        reason: 'cancelled in Uniware',
        maxQueuedPerOrder: 100,
        // As the service runs it: history records held on the order until a batch is copied.
        historyHeldOnOrder: HISTORY_HELD_ON_ORDER,
      },
    });
    /**
     * Lines naming items the order does not have: refused line by line, with messages. One refused
     * request in ten has 100 lines (each one's history record is about 14 KB; 5,000 of them would
     * not fit the embedded server's heap); the others have one.
     */
    const refusedLines = (n: number): CancelLine[] =>
      Array.from({ length: n % 40 < 2 ? 100 : 1 }, (_, line) => ({
        orderItemId: `missing-${n}-${line}`,
        productId: item.productId,
        variantId: item.variantId,
        quantity: 1,
      }));
    const oneUnit: CancelLine[] = [
      { orderItemId: item.orderItemId, productId: item.productId, variantId: item.variantId, quantity: 1 },
    ];

    let left = UNITS;
    const wrong: string[] = [];
    let previousRefused: { lines: CancelLine[]; answer: unknown } | undefined;
    let firstKeyless: unknown;
    let sent = 0;
    for (let n = 0; n < REQUESTS && wrong.length === 0; n += 1) {
      sent = n + 1;
      const base = { sellerId: order.sellerId, orderId: order.orderId };
      switch (n % 4) {
        case 0:
        case 1: {
          const lines = refusedLines(n);
          const key = n % 4 === 1 ? { idempotencyKey: `refused-${n}` } : {};
          const answer = await cancel({ ...base, lines, ...key });
          if (
            answer.kind !== 'answered' ||
            answer.result.status !== 'FAILED' ||
            answer.result.failedItems.length !== lines.length
          ) {
            wrong.push(`#${n} refused request answered ${JSON.stringify(answer).slice(0, 300)}`);
          }
          if (n % 4 === 0) previousRefused = { lines, answer };
          break;
        }
        case 2: {
          // A retry of the keyless refused request two before: the same answer, marked replayed.
          const answer = await cancel({ ...base, lines: previousRefused?.lines ?? [] });
          const first = previousRefused?.answer as { result?: unknown; requestId?: string } | undefined;
          if (
            answer.kind !== 'answered' ||
            !answer.replayed ||
            JSON.stringify(answer.result) !== JSON.stringify(first?.result)
          ) {
            wrong.push(`#${n} retry answered ${JSON.stringify(answer).slice(0, 300)}`);
          }
          break;
        }
        default: {
          if (n % 8 === 3) {
            // A new one-unit request under its own key: applied while units are left, then refused.
            const answer = await cancel({ ...base, lines: oneUnit, idempotencyKey: `unit-${n}` });
            const expected = left > 0 ? 'SUCCESS' : 'FAILED';
            if (answer.kind !== 'answered' || answer.replayed || answer.result.status !== expected) {
              wrong.push(`#${n} one-unit request: expected ${expected}, got ${JSON.stringify(answer)}`);
            }
            if (expected === 'SUCCESS') left -= 1;
            break;
          }
          // The same keyless one-unit body again and again: the first is applied, the rest are retries.
          const answer = await cancel({ ...base, lines: oneUnit });
          const retry = firstKeyless !== undefined;
          if (
            answer.kind !== 'answered' ||
            answer.replayed !== retry ||
            (retry && JSON.stringify(answer.result) !== JSON.stringify(firstKeyless)) ||
            (!retry && answer.result.status !== 'SUCCESS')
          ) {
            wrong.push(`#${n} keyless one-unit request answered ${JSON.stringify(answer)}`);
          }
          if (!retry && answer.kind === 'answered') {
            firstKeyless = answer.result;
            left -= 1;
          }
        }
      }
      if (n % 250 === 249) {
        const bytes = await documentBytes(order.orderId);
        if (bytes > MAX_DOCUMENT_BYTES) wrong.push(`after ${n + 1} requests the document is ${bytes} bytes`);
      }
    }

    const bytes = await documentBytes(order.orderId);
    console.info(`order document after ${sent} requests: ${bytes} bytes (bound ${MAX_DOCUMENT_BYTES})`);
    expect(wrong).toEqual([]);
    expect(bytes).toBeLessThan(MAX_DOCUMENT_BYTES);
    expect((await world.storedOrder(order.orderId))?.items[0]?.cancelledQuantity).toBe(UNITS - left);
  });
});
