import { describe, expect, it } from 'vitest';
import { buildTestApi } from './harness.ts';

describe('probes', () => {
  it('GET /healthz answers 200 while the process runs, even when not ready', async () => {
    const { app, world } = await buildTestApi();
    world.readiness = { ready: false, checks: { mongodb: 'unreachable' } };

    const response = await app.inject({ url: '/healthz' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'UP' });
  });

  it('GET /readyz answers 200 with the checks when ready', async () => {
    const { app } = await buildTestApi();

    const response = await app.inject({ url: '/readyz' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ready: true, checks: { mongodb: 'ok', kafka: 'ok' } });
  });

  it('GET /readyz answers 503 with the checks when not ready', async () => {
    const { app, world } = await buildTestApi();
    world.readiness = { ready: false, checks: { mongodb: 'ok', kafka: 'no broker answers' } };

    const response = await app.inject({ url: '/readyz' });

    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ ready: false, checks: { mongodb: 'ok', kafka: 'no broker answers' } });
  });

  it('GET /readyz stays 200 and names what is degraded: a dependency that does not decide readiness', async () => {
    const { app, world } = await buildTestApi();
    world.readiness = {
      ready: true,
      checks: { mongodb: 'ok', kafka: 'ok' },
      degraded: { uniware: 'calls failing since 2026-12-01T10:00:00.000Z (12 in a row, last ECONNREFUSED)' },
    };

    const response = await app.inject({ url: '/readyz' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(world.readiness);
  });

  it('GET /readyz answers 503 without the message when the check itself throws', async () => {
    const { app } = await buildTestApi({
      ready: async () => {
        throw new Error('connect ECONNREFUSED 10.1.2.3:27017');
      },
    });

    const response = await app.inject({ url: '/readyz' });

    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ ready: false, checks: { readiness: 'the check failed' } });
  });
});

describe('request ids', () => {
  it('echoes a sane X-Request-Id and tags every log line of the request with it', async () => {
    const { app, logs } = await buildTestApi();

    const response = await app.inject({
      url: '/authToken?username=u',
      headers: { 'x-request-id': 'uc-abc.123' },
    });

    expect(response.headers['x-request-id']).toBe('uc-abc.123');
    expect(response.json()).toMatchObject({ requestId: 'uc-abc.123' });
    const lines = logs.entries().filter((entry) => entry.reqId !== undefined);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.every((entry) => entry.reqId === 'uc-abc.123')).toBe(true);
  });

  it.each([
    ['with spaces', 'not a sane id'],
    ['too long', 'x'.repeat(129)],
    ['with a newline escape', 'abc\\ndef'],
  ])('replaces an X-Request-Id %s by a UUID', async (_case, offered) => {
    const { app } = await buildTestApi();

    const response = await app.inject({ url: '/healthz', headers: { 'x-request-id': offered } });

    expect(response.headers['x-request-id']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('unknown routes', () => {
  it('answer 404 in JSON', async () => {
    const { app } = await buildTestApi();

    const response = await app.inject({ method: 'DELETE', url: '/orders/nowhere' });

    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      status: 'FAILED',
      code: 'NOT_FOUND',
      message: 'no route DELETE /orders/nowhere',
      requestId: response.headers['x-request-id'],
    });
  });
});

describe('settings', () => {
  it('refuses a limit that is not a positive whole number', async () => {
    await expect(buildTestApi({ limits: { maxLinesPerRequest: 0 } })).rejects.toThrow(/maxLinesPerRequest/);
    await expect(buildTestApi({ timeouts: { handlerMs: 1.5 } })).rejects.toThrow(/handlerMs/);
  });
});
