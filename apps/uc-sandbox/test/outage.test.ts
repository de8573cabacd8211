import { afterEach, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../src/index.ts';
import { aCancelRequest, testOptions, validHeaders } from './support/mothers.ts';
import { post } from './support/raw-http.ts';

const cancelUrl = (sandbox: RunningSandbox) => `${sandbox.url}/uc/v1/order/cancel`;

describe('an outage', () => {
  let sandbox: RunningSandbox;
  afterEach(async () => sandbox.close());

  it('refuses connections while down, then answers on the same port with its orders, calls and faults', async () => {
    sandbox = await startSandbox(testOptions());
    expect((await post(cancelUrl(sandbox), aCancelRequest(), validHeaders())).kind).toBe('response');
    sandbox.state.setFaults({ tooManyRequests: { rate: 1, retryAfterSeconds: 7 } });

    await sandbox.goDown();
    const down = await post(cancelUrl(sandbox), aCancelRequest(), validHeaders());
    expect(down).toMatchObject({ kind: 'error', code: 'ECONNREFUSED' });

    await sandbox.comeBack();
    const back = await post(cancelUrl(sandbox), aCancelRequest(), validHeaders());
    expect(back).toMatchObject({ kind: 'response', status: 429, headers: { 'retry-after': '7' } });
    expect(sandbox.state.calls.stats()).toMatchObject({ calls: 2, applied: 1 });
    expect(sandbox.state.orders.view('SO-1')?.skus[0]).toMatchObject({ cancelled: 1 });
  });

  it('ends a call held open when it goes down: the client sees the connection end', async () => {
    sandbox = await startSandbox(testOptions({ faults: { hang: { rate: 1, answerAfterMs: null } } }));
    const held = post(cancelUrl(sandbox), aCancelRequest(), validHeaders(), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await sandbox.goDown();
    expect((await held).kind).toBe('error');
  });
});
