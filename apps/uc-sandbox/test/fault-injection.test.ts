import { afterEach, describe, expect, it } from 'vitest';
import { type FaultsUpdate, type RunningSandbox, startSandbox } from '../src/index.ts';
import { type InMemorySandbox, inMemorySandbox } from './support/in-memory-sandbox.ts';
import { aCancelRequest, testOptions, validHeaders } from './support/mothers.ts';
import { post } from './support/raw-http.ts';

const cancelUrl = (sandbox: RunningSandbox) => `${sandbox.url}/uc/v1/order/cancel`;

describe('injected faults, through inject()', () => {
  let sandbox: InMemorySandbox;
  afterEach(async () => sandbox.app.close());

  const statuses = async (faults: FaultsUpdate, calls: number): Promise<number[]> => {
    sandbox = await inMemorySandbox({ faults });
    const seen: number[] = [];
    for (let i = 0; i < calls; i += 1) seen.push((await sandbox.cancel()).statusCode);
    await sandbox.app.close();
    return seen;
  };

  it('answers the configured 5xx at about the configured rate, the same way for the same seed', async () => {
    const faults: FaultsUpdate = { seed: 42, serverError: { rate: 0.2, status: 502 } };
    const first = await statuses(faults, 400);
    const again = await statuses(faults, 100);
    const otherSeed = await statuses({ ...faults, seed: 7 }, 100);

    const share = first.filter((status) => status === 502).length / first.length;
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.25);
    expect(new Set(first)).toEqual(new Set([200, 502]));
    expect(again).toEqual(first.slice(0, 100));
    expect(otherSeed).not.toEqual(first.slice(0, 100));
  }, 20_000);

  it('applies nothing for a 5xx decided before applying', async () => {
    sandbox = await inMemorySandbox({ faults: { serverError: { rate: 1, status: 500 } } });
    const response = await sandbox.cancel();
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ status: 'failure', message: 'Injected fault: HTTP 500', data: null });
    expect(sandbox.state.orders.view('SO-1')).toBeUndefined();
    expect(sandbox.state.calls.list()[0]).toMatchObject({
      fault: { kind: 'server-error', phase: 'before-apply' },
      applied: false,
      answerSent: true,
    });
  });

  it('applies the cancellation and still answers 503 for a 5xx decided after applying', async () => {
    sandbox = await inMemorySandbox({
      faults: { serverError: { rate: 1, status: 503, phase: 'after-apply' } },
    });
    expect((await sandbox.cancel()).statusCode).toBe(503);
    expect(sandbox.state.orders.view('SO-1')?.skus[0]?.cancelled).toBe(1);
    expect(sandbox.state.calls.list()[0]).toMatchObject({
      fault: { kind: 'server-error', phase: 'after-apply' },
      applied: true,
      answer: { httpStatus: 503 },
    });
  });

  it('answers 429 with Retry-After', async () => {
    sandbox = await inMemorySandbox({ faults: { tooManyRequests: { rate: 1, retryAfterSeconds: 7 } } });
    const response = await sandbox.cancel();
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
    expect(response.json()).toMatchObject({ status: 'failure' });
    expect(sandbox.state.calls.list()[0]).toMatchObject({ answer: { httpStatus: 429, retryAfter: '7' } });
  });

  it('changes faults at run time, and refuses rates that add up past 1', async () => {
    sandbox = await inMemorySandbox();
    const put = (payload: object) => sandbox.app.inject({ method: 'PUT', url: '/__sandbox/faults', payload });

    const accepted = await put({ tooManyRequests: { rate: 1, retryAfterSeconds: 3 } });
    expect(accepted.json()).toMatchObject({ tooManyRequests: { rate: 1, retryAfterSeconds: 3 }, seed: null });
    expect((await sandbox.cancel()).statusCode).toBe(429);

    expect((await put({ drop: { rate: 0.6 }, hang: { rate: 0.6 } })).json()).toMatchObject({
      message: 'the fault rates add up to 1.2, more than 1',
    });
    expect((await put({ drop: { rate: 2 } })).statusCode).toBe(400);
    expect((await put({ typo: true })).statusCode).toBe(400);
    expect((await put({})).statusCode).toBe(200);
    expect((await sandbox.cancel()).statusCode).toBe(200);
  });

  it('draws latency from the configured distribution', async () => {
    sandbox = await inMemorySandbox({
      faults: { seed: 1, latency: { kind: 'uniform', minMs: 0, maxMs: 20 } },
    });
    for (let i = 0; i < 30; i += 1) await sandbox.cancel();
    const uniform = sandbox.state.calls.list().map((call) => call.latencyMs);
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...uniform)).toBeLessThanOrEqual(20);
    expect(new Set(uniform).size).toBeGreaterThan(5);

    sandbox.state.setFaults({ latency: { kind: 'normal', meanMs: 10, jitterMs: 2 } });
    sandbox.state.calls.clear();
    for (let i = 0; i < 30; i += 1) await sandbox.cancel();
    const normal = sandbox.state.calls.list().map((call) => call.latencyMs);
    const mean = normal.reduce((sum, value) => sum + value, 0) / normal.length;
    expect(mean).toBeGreaterThan(8);
    expect(mean).toBeLessThan(12);
    expect(Math.min(...normal)).toBeGreaterThanOrEqual(4);
    expect(Math.max(...normal)).toBeLessThanOrEqual(16);
  });
});

describe('injected faults, over real connections', () => {
  let sandbox: RunningSandbox;
  afterEach(async () => sandbox.close());

  it('delays the answer by a fixed latency', async () => {
    sandbox = await startSandbox(testOptions({ faults: { latency: { kind: 'fixed', ms: 150 } } }));
    const outcome = await post(cancelUrl(sandbox), aCancelRequest(), validHeaders());
    expect(outcome).toMatchObject({ kind: 'response', status: 200 });
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(140);
  });

  it('hangs after applying: the client times out, the log shows an applied call never answered', async () => {
    sandbox = await startSandbox(testOptions({ faults: { hang: { rate: 1 } } }));
    const outcome = await post(cancelUrl(sandbox), aCancelRequest(), validHeaders(), 300);

    expect(outcome).toMatchObject({ kind: 'error', code: 'TIMEOUT' });
    expect(sandbox.state.orders.view('SO-1')?.skus[0]?.cancelled).toBe(1);
    expect(sandbox.state.calls.list()[0]).toMatchObject({
      fault: { kind: 'hang', phase: 'after-apply' },
      applied: true,
      answer: { httpStatus: 200, body: { status: 'success' } },
      answerSent: false,
    });
    expect(sandbox.state.calls.stats()).toMatchObject({
      applied: 1,
      appliedUnanswered: 1,
      byFault: { hang: 1 },
    });
  });

  it('can answer a hung call late, past a short client timeout', async () => {
    sandbox = await startSandbox(testOptions({ faults: { hang: { rate: 1, answerAfterMs: 300 } } }));
    const patient = await post(cancelUrl(sandbox), aCancelRequest(), validHeaders(), 2_000);
    expect(patient).toMatchObject({ kind: 'response', status: 200, body: { status: 'success' } });
    expect(patient.elapsedMs).toBeGreaterThanOrEqual(280);

    const impatient = await post(cancelUrl(sandbox), aCancelRequest(), validHeaders(), 100);
    expect(impatient).toMatchObject({ kind: 'error', code: 'TIMEOUT' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(sandbox.state.calls.list().map((call) => call.answerSent)).toEqual([true, false]);
  });

  it('drops the connection without an answer, before or after applying', async () => {
    sandbox = await startSandbox(testOptions({ faults: { drop: { rate: 1 } } }));
    const before = await post(cancelUrl(sandbox), aCancelRequest(), validHeaders());
    expect(before).toMatchObject({ kind: 'error', code: 'ECONNRESET' });
    expect(sandbox.state.orders.view('SO-1')).toBeUndefined();

    sandbox.state.setFaults({ drop: { rate: 1, phase: 'after-apply' } });
    const after = await post(cancelUrl(sandbox), aCancelRequest(), validHeaders());
    expect(after).toMatchObject({ kind: 'error', code: 'ECONNRESET' });
    expect(sandbox.state.orders.view('SO-1')?.skus[0]?.cancelled).toBe(1);
    expect(sandbox.state.calls.list()).toMatchObject([
      { fault: { kind: 'drop', phase: 'before-apply' }, applied: false, answer: null, answerSent: false },
      { fault: { kind: 'drop', phase: 'after-apply' }, applied: true, answerSent: false },
    ]);
  });

  it('closes promptly even with a connection held open by a hang', async () => {
    sandbox = await startSandbox(testOptions({ faults: { hang: { rate: 1 } } }));
    const pending = post(cancelUrl(sandbox), aCancelRequest(), validHeaders(), 30_000);
    await expect.poll(() => sandbox.state.calls.list().length).toBe(1);

    const startedAt = performance.now();
    await sandbox.close();
    expect(performance.now() - startedAt).toBeLessThan(1_000);
    expect(await pending).toMatchObject({ kind: 'error' });
  });
});
