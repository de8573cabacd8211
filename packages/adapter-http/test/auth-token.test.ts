import { describe, expect, it } from 'vitest';
import { buildTestApi } from './harness.ts';
import { aSeller, PASSWORD } from './mothers.ts';

const seller = aSeller();
const query = (params: Record<string, string>) => `/authToken?${new URLSearchParams(params).toString()}`;

describe('GET /authToken', () => {
  it('trades the right credentials for a token usable as apiKey', async () => {
    const { app, world } = await buildTestApi();
    world.givenSeller(seller);

    const response = await app.inject({ url: query({ username: seller.username, password: PASSWORD }) });

    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json<{ status: string; accessToken: string }>();
    expect(Object.keys(body).sort()).toEqual(['accessToken', 'status']);
    expect(body.status).toBe('SUCCESS');
    const history = await app.inject({
      url: '/orders/SO-1/cancellations',
      headers: { apiKey: body.accessToken },
    });
    expect(history.statusCode).toBe(200);
  });

  it.each([
    ['a wrong password', { username: seller.username, password: 'not-the-password' }],
    ['an unknown username', { username: 'nobody', password: PASSWORD }],
  ])('answers 401 FAILED for %s', async (_case, credentials) => {
    const { app, world } = await buildTestApi();
    world.givenSeller(seller);

    const response = await app.inject({ url: query(credentials) });

    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ status: 'FAILED', message: 'invalid username or password' });
    expect(world.tokens.tokens.size).toBe(0);
  });

  it.each([
    ['no password', '/authToken?username=u', '/password'],
    ['no username', '/authToken?password=p', '/username'],
    ['an empty password', '/authToken?username=u&password=', '/password'],
    ['a repeated password', '/authToken?username=u&password=a&password=b', '/password'],
  ])('answers 400 naming the field for %s', async (_case, url, path) => {
    const { app } = await buildTestApi();

    const response = await app.inject({ url });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      status: 'FAILED',
      code: 'INVALID_REQUEST',
      errors: [expect.objectContaining({ in: 'querystring', path })],
    });
  });
});

describe('POST /authToken', () => {
  it('trades the right credentials for a token', async () => {
    const { app, world } = await buildTestApi();
    world.givenSeller(seller);

    const response = await app.inject({
      method: 'POST',
      url: '/authToken',
      payload: { username: seller.username, password: PASSWORD, extra: 'ignored' },
    });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'SUCCESS', accessToken: expect.any(String) });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('answers 401 INVALID_CREDENTIALS for a wrong password', async () => {
    const { app, world } = await buildTestApi();
    world.givenSeller(seller);

    const response = await app.inject({
      method: 'POST',
      url: '/authToken',
      payload: { username: seller.username, password: 'wrong' },
    });

    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      status: 'INVALID_CREDENTIALS',
      message: 'invalid username or password',
    });
  });

  it.each([
    ['no username', { password: PASSWORD }, '/username', 'is required'],
    ['no password', { username: 'u' }, '/password', 'is required'],
    ['a number for a username', { username: 42, password: PASSWORD }, '/username', 'must be string'],
    [
      'an operator object for a password',
      { username: 'u', password: { $gt: '' } },
      '/password',
      'must be string',
    ],
  ])('answers 400 naming the field for %s', async (_case, payload, path, message) => {
    const { app, world } = await buildTestApi();
    world.givenSeller(seller);

    const response = await app.inject({ method: 'POST', url: '/authToken', payload });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      status: 'FAILED',
      code: 'INVALID_REQUEST',
      errors: [{ in: 'body', path, message }],
    });
  });

  it('answers 415 for a form-encoded body', async () => {
    const { app } = await buildTestApi();

    const response = await app.inject({
      method: 'POST',
      url: '/authToken',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `username=u&password=${PASSWORD}`,
    });

    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ status: 'FAILED', code: 'UNSUPPORTED_MEDIA_TYPE' });
  });
});
