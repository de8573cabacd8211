import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUniwareHttpClient, type UniwareClientConfig } from '../src/index.ts';
import { aCancelRequest, aClientConfig, CLIENT_ID, MERCHANT_ID, SECURITY_KEY } from './support/mothers.ts';
import { closedPort, type RawServer, startRawServer } from './support/raw-server.ts';

describe('the Uniware client at the edges of HTTP', () => {
  let server: RawServer;
  const clients: { close(): Promise<void> }[] = [];
  const clientFor = (overrides: Partial<UniwareClientConfig> = {}) => {
    const client = createUniwareHttpClient(aClientConfig({ baseUrl: server.url, ...overrides }));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await startRawServer();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    server.requests.length = 0;
    server.handle((_request, response) => response.end('{"status":"success","message":"ok","data":null}'));
  });
  afterAll(async () => server.close());

  it('POSTs the JSON body with exactly the documented headers, under a path prefix', async () => {
    const request = aCancelRequest();
    await clientFor({ baseUrl: `${server.url}/proxy/v2/` }).cancelOrder(MERCHANT_ID, request);

    const [seen] = server.requests;
    expect(seen?.method).toBe('POST');
    expect(seen?.url).toBe('/proxy/v2/uc/v1/order/cancel');
    expect(seen?.headers).toMatchObject({
      'content-type': 'application/json',
      clientid: CLIENT_ID,
      merchantid: MERCHANT_ID,
      securitykey: SECURITY_KEY,
    });
    expect(Object.keys(seen?.headers ?? {}).sort()).toEqual(
      [
        'clientid',
        'connection',
        'content-length',
        'content-type',
        'host',
        'merchantid',
        'securitykey',
      ].sort(),
    );
    expect(JSON.parse(seen?.body ?? '')).toEqual(request);
  });

  it.each([
    ['without a trailing slash', ''],
    ['with a trailing slash', '/'],
  ])('posts to /uc/v1/order/cancel from a base URL %s', async (_case, suffix) => {
    await clientFor({ baseUrl: `${server.url}${suffix}` }).cancelOrder(MERCHANT_ID, aCancelRequest());
    expect(server.requests[0]?.url).toBe('/uc/v1/order/cancel');
  });

  it('hands back a body that is not JSON as its raw text', async () => {
    server.handle((_request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<html>Bad Gateway</html>');
    });
    expect(await clientFor().cancelOrder(MERCHANT_ID, aCancelRequest())).toEqual({
      kind: 'response',
      httpStatus: 502,
      body: '<html>Bad Gateway</html>',
      retryAfter: undefined,
    });
  });

  it('parses a JSON body whatever content type it comes with', async () => {
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('{"status":"success","message":"done","data":null}');
    });
    expect(await clientFor().cancelOrder(MERCHANT_ID, aCancelRequest())).toMatchObject({
      body: { status: 'success', message: 'done' },
    });
  });

  it('reads no more than the cap of a huge body', async () => {
    server.handle((_request, response) => {
      response.writeHead(200);
      response.end('x'.repeat(1024 * 1024));
    });
    const answer = await clientFor({ maxResponseBytes: 1024 }).cancelOrder(MERCHANT_ID, aCancelRequest());
    expect(answer).toMatchObject({ kind: 'response', httpStatus: 200 });
    expect(answer.kind === 'response' && typeof answer.body === 'string' ? answer.body.length : -1).toBe(
      1024,
    );
  });

  it('passes on an HTTP-date Retry-After as sent', async () => {
    server.handle((_request, response) => {
      response.writeHead(429, { 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' });
      response.end();
    });
    expect(await clientFor().cancelOrder(MERCHANT_ID, aCancelRequest())).toEqual({
      kind: 'response',
      httpStatus: 429,
      body: '',
      retryAfter: 'Wed, 21 Oct 2026 07:28:00 GMT',
    });
  });

  it('reuses one keep-alive connection for sequential calls', async () => {
    const before = server.connections();
    const client = clientFor({ connections: 4 });
    for (let i = 0; i < 5; i += 1) await client.cancelOrder(MERCHANT_ID, aCancelRequest());
    expect(server.connections() - before).toBe(1);
    expect(new Set(server.requests.map((request) => request.remotePort)).size).toBe(1);
  });

  it('opens no more connections than configured, however many calls are in flight', async () => {
    server.handle((_request, response) => {
      setTimeout(() => response.end('{"status":"success","message":"ok","data":null}'), 50);
    });
    const before = server.connections();
    const client = clientFor({ connections: 2 });
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => client.cancelOrder(MERCHANT_ID, aCancelRequest())),
    );
    expect(answers.every((answer) => answer.kind === 'response' && answer.httpStatus === 200)).toBe(true);
    expect(server.connections() - before).toBe(2);
  });

  it('gives up on headers that never come, with the outcome unknown, within the timeout', async () => {
    server.handle(() => {});
    const startedAt = performance.now();
    const answer = await clientFor({ responseTimeoutMs: 200 }).cancelOrder(MERCHANT_ID, aCancelRequest());
    expect(answer).toMatchObject({
      kind: 'network-error',
      code: 'UND_ERR_HEADERS_TIMEOUT',
      outcomeUnknown: true,
    });
    expect(performance.now() - startedAt).toBeLessThan(600);
    expect(server.requests).toHaveLength(1);
  });

  it('gives up on a body that stalls, with the outcome unknown', async () => {
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"status":');
    });
    const answer = await clientFor({ responseTimeoutMs: 200 }).cancelOrder(MERCHANT_ID, aCancelRequest());
    expect(answer).toMatchObject({
      kind: 'network-error',
      code: 'UND_ERR_BODY_TIMEOUT',
      outcomeUnknown: true,
    });
  });

  it.each([
    ['reset', 'ECONNRESET'],
    ['closed', 'UND_ERR_SOCKET'],
  ])('reports a connection %s after the request arrived, with the outcome unknown', async (how, code) => {
    server.handle((request) =>
      how === 'reset' ? request.socket.resetAndDestroy() : request.socket.destroy(),
    );
    const answer = await clientFor().cancelOrder(MERCHANT_ID, aCancelRequest());
    expect(answer).toMatchObject({ kind: 'network-error', code, outcomeUnknown: true });
    expect(server.requests).toHaveLength(1);
  });

  it('reports a refused connection as surely not sent', async () => {
    const port = await closedPort();
    const answer = await clientFor({ baseUrl: `http://127.0.0.1:${port}` }).cancelOrder(
      MERCHANT_ID,
      aCancelRequest(),
    );
    expect(answer).toMatchObject({ kind: 'network-error', code: 'ECONNREFUSED', outcomeUnknown: false });
  });

  it('reports an unresolvable host as surely not sent', async () => {
    const answer = await clientFor({ baseUrl: 'http://uniware.invalid' }).cancelOrder(
      MERCHANT_ID,
      aCancelRequest(),
    );
    expect(answer).toMatchObject({ kind: 'network-error', outcomeUnknown: false });
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(answer.kind === 'network-error' ? answer.code : '');
  });

  it('sends nothing for a signal already aborted, and reports an abort in flight as unknown', async () => {
    const early = await clientFor().cancelOrder(MERCHANT_ID, aCancelRequest(), AbortSignal.abort());
    expect(early).toMatchObject({ kind: 'network-error', code: 'AbortError', outcomeUnknown: false });
    expect(server.requests).toHaveLength(0);

    server.handle(() => {});
    const late = await clientFor().cancelOrder(MERCHANT_ID, aCancelRequest(), AbortSignal.timeout(100));
    expect(late).toMatchObject({ kind: 'network-error', outcomeUnknown: true });
    expect(server.requests).toHaveLength(1);
  });

  it('never sends a call abandoned while it waited for a connection', async () => {
    server.handle(() => {});
    const client = clientFor({ connections: 1, responseTimeoutMs: 300 });
    const first = client.cancelOrder(MERCHANT_ID, aCancelRequest({ saleOrderCode: 'FIRST' }));
    const queued = await client.cancelOrder(
      MERCHANT_ID,
      aCancelRequest({ saleOrderCode: 'QUEUED' }),
      AbortSignal.timeout(50),
    );

    expect(queued).toMatchObject({ kind: 'network-error', code: 'TimeoutError', outcomeUnknown: false });
    expect(await first).toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT', outcomeUnknown: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.requests.map((request) => JSON.parse(request.body).saleOrderCode)).toEqual(['FIRST']);
  });

  it('reports calls after close as surely not sent, and closes more than once without harm', async () => {
    const client = clientFor();
    await client.close();
    await client.close();
    expect(await client.cancelOrder(MERCHANT_ID, aCancelRequest())).toMatchObject({
      kind: 'network-error',
      code: 'UND_ERR_CLOSED',
      outcomeUnknown: false,
    });
  });

  it('never puts the security key in an error message', async () => {
    const port = await closedPort();
    const answers = await Promise.all([
      clientFor({ baseUrl: `http://127.0.0.1:${port}` }).cancelOrder(MERCHANT_ID, aCancelRequest()),
      clientFor().cancelOrder('bad\r\nmerchant', aCancelRequest()),
    ]);
    for (const answer of answers) {
      expect(answer.kind).toBe('network-error');
      expect(JSON.stringify(answer)).not.toContain(SECURITY_KEY);
    }
    expect(answers[1]).toMatchObject({ outcomeUnknown: false });
  });
});
