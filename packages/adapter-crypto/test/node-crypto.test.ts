import { describe, expect, it } from 'vitest';
import { createNodeCrypto, NodeCrypto } from '../src/index.ts';

/** Cheap enough for tests; production uses the default N=16384. */
const crypto = createNodeCrypto({ scryptCost: { N: 1024, r: 8, p: 1 } });

describe('random tokens', () => {
  it('are URL-safe and carry at least 128 bits', () => {
    const token = crypto.randomToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(token, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
  });

  it('do not repeat', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => crypto.randomToken()));
    expect(tokens.size).toBe(1000);
  });
});

describe('digest', () => {
  it('is hex SHA-256 (known vectors)', () => {
    expect(crypto.digest('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(crypto.digest('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('password hashes', () => {
  it('are self-describing and salted', async () => {
    const first = await crypto.hashPassword('correct horse battery staple');
    const second = await crypto.hashPassword('correct horse battery staple');
    expect(first).toMatch(/^scrypt\$N=1024,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(first).not.toBe(second);
  });

  it('verify the password they were made from', async () => {
    const hash = await crypto.hashPassword('correct horse battery staple');
    await expect(crypto.verifyPassword('correct horse battery staple', hash)).resolves.toBe(true);
  });

  it('refuse a wrong password', async () => {
    const hash = await crypto.hashPassword('correct horse battery staple');
    await expect(crypto.verifyPassword('correct horse battery stapler', hash)).resolves.toBe(false);
    await expect(crypto.verifyPassword('', hash)).resolves.toBe(false);
  });

  it('are checked with the cost they were made with, not the current one', async () => {
    const stronger = new NodeCrypto({ scryptCost: { N: 2048, r: 8, p: 1 } });
    const hash = await stronger.hashPassword('s3cret-s3cret');
    await expect(crypto.verifyPassword('s3cret-s3cret', hash)).resolves.toBe(true);
  });

  it('answer false, not an error, for a missing hash (unknown user)', async () => {
    await expect(crypto.verifyPassword('anything', undefined)).resolves.toBe(false);
  });

  it.each([
    '',
    'not a hash',
    'bcrypt$2b$10$abcdefghijklmnopqrstuv',
    'scrypt$N=1000,r=8,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==', // N not a power of two
    'scrypt$N=1048576,r=64,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==', // 8 GiB: refused
    'scrypt$N=1024,r=8,p=1$$aGFzaGhhc2hoYXNoaGFzaA==',
    'scrypt$N=1024,r=8,p=1$c2FsdHNhbHRzYWx0$***',
    'scrypt$N=1024,r=8,p=1$c2FsdA==$aGFzaGhhc2hoYXNoaGFzaA==', // salt too short
  ])('answer false for the malformed hash %j', async (malformed) => {
    await expect(crypto.verifyPassword('anything', malformed)).resolves.toBe(false);
  });

  it('do not verify a hash whose last byte was altered', async () => {
    const hash = await crypto.hashPassword('correct horse battery staple');
    const tampered = `${hash.slice(0, -3)}${hash.at(-3) === 'A' ? 'B' : 'A'}${hash.slice(-2)}`;
    await expect(crypto.verifyPassword('correct horse battery staple', tampered)).resolves.toBe(false);
  });

  it('refuse an unacceptable cost at construction', () => {
    expect(() => new NodeCrypto({ scryptCost: { N: 1000, r: 8, p: 1 } })).toThrow(RangeError);
  });

  it('use the production cost by default', async () => {
    const hash = await new NodeCrypto().hashPassword('correct horse battery staple');
    expect(hash.startsWith('scrypt$N=16384,r=8,p=1$')).toBe(true);
  });
});
