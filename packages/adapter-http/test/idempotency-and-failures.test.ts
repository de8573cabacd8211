import { describe, expect, it } from 'vitest';
import type { CancelFromUniware } from '../src/index.ts';
import { buildTestApi, postCancel, tokenFor } from './harness.ts';
import { aCancelBody, aLineFor, anItem, anOrder } from './mothers.ts';

const item = anItem({ quantity: 3 });
const body = aCancelBody(anOrder(), [aLineFor(item, 1)]);

const given = async (overrides: Parameters<typeof buildTestApi>[0] = {}) => {
  const api = await buildTestApi(overrides);
  api.world.givenSeller();
  api.world.ledger.given(anOrder({ items: [item] }));
  return { ...api, token: await tokenFor(api.app) };
};

describe('Idempotency-Key', () => {
  it('answers a retry with the same key and body from the first request', async () => {
    const { app, world, token } = await given();

    const first = await postCancel(app, token, body, { 'idempotency-key': 'key-1' });
    world.clock.advance(60 * 60 * 1000); // past the keyless duplicate window, within the key's
    const retry = await postCancel(app, token, body, { 'idempotency-key': 'key-1' });

    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(world.ledger.orderOf('SO-1')?.items[0]?.cancelledQuantity).toBe(1);
  });

  it('answers 422 when the key comes back with another body, changing nothing', async () => {
    const { app, world, token } = await given();
    await postCancel(app, token, body, { 'idempotency-key': 'key-1' });

    const reused = await postCancel(app, token, aCancelBody(anOrder(), [aLineFor(item, 2)]), {
      'idempotency-key': 'key-1',
    });

    expect(reused.statusCode).toBe(422);
    expect(reused.json()).toEqual({
      status: 'FAILED',
      code: 'IDEMPOTENCY_KEY_REUSED',
      message: 'this Idempotency-Key was already used with a different request body',
      requestId: expect.any(String),
    });
    expect(world.ledger.orderOf('SO-1')?.items[0]?.cancelledQuantity).toBe(1);
  });
});

describe('failures of the service', () => {
  it('answers 503 with Retry-After when the order keeps changing under the write', async () => {
    const { app, world, token } = await given();
    world.ledger.alwaysConflict = true;

    const response = await postCancel(app, token, body);

    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toEqual({
      status: 'FAILED',
      code: 'WRITE_CONFLICT',
      message: 'the order is being changed by another request; try again',
      requestId: response.headers['x-request-id'],
    });
  });

  it('answers 500 without the internal message, and logs the error under the request id', async () => {
    const { app, world, logs, token } = await given();
    world.ledger.failure = new Error('MongoServerError: auth failed for mongodb://admin:hunter2@db:27017');

    const response = await postCancel(app, token, body, { 'x-request-id': 'req-500' });

    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      status: 'FAILED',
      code: 'INTERNAL_ERROR',
      message: 'internal error',
      requestId: 'req-500',
    });
    expect(response.body).not.toContain('hunter2');
    const logged = logs.entries().find((entry) => entry.msg === 'request failed');
    expect(logged).toMatchObject({
      level: 50,
      reqId: 'req-500',
      err: { message: expect.stringContaining('hunter2') },
    });
  });

  it('answers 503 TIMEOUT when the use case outlives the handler timeout', async () => {
    const never: CancelFromUniware = () => new Promise(() => undefined);
    const { app, token } = await given({
      cancelFromUniware: never,
      timeouts: { handlerMs: 50, writeGraceMs: 50 },
    });

    const response = await postCancel(app, token, body);

    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toMatchObject({ status: 'FAILED', code: 'TIMEOUT' });
  });
});
