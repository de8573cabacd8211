/**
 * Uniware calls us: /authToken and POST /orders/cancel through the whole service, against the real
 * MongoDB-protocol server and Kafka broker.
 */
import { startSandbox } from '@cancel-sync/uc-sandbox';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/service.ts';
import { testEnvironment, waitFor } from './support/environment.ts';
import { anItem, anOrder } from './support/mothers.ts';
import { startInProcess } from './support/running-service.ts';
import { openWorld, type World } from './support/world.ts';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let service: RunningService;
let world: World;
let env: Record<string, string>;
let api: string;
let token: string;

const DUPLICATE_WINDOW_SECONDS = 2;

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${api}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', apikey: token, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const cancel = async (body: unknown, headers: Record<string, string> = {}) => {
  const response = await post('/orders/cancel', body, headers);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const lineFor = (item: { orderItemId: string; productId: string; variantId: string }, quantity = 1) => ({
  orderItemId: item.orderItemId,
  productId: item.productId,
  variantId: item.variantId,
  quantity,
});

beforeAll(async () => {
  sandbox = await startSandbox();
  env = testEnvironment(sandbox.url, { DUPLICATE_WINDOW_SECONDS: String(DUPLICATE_WINDOW_SECONDS) });
  world = await openWorld(env);
  service = await startInProcess(env);
  api = service.httpUrl ?? '';
  const seller = await world.registerSeller('seller-1');
  await world.registerSeller('seller-2');
  const answer = await fetch(`${api}/authToken`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(seller),
  });
  token = ((await answer.json()) as { accessToken: string }).accessToken;
});

afterAll(async () => {
  await service?.stop();
  await world?.close();
  await sandbox?.close();
});

describe('/authToken', () => {
  it('gives a token for GET with query parameters and for POST with a JSON body', async () => {
    const get = await fetch(`${api}/authToken?username=uc-seller-2&password=seller-2-password-123`);
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({
      status: 'SUCCESS',
      accessToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const posted = await fetch(`${api}/authToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'uc-seller-2', password: 'seller-2-password-123' }),
    });
    expect(posted.status).toBe(200);
  });

  it('answers 401 FAILED (GET) and INVALID_CREDENTIALS (POST) to a wrong password', async () => {
    const get = await fetch(`${api}/authToken?username=uc-seller-2&password=wrong-password`);
    expect(get.status).toBe(401);
    expect(await get.json()).toMatchObject({ status: 'FAILED' });
    const posted = await fetch(`${api}/authToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'uc-seller-2', password: 'wrong-password' }),
    });
    expect(posted.status).toBe(401);
    expect(await posted.json()).toMatchObject({ status: 'INVALID_CREDENTIALS' });
  });
});

describe('/authToken under password guessing', () => {
  it('answers 429 with Retry-After after 10 wrong passwords for a username from one address, even to the right one from it', async () => {
    await world.registerSeller('seller-3', 'seller-3-password-123');
    const attempt = (password: string) =>
      fetch(`${api}/authToken`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'uc-seller-3', password }),
      });
    for (let guess = 0; guess < 10; guess += 1) expect((await attempt(`guess-${guess}`)).status).toBe(401);
    const refused = await attempt('seller-3-password-123');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ status: 'INVALID_CREDENTIALS' });
    expect((await fetch(`${api}/authToken?username=uc-seller-2&password=seller-2-password-123`)).status).toBe(
      200,
    );
  });
});

describe('apiKey', () => {
  const order = anOrder();
  beforeAll(() => world.seedOrder(order));

  it.each([
    ['no header', undefined, 'MISSING_TOKEN'],
    ['an unknown token', 'not-a-token', 'UNKNOWN_TOKEN'],
  ])('refuses %s with 401 and changes nothing', async (_, apiKey, code) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (apiKey !== undefined) headers.apikey = apiKey;
    const response = await fetch(`${api}/orders/cancel`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ orderId: order.orderId, orderItems: [lineFor(anItem())] }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ status: 'FAILED', code });
    expect((await world.storedOrder(order.orderId))?.items[0]?.cancelledQuantity).toBe(0);
  });

  it('refuses an expired token with 401', async () => {
    const { createNodeCrypto } = await import('@cancel-sync/adapter-crypto');
    await world.stores.accessTokens.save({
      tokenHash: createNodeCrypto().digest('an-expired-token'),
      sellerId: 'seller-1',
      issuedAt: new Date(Date.now() - 7200_000),
      expiresAt: new Date(Date.now() - 3600_000),
    });
    const { status, body } = await cancel(
      { orderId: order.orderId, orderItems: [lineFor(anItem())] },
      { apikey: 'an-expired-token' },
    );
    expect(status).toBe(401);
    expect(body).toMatchObject({ code: 'EXPIRED_TOKEN' });
  });

  it("reports another seller's order as not found, and leaves it alone", async () => {
    const theirs = anOrder({ sellerId: 'seller-2' });
    await world.seedOrder(theirs);
    const { status, body } = await cancel({ orderId: theirs.orderId, orderItems: [lineFor(anItem())] });
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'FAILED',
      orderItems: [{ orderItemId: 'item-1', errorMessage: `order ${theirs.orderId} not found` }],
    });
    expect(await world.storedOrder(theirs.orderId)).toMatchObject({
      revision: 1,
      items: [{ cancelledQuantity: 0 }],
    });
  });
});

describe('POST /orders/cancel', () => {
  it('answers every refusal in the seed shape, applying the lines that pass', async () => {
    const items = {
      ok: anItem({ orderItemId: 'ok', quantity: 5 }),
      dispatched: anItem({ orderItemId: 'dispatched', status: 'DISPATCHED' }),
      few: anItem({ orderItemId: 'few', quantity: 2 }),
      twice: anItem({ orderItemId: 'twice' }),
      other: anItem({ orderItemId: 'other', productId: 'prod-2' }),
      zero: anItem({ orderItemId: 'zero' }),
    };
    const order = anOrder({ items: Object.values(items) });
    await world.seedOrder(order);
    const { status, body } = await cancel({
      orderId: order.orderId,
      orderItems: [
        lineFor(items.ok, 2),
        lineFor(items.dispatched),
        lineFor(items.few, 3),
        { ...lineFor(items.ok), orderItemId: 'missing' },
        { ...lineFor(items.other), productId: 'prod-9' },
        lineFor(items.zero, 0),
        lineFor(items.twice),
        lineFor(items.twice),
      ],
    });
    expect(status).toBe(200);
    expect(body.status).toBe('PARTIAL_SUCCESS');
    expect(body.orderItems).toEqual([
      {
        orderItemId: 'dispatched',
        errorMessage: 'order item dispatched is DISPATCHED and cannot be cancelled',
      },
      {
        orderItemId: 'few',
        errorMessage: 'cannot cancel 3 unit(s) of few: only 2 unit(s) can still be cancelled',
      },
      { orderItemId: 'missing', errorMessage: 'order item missing not found in the order' },
      { orderItemId: 'other', errorMessage: expect.stringContaining('not product prod-9') },
      { orderItemId: 'zero', errorMessage: 'quantity must be a positive whole number, got 0' },
      { orderItemId: 'twice', errorMessage: 'order item twice appears more than once in the request' },
      { orderItemId: 'twice', errorMessage: 'order item twice appears more than once in the request' },
    ]);
    const stored = await world.storedOrder(order.orderId);
    expect(stored?.items.map((item) => item.cancelledQuantity)).toEqual([2, 0, 0, 0, 0, 0]);
  });

  it('answers SUCCESS with no items, then ORDER_NOT_CANCELLABLE once the order is cancelled, and ORDER_NOT_FOUND', async () => {
    const order = anOrder({ items: [anItem({ quantity: 1 })] });
    await world.seedOrder(order);
    expect(await cancel({ orderId: order.orderId, orderItems: [lineFor(anItem())] })).toEqual({
      status: 200,
      body: { status: 'SUCCESS', orderItems: [] },
    });
    expect(await world.storedOrder(order.orderId)).toMatchObject({
      status: 'CANCELLED',
      items: [{ status: 'CANCELLED' }],
    });
    const again = await cancel({
      orderId: order.orderId,
      orderItems: [lineFor(anItem(), 1), { ...lineFor(anItem()), quantity: 2 }],
    });
    expect(again.body).toMatchObject({
      status: 'FAILED',
      orderItems: [{ errorMessage: `order ${order.orderId} is CANCELLED and cannot be cancelled` }, {}],
    });
    const missing = await cancel({ orderId: 'SO-nowhere', orderItems: [lineFor(anItem())] });
    expect(missing.body).toEqual({
      status: 'FAILED',
      orderItems: [{ orderItemId: 'item-1', errorMessage: 'order SO-nowhere not found' }],
    });
  });

  it('lets exactly 10 of 100 concurrent one-unit cancellations of a 10-unit item through', async () => {
    const order = anOrder({ items: [anItem({ quantity: 10 })] });
    await world.seedOrder(order);
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        cancel(
          { orderId: order.orderId, orderItems: [lineFor(anItem())] },
          { 'idempotency-key': `concurrent-${index}` },
        ),
      ),
    );
    const statuses = answers.map((answer) => `${answer.status} ${String(answer.body.status)}`);
    expect(statuses.filter((status) => status === '200 SUCCESS')).toHaveLength(10);
    expect(statuses.filter((status) => status === '200 FAILED')).toHaveLength(90);
    expect((await world.storedOrder(order.orderId))?.items[0]?.cancelledQuantity).toBe(10);
  });

  it('answers a retry within the window from the first request, and takes it as new after the window', async () => {
    const order = anOrder({ items: [anItem({ quantity: 5 })] });
    await world.seedOrder(order);
    const body = { orderId: order.orderId, orderItems: [lineFor(anItem(), 2)] };
    const first = await cancel(body);
    const retry = await cancel({ orderItems: body.orderItems, orderId: body.orderId, ignoredField: true });
    expect(retry).toEqual(first);
    expect((await world.storedOrder(order.orderId))?.items[0]?.cancelledQuantity).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, DUPLICATE_WINDOW_SECONDS * 1000 + 100));
    expect((await cancel(body)).body).toEqual({ status: 'SUCCESS', orderItems: [] });
    expect((await world.storedOrder(order.orderId))?.items[0]?.cancelledQuantity).toBe(4);
  });

  it('lets an Idempotency-Key decide: the same key replays, the same key with another body is 422', async () => {
    const order = anOrder({ items: [anItem({ quantity: 5 })] });
    await world.seedOrder(order);
    const body = { orderId: order.orderId, orderItems: [lineFor(anItem(), 1)] };
    const first = await post('/orders/cancel', body, { 'idempotency-key': 'key-A' });
    await new Promise((resolve) => setTimeout(resolve, DUPLICATE_WINDOW_SECONDS * 1000 + 100));
    const replay = await post('/orders/cancel', body, { 'idempotency-key': 'key-A' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(await first.json());
    const reused = await post(
      '/orders/cancel',
      { ...body, orderItems: [lineFor(anItem(), 2)] },
      { 'idempotency-key': 'key-A' },
    );
    expect(reused.status).toBe(422);
    expect((await world.storedOrder(order.orderId))?.items[0]?.cancelledQuantity).toBe(1);
  });

  describe('bad input gets a 4xx with a clear message and changes nothing', () => {
    const order = anOrder();
    beforeAll(() => world.seedOrder(order));
    const unchanged = async () => expect(await world.storedOrder(order.orderId)).toEqual(order);

    it.each([
      ['malformed JSON', '{"orderId": "x", "orderItems": [', 400, 'INVALID_REQUEST'],
      [
        'a wrong type',
        { orderId: 'x', orderItems: [{ ...lineFor(anItem()), quantity: '1' }] },
        400,
        '/orderItems/0/quantity',
      ],
      [
        'an operator object for a string',
        { orderId: { $gt: '' }, orderItems: [lineFor(anItem())] },
        400,
        '/orderId',
      ],
      ['a missing field', { orderItems: [lineFor(anItem())] }, 400, 'orderId'],
      ['an empty line list', { orderId: 'x', orderItems: [] }, 400, '/orderItems'],
      [
        'too many lines',
        { orderId: 'x', orderItems: Array.from({ length: 101 }, () => lineFor(anItem())) },
        400,
        'orderItems',
      ],
      [
        'a huge body',
        { orderId: 'x', orderItems: [lineFor(anItem())], padding: 'x'.repeat(300_000) },
        413,
        '',
      ],
    ])('%s', async (_, body, status, mention) => {
      const realBody =
        typeof body === 'string'
          ? body
          : JSON.stringify({
              ...body,
              orderId:
                'orderId' in body && body.orderId === 'x'
                  ? order.orderId
                  : (body as { orderId?: unknown }).orderId,
            });
      const response = await post('/orders/cancel', realBody);
      expect(response.status).toBe(status);
      expect(JSON.stringify(await response.json())).toContain(mention);
      await unchanged();
    });

    it('never answers 5xx to random bodies', async () => {
      const jsonish = fc.letrec((tie) => ({
        value: fc.oneof(
          { depthSize: 'small' },
          fc.string(),
          fc.integer(),
          fc.double(),
          fc.boolean(),
          fc.constant(null),
          fc.array(tie('value'), { maxLength: 4 }),
          fc.dictionary(fc.constantFrom('orderId', 'orderItems', 'quantity', '$gt', 'x'), tie('value'), {
            maxKeys: 4,
          }),
        ),
      })).value;
      const body = fc.oneof(
        jsonish,
        fc.record({
          orderId: fc.oneof(fc.constant(order.orderId), jsonish),
          orderItems: fc.oneof(
            fc.array(
              fc.record({
                orderItemId: jsonish,
                productId: jsonish,
                variantId: jsonish,
                quantity: fc.oneof(fc.integer(), jsonish),
              }),
              { maxLength: 3 },
            ),
            jsonish,
          ),
        }),
      );
      await fc.assert(
        fc.asyncProperty(body, async (value) => {
          const response = await post('/orders/cancel', JSON.stringify(value));
          expect(response.status).toBeLessThan(500);
        }),
        { numRuns: 150 },
      );
    });
  });
});

describe('announcing seller cancellations', () => {
  it('publishes accepted lines on order.cancelled with source unicommerce, and never pushes them back to Uniware', async () => {
    const reader = world.readTopic(env.TOPIC_ORDER_CANCELLED ?? '');
    const order = anOrder({ items: [anItem({ quantity: 3 })] });
    await world.seedOrder(order);
    await cancel({ orderId: order.orderId, orderItems: [lineFor(anItem(), 2)] });
    const [message] = await waitFor(
      () => reader.messages.filter((candidate) => candidate.key === order.orderId),
      (found) => found.length === 1,
      { what: 'the announcement on order.cancelled' },
    );
    expect(JSON.parse(message?.value ?? '{}')).toMatchObject({
      schemaVersion: 1,
      source: 'unicommerce',
      orderId: order.orderId,
      sellerId: 'seller-1',
      items: [{ orderItemId: 'item-1', productId: 'prod-1', variantId: 'var-1', quantity: 2 }],
    });
    // The service's own consumer has seen it by now (same topic); give the dispatcher time to act.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(sandbox.state.calls.list(order.orderId)).toEqual([]);
    expect(await world.stores.deliveryJobs.countByState()).toMatchObject({ pending: 0, delivered: 0 });
  });

  it('keeps the history of an order readable', async () => {
    const order = anOrder({ items: [anItem({ quantity: 3 })] });
    await world.seedOrder(order);
    await cancel({ orderId: order.orderId, orderItems: [lineFor(anItem(), 1)] });
    await cancel({ orderId: order.orderId, orderItems: [lineFor(anItem(), 9)] });
    const response = await fetch(`${api}/orders/${order.orderId}/cancellations`, {
      headers: { apikey: token },
    });
    expect(response.status).toBe(200);
    const history = (await response.json()) as { status: string }[] | { cancellations: { status: string }[] };
    const list = Array.isArray(history) ? history : history.cancellations;
    expect(list.map((record) => record.status)).toEqual(['SUCCESS', 'FAILED']);
  });
});
