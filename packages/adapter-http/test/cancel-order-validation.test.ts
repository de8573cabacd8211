import { describe, expect, it } from 'vitest';
import { buildTestApi, postCancel, tokenFor } from './harness.ts';
import { aCancelBody, aLineFor, anItem, anOrder } from './mothers.ts';

const line = aLineFor(anItem());
const valid = aCancelBody(anOrder(), [line]);

const given = async (overrides: Parameters<typeof buildTestApi>[0] = {}) => {
  const api = await buildTestApi(overrides);
  api.world.givenSeller();
  api.world.ledger.given(anOrder());
  return { ...api, token: await tokenFor(api.app) };
};

const lines = (count: number) =>
  Array.from({ length: count }, (_, index) => ({ ...line, orderItemId: `item-${index}` }));

describe('POST /orders/cancel refuses a malformed request with 400, naming the fields', () => {
  it.each([
    [
      'a string quantity (no coercion)',
      { ...valid, orderItems: [{ ...line, quantity: '2' }] },
      ['/orderItems/0/quantity'],
    ],
    ['a null quantity', { ...valid, orderItems: [{ ...line, quantity: null }] }, ['/orderItems/0/quantity']],
    ['a number for orderId (no coercion)', { ...valid, orderId: 5 }, ['/orderId']],
    ['an operator object for orderId', { ...valid, orderId: { $gt: '' } }, ['/orderId']],
    [
      'an operator object for an item id',
      { ...valid, orderItems: [{ ...line, orderItemId: { $ne: null } }] },
      ['/orderItems/0/orderItemId'],
    ],
    [
      'an empty item id',
      { ...valid, orderItems: [{ ...line, orderItemId: '' }] },
      ['/orderItems/0/orderItemId'],
    ],
    ['a 129-character order id', { ...valid, orderId: 'x'.repeat(129) }, ['/orderId']],
    ['no orderItems', { orderId: 'SO-1' }, ['/orderItems']],
    ['empty orderItems', { orderId: 'SO-1', orderItems: [] }, ['/orderItems']],
    ['orderItems not an array', { orderId: 'SO-1', orderItems: { 0: line } }, ['/orderItems']],
    ['101 lines (default limit 100)', { orderId: 'SO-1', orderItems: lines(101) }, ['/orderItems']],
    [
      'every field missing from a line',
      { orderId: 'SO-1', orderItems: [{}] },
      [
        '/orderItems/0/orderItemId',
        '/orderItems/0/productId',
        '/orderItems/0/variantId',
        '/orderItems/0/quantity',
      ],
    ],
    ['an array for a body', [valid], ['/']],
    ['a string for a body', 'SO-1', ['/']],
  ])('%s', async (_case, payload, paths) => {
    const { app, world, token } = await given();

    const response = await postCancel(app, token, JSON.stringify(payload), {
      'content-type': 'application/json',
    });

    expect(response.statusCode).toBe(400);
    const body = response.json<{ errors: { in: string; path: string; message: string }[] }>();
    expect(body).toMatchObject({ status: 'FAILED', code: 'INVALID_REQUEST', message: expect.any(String) });
    expect(body.errors.map((error) => error.path)).toEqual(paths);
    expect(body.errors.every((error) => error.in === 'body' && error.message.length > 0)).toBe(true);
    expect(world.records.records).toEqual([]);
  });

  it('accepts exactly as many lines as the configured limit, and refuses one more', async () => {
    const { app, token } = await given({ limits: { maxLinesPerRequest: 3 } });

    const atLimit = await postCancel(app, token, { orderId: 'SO-1', orderItems: lines(3) });
    const overLimit = await postCancel(app, token, { orderId: 'SO-1', orderItems: lines(4) });

    expect(atLimit.statusCode).toBe(200);
    expect(overLimit.statusCode).toBe(400);
    expect(overLimit.json()).toMatchObject({
      errors: [{ in: 'body', path: '/orderItems', message: 'must NOT have more than 3 items' }],
    });
  });

  it('refuses a flood of lines on their count alone, before checking each one', async () => {
    const { app, token } = await given();
    const flood = `{"orderId":"SO-1","orderItems":[${Array.from({ length: 80_000 }, () => '{}').join(',')}]}`;

    const response = await postCancel(app, token, flood, { 'content-type': 'application/json' });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      errors: [{ in: 'body', path: '/orderItems', message: 'must NOT have more than 100 items' }],
    });
    expect(response.json<{ errors: unknown[] }>().errors).toHaveLength(1);
  });

  it.each([
    ['malformed JSON', '{"orderId": "SO-1", "orderItems": ['],
    ['an empty body', ''],
    ['a prototype-poisoning body', '{"orderId":"SO-1","orderItems":[],"__proto__":{"admin":true}}'],
  ])('answers 400 in the same shape for %s', async (_case, raw) => {
    const { app, token } = await given();

    const response = await postCancel(app, token, raw, { 'content-type': 'application/json' });

    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toMatchObject({
      status: 'FAILED',
      code: 'INVALID_REQUEST',
      message: expect.any(String),
      requestId: expect.any(String),
    });
  });

  it.each([
    ['containing a space', 'two words'],
    ['of 201 characters', 'k'.repeat(201)],
    ['with a non-ASCII character', 'clé'],
  ])('refuses an Idempotency-Key %s', async (_case, key) => {
    const { app, token } = await given();

    const response = await postCancel(app, token, valid, { 'idempotency-key': key });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ errors: [{ in: 'headers', path: '/idempotency-key' }] });
  });
});

describe('POST /orders/cancel refuses bodies it will not read', () => {
  it('answers 413 in JSON for a body over the default 256 KiB', async () => {
    const { app, token } = await given();

    const response = await postCancel(app, token, { ...valid, padding: 'x'.repeat(300 * 1024) });

    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ status: 'FAILED', code: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers 413 beyond a configured limit', async () => {
    const { app, token } = await given({ limits: { bodyLimitBytes: 1024 } });

    const small = await postCancel(app, token, valid);
    const large = await postCancel(app, token, { ...valid, padding: 'x'.repeat(1024) });

    expect(small.statusCode).toBe(200);
    expect(large.statusCode).toBe(413);
  });

  it.each(['text/plain', 'application/xml', 'multipart/form-data; boundary=x'])(
    'answers 415 in JSON for Content-Type %s',
    async (contentType) => {
      const { app, token } = await given();

      const response = await postCancel(app, token, JSON.stringify(valid), { 'content-type': contentType });

      expect(response.statusCode).toBe(415);
      expect(response.json()).toMatchObject({ status: 'FAILED', code: 'UNSUPPORTED_MEDIA_TYPE' });
    },
  );

  it('accepts application/json with a charset', async () => {
    const { app, token } = await given();

    const response = await postCancel(app, token, JSON.stringify(valid), {
      'content-type': 'application/json; charset=utf-8',
    });

    expect(response.statusCode).toBe(200);
  });
});
