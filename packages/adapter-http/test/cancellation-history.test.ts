import { describe, expect, it } from 'vitest';
import { buildTestApi, postCancel, tokenFor } from './harness.ts';
import { aCancelBody, aLineFor, anItem, anOrder, aSeller } from './mothers.ts';

const item = anItem({ quantity: 3 });

const given = async () => {
  const api = await buildTestApi();
  api.world.givenSeller();
  api.world.ledger.given(anOrder({ items: [item] }));
  return { ...api, token: await tokenFor(api.app) };
};

const history = (app: Awaited<ReturnType<typeof given>>['app'], token: string, orderId: string) =>
  app.inject({ url: `/orders/${encodeURIComponent(orderId)}/cancellations`, headers: { apikey: token } });

describe('GET /orders/:orderId/cancellations', () => {
  it('lists the requests made for the order, oldest first, with each line’s outcome', async () => {
    const { app, token } = await given();
    const body = aCancelBody(anOrder(), [aLineFor(item, 1), { ...aLineFor(item), orderItemId: 'nope' }]);
    const answered = await postCancel(app, token, body);
    await postCancel(app, token, body); // a retry: answered from the first

    const response = await history(app, token, 'SO-1');

    expect(response.statusCode).toBe(200);
    const first = {
      requestId: answered.headers['x-request-id'],
      source: 'unicommerce',
      receivedAt: '2026-11-22T10:00:00.000Z',
      status: 'PARTIAL_SUCCESS',
      lines: [
        { orderItemId: 'item-1', productId: 'prod-1', variantId: 'var-1', quantity: 1, outcome: 'APPLIED' },
        {
          orderItemId: 'nope',
          productId: 'prod-1',
          variantId: 'var-1',
          quantity: 1,
          outcome: 'ITEM_NOT_FOUND',
          message: 'order item nope not found in the order',
        },
      ],
    };
    expect(response.json()).toEqual({
      orderId: 'SO-1',
      cancellations: [
        first,
        {
          requestId: expect.any(String),
          source: 'unicommerce',
          receivedAt: '2026-11-22T10:00:00.000Z',
          status: 'PARTIAL_SUCCESS',
          replayOf: first.requestId,
          lines: [],
        },
      ],
    });
  });

  it('names each request by the X-Request-Id of its answer, given or generated', async () => {
    const { app, token } = await given();
    const body = aCancelBody(anOrder(), [aLineFor(item, 1)]);
    const given_ = await postCancel(app, token, body, { 'x-request-id': 'uniware-req-7' });
    const generated = await postCancel(app, token, body); // a retry: answered from the first

    const response = await history(app, token, 'SO-1');

    expect(given_.headers['x-request-id']).toBe('uniware-req-7');
    expect(response.json().cancellations).toEqual([
      expect.objectContaining({ requestId: 'uniware-req-7' }),
      expect.objectContaining({ requestId: generated.headers['x-request-id'], replayOf: 'uniware-req-7' }),
    ]);
  });

  it('is empty for an unknown order', async () => {
    const { app, token } = await given();

    const response = await history(app, token, 'SO-404');

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ orderId: 'SO-404', cancellations: [] });
  });

  it('does not show another seller’s requests', async () => {
    const { app, world, token } = await given();
    await postCancel(app, token, aCancelBody(anOrder(), [aLineFor(item)]));
    world.givenSeller(aSeller({ sellerId: 'seller-2', username: 'uniware-seller-2' }));
    const otherToken = await tokenFor(app, aSeller({ sellerId: 'seller-2', username: 'uniware-seller-2' }));

    const response = await history(app, otherToken, 'SO-1');

    expect(response.json()).toEqual({ orderId: 'SO-1', cancellations: [] });
  });

  it('answers 400 for an order id over 128 characters', async () => {
    const { app, token } = await given();

    const response = await history(app, token, 'x'.repeat(129));

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ errors: [{ in: 'params', path: '/orderId' }] });
  });
});
