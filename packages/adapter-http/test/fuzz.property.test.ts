/** Whatever a client sends, the answer is never a 5xx: bad input is the client's problem, said in JSON. */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, tokenFor } from './harness.ts';
import { anOrder } from './mothers.ts';

const operatorObject = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.record({ $gt: tie('node') }),
    fc.record({ $ne: fc.constant(null), $where: fc.string() }),
    fc.dictionary(fc.constantFrom('$gt', '$lt', '$in', '$regex', '__proto__', 'constructor'), tie('node'), {
      maxKeys: 3,
    }),
  ),
})).node;

const hugeString = fc.integer({ min: 200, max: 300_000 }).map((length) => 'x'.repeat(length));

const anything = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('SO-1', 'item-1', 'prod-1', 'var-1', 1, 0, -1, 1.5, 1e308),
  operatorObject,
  hugeString,
  fc.jsonValue({ maxDepth: 3 }),
);

const line = fc.record(
  { orderItemId: anything, productId: anything, variantId: anything, quantity: anything, extra: anything },
  { requiredKeys: [] },
);

const cancelBody = fc.oneof(
  fc.record(
    {
      orderId: anything,
      orderItems: fc.oneof(fc.array(line, { maxLength: 120 }), anything),
      extra: anything,
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 4 }),
);

const credentials = fc.oneof(
  fc.record({ username: anything, password: anything }, { requiredKeys: [] }),
  fc.jsonValue({ maxDepth: 3 }),
);

const rawBody = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  cancelBody.map((body) => JSON.stringify(body)),
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  undefined,
);

const RUNS = 200;

const assertNo5xx = (response: { statusCode: number; body: string }) => {
  expect(response.statusCode, response.body).toBeLessThan(500);
};

describe('fuzzing the inputs', () => {
  let app: FastifyInstance;
  let token: string;

  beforeAll(async () => {
    const api = await buildTestApi({ logger: false });
    api.world.givenSeller();
    api.world.ledger.given(anOrder());
    app = api.app;
    token = await tokenFor(app);
  });

  it('POST /orders/cancel with JSON values of any shape', async () => {
    await fc.assert(
      fc.asyncProperty(cancelBody, async (payload) => {
        const response = await app.inject({
          method: 'POST',
          url: '/orders/cancel',
          headers: { apikey: token, 'content-type': 'application/json' },
          payload: JSON.stringify(payload) ?? 'null',
        });
        assertNo5xx(response);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
      }),
      { numRuns: RUNS },
    );
  });

  it('POST /orders/cancel with raw bodies and any content type', async () => {
    await fc.assert(
      fc.asyncProperty(rawBody, contentType, async (payload, type) => {
        const response = await app.inject({
          method: 'POST',
          url: '/orders/cancel',
          headers: type === undefined ? { apikey: token } : { apikey: token, 'content-type': type },
          body: Buffer.from(payload),
        });
        assertNo5xx(response);
      }),
      { numRuns: RUNS },
    );
  });

  it('POST /authToken with JSON values of any shape', async () => {
    await fc.assert(
      fc.asyncProperty(credentials, async (payload) => {
        const response = await app.inject({
          method: 'POST',
          url: '/authToken',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify(payload) ?? 'null',
        });
        assertNo5xx(response);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
      }),
      { numRuns: RUNS },
    );
  });

  it('GET /authToken with any query string', async () => {
    const query = fc.oneof(
      fc
        .dictionary(fc.constantFrom('username', 'password', 'x', '__proto__'), fc.string(), { maxKeys: 4 })
        .map((params) => new URLSearchParams(params).toString()),
      fc.string().map((text) => encodeURI(text)),
      fc.constant('username=a&username=b&password[$gt]='),
    );
    await fc.assert(
      fc.asyncProperty(query, async (text) => {
        assertNo5xx(await app.inject({ url: `/authToken?${text}` }));
      }),
      { numRuns: RUNS },
    );
  });
});
