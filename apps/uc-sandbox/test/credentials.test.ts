import { afterEach, describe, expect, it } from 'vitest';
import { type InMemorySandbox, inMemorySandbox } from './support/in-memory-sandbox.ts';
import { aCancelRequest, validHeaders } from './support/mothers.ts';

describe('the clientid, merchantid and securitykey headers', () => {
  let sandbox: InMemorySandbox;
  afterEach(async () => sandbox.app.close());

  it('accepts a call that carries all three', async () => {
    sandbox = await inMemorySandbox();
    const response = await sandbox.cancel();
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'success',
      message: 'Successfully updated Order detail',
      data: null,
    });
  });

  it.each([
    ['clientid', 'Missing clientid or securitykey header'],
    ['securitykey', 'Missing clientid or securitykey header'],
    ['merchantid', 'Missing merchantid header'],
  ])('answers 401 when %s is missing', async (header, message) => {
    sandbox = await inMemorySandbox();
    const headers = validHeaders();
    delete headers[header];
    const response = await sandbox.cancel(aCancelRequest(), headers);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ status: 'failure', message, data: null });
  });

  it.each([
    ['clientid', 'someone-else'],
    ['securitykey', 'not-the-key'],
  ])('answers 401 when %s is wrong', async (header, value) => {
    sandbox = await inMemorySandbox();
    const response = await sandbox.cancel(aCancelRequest(), { ...validHeaders(), [header]: value });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ status: 'failure', message: 'Invalid clientid or securitykey' });
  });

  it('answers 401 for an empty merchantid', async () => {
    sandbox = await inMemorySandbox();
    const response = await sandbox.cancel(aCancelRequest(), validHeaders(' '));
    expect(response.statusCode).toBe(401);
  });

  it('answers 403 for a merchant outside the configured list, and 200 for one in it', async () => {
    sandbox = await inMemorySandbox({ merchants: ['merchant-a', 'merchant-b'] });
    const stranger = await sandbox.cancel(aCancelRequest(), validHeaders('merchant-z'));
    expect(stranger.statusCode).toBe(403);
    expect(stranger.json()).toMatchObject({ status: 'failure', message: 'Unknown merchant merchant-z' });
    expect((await sandbox.cancel(aCancelRequest(), validHeaders('merchant-b'))).statusCode).toBe(200);
  });

  it('checks credentials before the body, and applies nothing for a refused call', async () => {
    sandbox = await inMemorySandbox();
    const response = await sandbox.cancel({ nonsense: true }, { ...validHeaders(), securitykey: 'wrong' });
    expect(response.statusCode).toBe(401);
    expect(sandbox.state.orders.view('SO-1')).toBeUndefined();
  });
});
