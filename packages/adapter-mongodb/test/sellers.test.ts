import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MongoAccessTokens } from '../src/sellers/mongo-access-tokens.ts';
import type { MongoSellerRegistry } from '../src/sellers/mongo-seller-registry.ts';
import { openTestDatabase, type TestDatabase } from './support/database.ts';
import { anAccessToken, aSeller, at, T0, uniqueId } from './support/mothers.ts';

let database: TestDatabase;
let sellers: MongoSellerRegistry;
let tokens: MongoAccessTokens;

beforeAll(async () => {
  database = await openTestDatabase();
  sellers = database.stores.sellers;
  tokens = database.stores.accessTokens;
});
afterAll(async () => {
  await database.drop();
});

describe('SellerRegistry over MongoDB', () => {
  it('registers a seller and finds it by id and by username', async () => {
    const seller = aSeller();
    expect(await sellers.register(seller)).toBe('registered');

    expect(await sellers.findById(seller.sellerId)).toStrictEqual(seller);
    expect(await sellers.findByUsername(seller.username)).toStrictEqual(seller);
  });

  it('finds nothing for an unknown id or username', async () => {
    expect(await sellers.findById('nobody')).toBeUndefined();
    expect(await sellers.findByUsername('nobody')).toBeUndefined();
  });

  it('refuses a seller id that is taken', async () => {
    const seller = aSeller();
    await sellers.register(seller);

    expect(await sellers.register(aSeller({ sellerId: seller.sellerId }))).toBe('taken');
    expect(await sellers.findById(seller.sellerId)).toStrictEqual(seller);
  });

  it('refuses a username that is taken by another seller', async () => {
    const seller = aSeller();
    await sellers.register(seller);
    const other = aSeller({ username: seller.username });

    expect(await sellers.register(other)).toBe('taken');
    expect(await sellers.findById(other.sellerId)).toBeUndefined();
  });

  it('changes the password hash and its date', async () => {
    const seller = aSeller();
    await sellers.register(seller);

    expect(await sellers.changePassword(seller.sellerId, 'new-hash', at(5_000))).toBe('changed');

    expect(await sellers.findById(seller.sellerId)).toStrictEqual({
      ...seller,
      passwordHash: 'new-hash',
      passwordChangedAt: at(5_000),
    });
  });

  it('changes no password of an unknown seller', async () => {
    expect(await sellers.changePassword('nobody', 'new-hash', T0)).toBe('unknown');
    expect(await sellers.findById('nobody')).toBeUndefined();
  });
});

describe('AccessTokens over MongoDB', () => {
  it('saves a token and finds it by its digest', async () => {
    const token = anAccessToken();
    await tokens.save(token);

    const found = await tokens.find(token.tokenHash);
    expect(found).toStrictEqual(token);
    expect(found?.expiresAt).toBeInstanceOf(Date);
  });

  it('still finds an expired token: telling it expired is the use case’s job', async () => {
    const token = anAccessToken({ issuedAt: new Date(0), expiresAt: new Date(1_000) });
    await tokens.save(token);

    expect(await tokens.find(token.tokenHash)).toStrictEqual(token);
  });

  it('finds nothing for an unknown digest', async () => {
    expect(await tokens.find('unknown')).toBeUndefined();
  });

  it('revokes all tokens of one seller, and only theirs', async () => {
    const sellerId = uniqueId('seller');
    const own = [anAccessToken({ sellerId }), anAccessToken({ sellerId }), anAccessToken({ sellerId })];
    const others = anAccessToken({ sellerId: uniqueId('seller') });
    for (const token of [...own, others]) await tokens.save(token);

    expect(await tokens.revokeAll(sellerId)).toBe(3);

    for (const token of own) expect(await tokens.find(token.tokenHash)).toBeUndefined();
    expect(await tokens.find(others.tokenHash)).toStrictEqual(others);
    expect(await tokens.revokeAll(sellerId)).toBe(0);
  });
});
