import type { RefusalCode } from '@cancel-sync/domain';
import { describe, expect, it } from 'vitest';
import { buildTestApi, postCancel, tokenFor } from './harness.ts';
import { aCancelBody, aLineFor, anItem, anOrder, type CancelLineBody } from './mothers.ts';

const item = anItem({ orderItemId: 'item-1', quantity: 3 });
const other = anItem({ orderItemId: 'item-2', productId: 'prod-2', quantity: 1 });

/** An API with one seller, their order, and a token for them. */
const given = async (order = anOrder({ items: [item, other] })) => {
  const api = await buildTestApi();
  api.world.givenSeller();
  api.world.ledger.given(order);
  return { ...api, token: await tokenFor(api.app) };
};

describe('POST /orders/cancel answers in the shape Uniware documents', () => {
  it('SUCCESS with no items listed when every line applies', async () => {
    const { app, world, token } = await given();

    const response = await postCancel(
      app,
      token,
      aCancelBody(anOrder(), [aLineFor(item, 2), aLineFor(other, 1)]),
    );

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'SUCCESS', orderItems: [] });
    expect(world.ledger.orderOf('SO-1')?.items.map((line) => line.cancelledQuantity)).toEqual([2, 1]);
  });

  it('PARTIAL_SUCCESS listing exactly the failed items with orderItemId and errorMessage', async () => {
    const { app, token } = await given();

    const response = await postCancel(
      app,
      token,
      aCancelBody(anOrder(), [aLineFor(item, 1), { ...aLineFor(item), orderItemId: 'item-9' }]),
    );

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'PARTIAL_SUCCESS',
      orderItems: [{ orderItemId: 'item-9', errorMessage: 'order item item-9 not found in the order' }],
    });
  });

  const line = (overrides: Partial<CancelLineBody>): CancelLineBody => ({ ...aLineFor(item), ...overrides });
  const refusals: [RefusalCode, ReturnType<typeof anOrder>, string, CancelLineBody[], string][] = [
    ['ORDER_NOT_FOUND', anOrder(), 'SO-404', [line({})], 'order SO-404 not found'],
    [
      'ORDER_NOT_FOUND',
      anOrder({ sellerId: 'seller-2' }),
      'SO-1',
      [line({})],
      'order SO-1 not found', // another seller's order is not revealed
    ],
    [
      'ORDER_NOT_CANCELLABLE',
      anOrder({ status: 'COMPLETE' }),
      'SO-1',
      [line({})],
      'order SO-1 is COMPLETE and cannot be cancelled',
    ],
    [
      'ITEM_NOT_FOUND',
      anOrder(),
      'SO-1',
      [line({ orderItemId: 'nope' })],
      'order item nope not found in the order',
    ],
    [
      'ITEM_MISMATCH',
      anOrder(),
      'SO-1',
      [line({ productId: 'prod-x' })],
      'order item item-1 is product prod-1 variant var-1, not product prod-x variant var-1',
    ],
    [
      'INVALID_QUANTITY',
      anOrder(),
      'SO-1',
      [line({ quantity: 0 })],
      'quantity must be a positive whole number, got 0',
    ],
    [
      'INVALID_QUANTITY',
      anOrder(),
      'SO-1',
      [line({ quantity: -1 })],
      'quantity must be a positive whole number, got -1',
    ],
    [
      'INVALID_QUANTITY',
      anOrder(),
      'SO-1',
      [line({ quantity: 1.5 })],
      'quantity must be a positive whole number, got 1.5',
    ],
    [
      'QUANTITY_EXCEEDS_CANCELLABLE',
      anOrder(),
      'SO-1',
      [line({ quantity: 4 })],
      'cannot cancel 4 unit(s) of item-1: only 3 unit(s) can still be cancelled',
    ],
    [
      'ITEM_NOT_CANCELLABLE',
      anOrder({ items: [anItem({ status: 'DISPATCHED' })] }),
      'SO-1',
      [line({})],
      'order item item-1 is DISPATCHED and cannot be cancelled',
    ],
    [
      'ITEM_NOT_CANCELLABLE',
      anOrder({ items: [anItem({ status: 'CANCELLED', cancelledQuantity: 3 })] }),
      'SO-1',
      [line({})],
      'order item item-1 is already cancelled',
    ],
    [
      'DUPLICATE_ITEM',
      anOrder(),
      'SO-1',
      [line({ quantity: 1 }), line({ quantity: 1 })],
      'order item item-1 appears more than once in the request',
    ],
  ];

  it.each(refusals)('FAILED with the domain message for %s', async (code, order, orderId, lines, message) => {
    const { app, world, token } = await given(order);

    const response = await postCancel(app, token, aCancelBody({ orderId }, lines));

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'FAILED',
      orderItems: lines.map(() => ({ orderItemId: lines[0]?.orderItemId, errorMessage: message })),
    });
    expect(world.records.records.at(-1)?.lines.map((recorded) => recorded.outcome)).toEqual(
      lines.map(() => code),
    );
  });

  it('ignores unknown fields, at the top and in lines', async () => {
    const { app, token } = await given();

    const response = await postCancel(app, token, {
      orderId: 'SO-1',
      orderItems: [{ ...aLineFor(item), sku: 'ignored', nested: { $gt: '' } }],
      channel: 'ignored',
    });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'SUCCESS', orderItems: [] });
  });

  it('reads a JSON body sent without a Content-Type (Uniware documents only Accept)', async () => {
    const { app, token } = await given();

    const response = await app.inject({
      method: 'POST',
      url: '/orders/cancel',
      headers: { apikey: token },
      body: Buffer.from(JSON.stringify(aCancelBody(anOrder(), [aLineFor(item)]))),
    });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'SUCCESS', orderItems: [] });
  });

  it('answers a retry of the same body from the first request, marked as a replay, cancelling once', async () => {
    const { app, world, token } = await given();
    const body = aCancelBody(anOrder(), [aLineFor(item, 2)]);

    const first = await postCancel(app, token, body);
    const retry = await postCancel(app, token, body);

    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(world.ledger.orderOf('SO-1')?.items[0]?.cancelledQuantity).toBe(2);
  });
});
