import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InMemorySandbox, inMemorySandbox } from './support/in-memory-sandbox.ts';
import { aCancelRequest, validHeaders } from './support/mothers.ts';

describe('the cancel body', () => {
  let sandbox: InMemorySandbox;
  beforeAll(async () => {
    sandbox = await inMemorySandbox();
  });
  afterAll(async () => sandbox.app.close());

  it.each([
    [
      'no saleOrderCode',
      { cancelledSkuCodes: [], cancellationReason: 'x' },
      "must have required property 'saleOrderCode'",
    ],
    [
      'a quantity sent as text',
      aCancelRequest({ cancelledSkuCodes: [{ quantity: '2', productId: 'P', variantId: 'V' }] } as never),
      'quantity must be integer',
    ],
    [
      'a zero quantity',
      aCancelRequest({ cancelledSkuCodes: [{ quantity: 0, productId: 'P', variantId: 'V' }] }),
      'quantity must be >= 1',
    ],
    ['an empty list of SKUs', aCancelRequest({ cancelledSkuCodes: [] }), 'must NOT have fewer than 1 items'],
    [
      'no cancellationReason',
      { saleOrderCode: 'SO-1', cancelledSkuCodes: [{ quantity: 1, productId: 'P', variantId: 'V' }] },
      "must have required property 'cancellationReason'",
    ],
  ])('answers 400 with a message for %s', async (_case, body, message) => {
    const response = await sandbox.cancel(body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ status: 'failure', data: null });
    expect(response.json().message).toContain(message);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const response = await sandbox.cancel('{"saleOrderCode":', validHeaders());
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ status: 'failure' });
  });

  it('answers 415 for a body that is not declared as JSON', async () => {
    const response = await sandbox.cancel(aCancelRequest(), {
      ...validHeaders(),
      'content-type': 'application/xml',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ status: 'failure' });
  });
});
