import { inspect } from 'node:util';
import { classifyUniwareAnswer } from '@cancel-sync/domain';
import { type RunningSandbox, startSandbox } from '@cancel-sync/uc-sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUniwareHttpClient, type UniwareClientConfig } from '../src/index.ts';
import { aCancelRequest, aClientConfig, CLIENT_ID, MERCHANT_ID, SECURITY_KEY } from './support/mothers.ts';

describe('the Uniware client against the sandbox', () => {
  let sandbox: RunningSandbox;
  const clients: { close(): Promise<void> }[] = [];
  const clientFor = (overrides: Partial<UniwareClientConfig> = {}) => {
    const client = createUniwareHttpClient(aClientConfig({ baseUrl: sandbox.url, ...overrides }));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ clientId: CLIENT_ID, securityKey: SECURITY_KEY, logLevel: 'silent' });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    sandbox.state.reset();
  });
  afterAll(async () => sandbox.close());

  it('delivers a cancellation: 200 with status success', async () => {
    const answer = await clientFor().cancelOrder(MERCHANT_ID, aCancelRequest());
    expect(answer).toEqual({
      kind: 'response',
      httpStatus: 200,
      body: { status: 'success', message: 'Successfully updated Order detail', data: null },
      retryAfter: undefined,
    });
    expect(classifyUniwareAnswer(answer, new Date())).toEqual({ verdict: 'delivered' });
    expect(sandbox.state.orders.view('SO-1001')?.skus[0]?.cancelled).toBe(1);
  });

  it('sends the three headers and the body as Uniware documents them', async () => {
    const request = aCancelRequest();
    await clientFor({ baseUrl: `${sandbox.url}/` }).cancelOrder(MERCHANT_ID, request);
    expect(sandbox.state.calls.list()).toMatchObject([
      {
        headers: {
          contentType: 'application/json',
          clientId: CLIENT_ID,
          merchantId: MERCHANT_ID,
          securityKey: 'valid',
        },
        body: request,
      },
    ]);
  });

  it('reports a refusal with its message: 200 with status failure', async () => {
    sandbox.state.orders.seed('SO-1001', { skus: [{ productId: 'P-1', variantId: 'V-1', quantity: 1 }] });
    const request = aCancelRequest({
      cancelledSkuCodes: [{ quantity: 2, productId: 'P-1', variantId: 'V-1' }],
    });
    const answer = await clientFor().cancelOrder(MERCHANT_ID, request);
    expect(answer).toMatchObject({ kind: 'response', httpStatus: 200, body: { status: 'failure' } });
    expect(classifyUniwareAnswer(answer, new Date())).toMatchObject({
      verdict: 'rejected',
      message: expect.stringContaining('only 1 remain(s) cancellable'),
    });
  });

  it('reports 401 for a wrong security key without ever repeating a key', async () => {
    const wrongKey = 'not-the-right-key-123';
    const client = clientFor({ securityKey: wrongKey });
    const answer = await client.cancelOrder(MERCHANT_ID, aCancelRequest());
    expect(answer).toMatchObject({ kind: 'response', httpStatus: 401 });
    expect(classifyUniwareAnswer(answer, new Date())).toMatchObject({ verdict: 'auth-failure' });
    expect(JSON.stringify(answer)).not.toContain(wrongKey);
    expect(inspect(client, { depth: 10, showHidden: true })).not.toContain(wrongKey);
    expect(JSON.stringify(client)).not.toContain(wrongKey);
  });

  it('passes on 429 with its Retry-After', async () => {
    sandbox.state.setFaults({ tooManyRequests: { rate: 1, retryAfterSeconds: 7 } });
    const answer = await clientFor().cancelOrder(MERCHANT_ID, aCancelRequest());
    expect(answer).toMatchObject({ kind: 'response', httpStatus: 429, retryAfter: '7' });
    expect(classifyUniwareAnswer(answer, new Date())).toMatchObject({
      verdict: 'retryable',
      retryAfterMs: 7_000,
    });
  });

  it('passes on a 503', async () => {
    sandbox.state.setFaults({ serverError: { rate: 1, status: 503 } });
    const answer = await clientFor().cancelOrder(MERCHANT_ID, aCancelRequest());
    expect(answer).toMatchObject({
      kind: 'response',
      httpStatus: 503,
      body: { status: 'failure', message: 'Injected fault: HTTP 503' },
    });
  });

  it('gives up on a hang within the response timeout, with the outcome unknown', async () => {
    sandbox.state.setFaults({ hang: { rate: 1 } });
    const startedAt = performance.now();
    const answer = await clientFor({ responseTimeoutMs: 300 }).cancelOrder(MERCHANT_ID, aCancelRequest());
    const elapsed = performance.now() - startedAt;

    expect(answer).toMatchObject({
      kind: 'network-error',
      code: 'UND_ERR_HEADERS_TIMEOUT',
      outcomeUnknown: true,
    });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(800);
    // The very case outcomeUnknown exists for: Uniware applied it, we never heard.
    expect(sandbox.state.calls.stats()).toMatchObject({ applied: 1, appliedUnanswered: 1 });
  });

  it('reports a dropped connection with the outcome unknown', async () => {
    sandbox.state.setFaults({ drop: { rate: 1, phase: 'after-apply' } });
    const answer = await clientFor().cancelOrder(MERCHANT_ID, aCancelRequest());
    expect(answer).toMatchObject({ kind: 'network-error', outcomeUnknown: true });
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(answer.kind === 'network-error' ? answer.code : '');
  });
});
