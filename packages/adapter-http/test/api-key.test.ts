import { describe, expect, it } from 'vitest';
import { buildTestApi, postCancel, TOKEN_TTL_MS, tokenFor } from './harness.ts';
import { aCancelBody, aLineFor, anItem, anOrder, aSeller } from './mothers.ts';

const body = aCancelBody(anOrder(), [aLineFor(anItem())]);

describe('the apiKey header', () => {
  it.each([
    ['missing', undefined, 'MISSING_TOKEN'],
    ['blank', '   ', 'MISSING_TOKEN'],
    ['unknown', 'not-a-token-we-issued', 'UNKNOWN_TOKEN'],
  ])('answers 401 when %s', async (_case, apiKey, code) => {
    const { app, world } = await buildTestApi();
    world.ledger.given(anOrder());

    const response = await app.inject({
      method: 'POST',
      url: '/orders/cancel',
      headers: apiKey === undefined ? {} : { apiKey },
      payload: body,
    });

    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ status: 'FAILED', code, message: expect.any(String) });
    expect(world.ledger.orderOf('SO-1')?.items[0]?.cancelledQuantity).toBe(0);
  });

  it('answers 401 EXPIRED_TOKEN once the token outlived its lifetime', async () => {
    const { app, world } = await buildTestApi();
    world.givenSeller();
    const token = await tokenFor(app);
    world.clock.advance(TOKEN_TTL_MS);

    const response = await postCancel(app, token, body);

    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ status: 'FAILED', code: 'EXPIRED_TOKEN' });
  });

  it.each(['apiKey', 'apikey', 'APIKEY', 'ApiKey'])('is accepted spelled %s', async (name) => {
    const { app, world } = await buildTestApi();
    world.givenSeller();
    world.ledger.given(anOrder());
    const token = await tokenFor(app);

    const response = await app.inject({
      method: 'POST',
      url: '/orders/cancel',
      headers: { [name]: token },
      payload: body,
    });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'SUCCESS', orderItems: [] });
  });

  it('is checked before the body is read: no key and bad JSON is 401, not 400', async () => {
    const { app } = await buildTestApi();

    const response = await app.inject({
      method: 'POST',
      url: '/orders/cancel',
      headers: { 'content-type': 'application/json' },
      payload: '{"orderId":',
    });

    expect(response.statusCode).toBe(401);
  });

  it('guards the cancellation history too', async () => {
    const { app } = await buildTestApi();

    const response = await app.inject({ url: '/orders/SO-1/cancellations' });

    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'MISSING_TOKEN' });
  });

  it('authenticates as the seller the token was issued to', async () => {
    const { app, world } = await buildTestApi();
    world.givenSeller(aSeller());
    world.givenSeller(aSeller({ sellerId: 'seller-2', username: 'uniware-seller-2' }));
    world.ledger.given(anOrder({ sellerId: 'seller-2' }));
    const sellerOnesToken = await tokenFor(app, aSeller());

    const response = await postCancel(app, sellerOnesToken, body);

    expect(response.json()).toEqual({
      status: 'FAILED',
      orderItems: [{ orderItemId: 'item-1', errorMessage: 'order SO-1 not found' }],
    });
  });
});
