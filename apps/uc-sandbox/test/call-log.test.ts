import { afterEach, describe, expect, it } from 'vitest';
import { type InMemorySandbox, inMemorySandbox } from './support/in-memory-sandbox.ts';
import { aCancelRequest, SECURITY_KEY, validHeaders } from './support/mothers.ts';

describe('the call log', () => {
  let sandbox: InMemorySandbox;
  afterEach(async () => sandbox.app.close());

  const calls = async (query = '') => (await sandbox.app.inject({ url: `/__sandbox/calls${query}` })).json();

  it('records the headers of interest, the body and the answer of every call', async () => {
    sandbox = await inMemorySandbox();
    const request = aCancelRequest();
    await sandbox.cancel(request, validHeaders('merchant-a'));

    expect(await calls()).toEqual([
      {
        seq: 1,
        receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        saleOrderCode: 'SO-1',
        headers: {
          contentType: 'application/json',
          clientId: 'test-client',
          merchantId: 'merchant-a',
          securityKey: 'valid',
        },
        body: request,
        latencyMs: 0,
        fault: null,
        applied: true,
        answer: {
          httpStatus: 200,
          body: { status: 'success', message: 'Successfully updated Order detail', data: null },
        },
        answerSent: true,
      },
    ]);
  });

  it('records refused calls and never the security key itself', async () => {
    sandbox = await inMemorySandbox();
    await sandbox.cancel(aCancelRequest(), { ...validHeaders(), securitykey: 'a-guess' });
    await sandbox.cancel('not json', validHeaders());

    const [refused, unreadable] = await calls();
    expect(refused).toMatchObject({
      headers: { securityKey: 'invalid' },
      applied: false,
      answer: { httpStatus: 401 },
    });
    expect(unreadable).toMatchObject({ saleOrderCode: null, applied: false, answer: { httpStatus: 400 } });
    const raw = (await sandbox.app.inject({ url: '/__sandbox/calls' })).body;
    expect(raw).not.toContain(SECURITY_KEY);
    expect(raw).not.toContain('a-guess');
  });

  it('filters by sale order code', async () => {
    sandbox = await inMemorySandbox();
    await sandbox.cancel(aCancelRequest({ saleOrderCode: 'A' }));
    await sandbox.cancel(aCancelRequest({ saleOrderCode: 'B' }));
    await sandbox.cancel(aCancelRequest({ saleOrderCode: 'A' }));
    expect((await calls('?saleOrderCode=A')).map((call: { seq: number }) => call.seq)).toEqual([1, 3]);
  });

  it('forgets calls on DELETE, and everything on reset', async () => {
    sandbox = await inMemorySandbox();
    await sandbox.cancel();
    expect((await sandbox.app.inject({ method: 'DELETE', url: '/__sandbox/calls' })).statusCode).toBe(204);
    expect(await calls()).toEqual([]);
    expect(sandbox.state.orders.view('SO-1')).toBeDefined();

    await sandbox.app.inject({
      method: 'PUT',
      url: '/__sandbox/faults',
      payload: { serverError: { rate: 1 } },
    });
    await sandbox.cancel();
    expect((await sandbox.app.inject({ method: 'POST', url: '/__sandbox/reset' })).statusCode).toBe(204);
    expect(await calls()).toEqual([]);
    expect(sandbox.state.orders.view('SO-1')).toBeUndefined();
    expect(sandbox.state.faults.serverError.rate).toBe(0);
  });

  it('keeps counters that tell applied calls from answered ones', async () => {
    sandbox = await inMemorySandbox();
    await sandbox.cancel();
    await sandbox.cancel(aCancelRequest(), { ...validHeaders(), clientid: 'nobody' });
    const stats = (await sandbox.app.inject({ url: '/__sandbox/stats' })).json();
    expect(stats).toEqual({
      calls: 2,
      applied: 1,
      answered: 2,
      appliedUnanswered: 0,
      byStatus: { '200': 1, '401': 1 },
      byFault: {},
    });
  });

  it('keeps only the most recent calls beyond its bound', async () => {
    sandbox = await inMemorySandbox({ maxRecordedCalls: 10 });
    for (let i = 0; i < 25; i += 1) await sandbox.cancel();
    const kept = await calls();
    expect(kept.length).toBeLessThanOrEqual(10);
    expect(kept.at(-1).seq).toBe(25);
    expect(sandbox.state.calls.stats().calls).toBe(25);
  });
});
