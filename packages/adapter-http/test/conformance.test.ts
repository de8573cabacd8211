/** Two gaps the OpenAPI fuzzing found: over-long path parameters, and methods a path does not have. */
import { describe, expect, it } from 'vitest';
import { buildTestApi, tokenFor } from './harness.ts';

describe('a path parameter over 256 characters', () => {
  it('is answered 414 in the service’s own error format, with X-Request-Id, not echoing the path', async () => {
    const { app, world } = await buildTestApi();
    world.givenSeller();
    const token = await tokenFor(app);
    const long = 'x'.repeat(300);

    const response = await app.inject({
      url: `/orders/${long}/cancellations`,
      headers: { apikey: token, 'x-request-id': 'req-414' },
    });

    expect(response.statusCode).toBe(414);
    expect(response.headers['x-request-id']).toBe('req-414');
    expect(response.json()).toEqual({
      status: 'FAILED',
      code: 'URI_TOO_LONG',
      message: 'a path parameter is longer than 256 characters',
      requestId: 'req-414',
    });
    expect(response.body).not.toContain(long);
  });

  it('is in the OpenAPI document', async () => {
    const { app } = await buildTestApi();
    const document = (await app.inject({ url: '/openapi.json' })).json();
    expect(document.paths['/orders/{orderId}/cancellations'].get.responses).toHaveProperty('414');
  });
});

describe('a method the path does not have', () => {
  it.each([
    ['PUT', '/orders/cancel', 'POST'],
    ['DELETE', '/orders/SO-1/cancellations', 'GET, HEAD'],
    ['PATCH', '/authToken', 'GET, HEAD, POST'],
  ])('%s %s is answered 405 with Allow: %s', async (method, url, allow) => {
    const { app } = await buildTestApi();

    const response = await app.inject({
      method: method as 'PUT',
      url,
      headers: { 'x-request-id': 'req-405' },
    });

    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe(allow);
    expect(response.json()).toEqual({
      status: 'FAILED',
      code: 'METHOD_NOT_ALLOWED',
      message: `${method} is not allowed on ${url}; allowed: ${allow}`,
      requestId: 'req-405',
    });
  });

  it('still answers 404 for a path that does not exist', async () => {
    const { app } = await buildTestApi();
    expect((await app.inject({ method: 'PUT', url: '/nowhere' })).statusCode).toBe(404);
  });
});
