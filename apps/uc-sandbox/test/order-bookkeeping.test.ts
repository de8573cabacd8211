import { afterEach, describe, expect, it } from 'vitest';
import { type InMemorySandbox, inMemorySandbox } from './support/in-memory-sandbox.ts';
import { aCancelRequest, validHeaders } from './support/mothers.ts';

const sku = (productId: string, variantId: string, quantity: number) => ({ productId, variantId, quantity });

describe('per-order quantities', () => {
  let sandbox: InMemorySandbox;
  afterEach(async () => sandbox.app.close());

  const seed = async (code: string, body: unknown) =>
    sandbox.app.inject({ method: 'PUT', url: `/__sandbox/orders/${code}`, payload: body as object });
  const remaining = async (code: string) =>
    (await sandbox.app.inject({ method: 'GET', url: `/__sandbox/orders/${code}` })).json();

  it('counts down a seeded order unit by unit, then refuses what is no longer there', async () => {
    sandbox = await inMemorySandbox();
    await seed('SO-1', { skus: [sku('P-1', 'V-1', 3)] });
    const twice = aCancelRequest({ cancelledSkuCodes: [sku('P-1', 'V-1', 2)] });

    expect((await sandbox.cancel(twice)).json()).toMatchObject({ status: 'success' });
    const refused = await sandbox.cancel(twice);

    expect(refused.statusCode).toBe(200);
    expect(refused.json()).toEqual({
      status: 'failure',
      message:
        'Cannot cancel 2 unit(s) of SKU (productId P-1, variantId V-1) in sale order SO-1: only 1 remain(s) cancellable',
      data: null,
    });
    expect(await remaining('SO-1')).toMatchObject({
      skus: [{ productId: 'P-1', variantId: 'V-1', ordered: 3, cancelled: 2, remaining: 1 }],
    });
  });

  it('applies a request with several SKUs all or nothing', async () => {
    sandbox = await inMemorySandbox();
    await seed('SO-1', { skus: [sku('P-1', 'V-1', 5), sku('P-2', 'V-2', 1)] });
    const tooMuch = aCancelRequest({ cancelledSkuCodes: [sku('P-1', 'V-1', 1), sku('P-2', 'V-2', 2)] });

    expect((await sandbox.cancel(tooMuch)).json()).toMatchObject({ status: 'failure' });
    expect((await remaining('SO-1')).skus.map((line: { remaining: number }) => line.remaining)).toEqual([
      5, 1,
    ]);
  });

  it('adds up repeated lines of the same SKU before checking', async () => {
    sandbox = await inMemorySandbox();
    await seed('SO-1', { skus: [sku('P-1', 'V-1', 3)] });
    const split = aCancelRequest({ cancelledSkuCodes: [sku('P-1', 'V-1', 2), sku('P-1', 'V-1', 2)] });
    expect((await sandbox.cancel(split)).json()).toMatchObject({ status: 'failure' });
  });

  it('refuses an SKU that a seeded order does not have', async () => {
    sandbox = await inMemorySandbox();
    await seed('SO-1', { skus: [sku('P-1', 'V-1', 1)] });
    const response = await sandbox.cancel(aCancelRequest({ cancelledSkuCodes: [sku('P-1', 'V-9', 1)] }));
    expect(response.json()).toMatchObject({
      status: 'failure',
      message: 'SKU (productId P-1, variantId V-9) is not part of sale order SO-1',
    });
  });

  it('creates an unknown order on its first cancel, with a generous quantity of any SKU', async () => {
    sandbox = await inMemorySandbox({ autoCreateQuantity: 10 });
    expect((await sandbox.cancel(aCancelRequest({ saleOrderCode: 'NEW' }))).json()).toMatchObject({
      status: 'success',
    });
    expect(await remaining('NEW')).toMatchObject({
      autoCreated: true,
      skus: [{ productId: 'P-1', variantId: 'V-1', ordered: 10, cancelled: 1, remaining: 9 }],
    });
  });

  it('refuses an unknown order when auto-creation is off', async () => {
    sandbox = await inMemorySandbox({ autoCreateOrders: false });
    const response = await sandbox.cancel(aCancelRequest({ saleOrderCode: 'NOPE' }));
    expect(response.json()).toMatchObject({ status: 'failure', message: 'Sale order NOPE not found' });
    expect((await sandbox.app.inject({ method: 'GET', url: '/__sandbox/orders/NOPE' })).statusCode).toBe(404);
  });

  it("hides an order seeded for one merchant from another merchant's calls", async () => {
    sandbox = await inMemorySandbox();
    await seed('SO-1', { merchantId: 'merchant-a', skus: [sku('P-1', 'V-1', 1)] });
    const other = await sandbox.cancel(aCancelRequest(), validHeaders('merchant-b'));
    expect(other.json()).toMatchObject({ status: 'failure', message: 'Sale order SO-1 not found' });
    expect((await sandbox.cancel(aCancelRequest(), validHeaders('merchant-a'))).json()).toMatchObject({
      status: 'success',
    });
  });

  it('replaces an order when it is seeded again', async () => {
    sandbox = await inMemorySandbox();
    await seed('SO-1', { skus: [sku('P-1', 'V-1', 1)] });
    await sandbox.cancel();
    const reseeded = await seed('SO-1', { skus: [sku('P-1', 'V-1', 2)] });
    expect(reseeded.json()).toMatchObject({ skus: [{ ordered: 2, remaining: 2 }] });
  });
});
