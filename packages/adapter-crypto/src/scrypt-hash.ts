/**
 * The self-describing password hash format, `scrypt$N=16384,r=8,p=1$<salt>$<hash>` (salt and hash in
 * base64), and the scrypt call behind it.
 */
import { scrypt } from 'node:crypto';

export interface ScryptCost {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  /** Block size. */
  readonly r: number;
  /** Parallelism. */
  readonly p: number;
}

export interface ParsedHash {
  readonly cost: ScryptCost;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/** OWASP's scrypt minimum: 16 MiB of memory per hash. */
export const DEFAULT_COST: ScryptCost = { N: 16_384, r: 8, p: 1 };

/** Bounds a stored hash must respect, so a tampered record cannot make verification run away. */
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;
const MAX_P = 16;
const BYTES = /^[A-Za-z0-9+/]+={0,2}$/;
const FORMAT = /^scrypt\$N=(\d{1,8}),r=(\d{1,3}),p=(\d{1,3})\$([^$]+)\$([^$]+)$/;

/** scrypt refuses to run past `maxmem`; its need is 128 * N * r bytes, so allow twice that. */
const maxmemFor = (cost: ScryptCost): number => 2 * 128 * cost.N * cost.r;

export const isAcceptableCost = (cost: ScryptCost): boolean =>
  Number.isSafeInteger(cost.N) &&
  cost.N >= 2 &&
  (cost.N & (cost.N - 1)) === 0 &&
  Number.isSafeInteger(cost.r) &&
  cost.r >= 1 &&
  Number.isSafeInteger(cost.p) &&
  cost.p >= 1 &&
  cost.p <= MAX_P &&
  128 * cost.N * cost.r <= MAX_MEMORY_BYTES;

export const deriveKey = (
  password: string,
  salt: Buffer,
  cost: ScryptCost,
  keyLength: number,
): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      keyLength,
      { N: cost.N, r: cost.r, p: cost.p, maxmem: maxmemFor(cost) },
      (error, key) => (error === null ? resolve(key) : reject(error)),
    );
  });

export const formatHash = ({ cost, salt, hash }: ParsedHash): string =>
  `scrypt$N=${cost.N},r=${cost.r},p=${cost.p}$${salt.toString('base64')}$${hash.toString('base64')}`;

/** `undefined` for anything that is not a well-formed hash within the accepted bounds. */
export const parseHash = (text: string): ParsedHash | undefined => {
  const match = FORMAT.exec(text);
  if (match === null) return undefined;
  const [, n, r, p, salt, hash] = match;
  if (salt === undefined || hash === undefined || !BYTES.test(salt) || !BYTES.test(hash)) return undefined;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (!isAcceptableCost(cost)) return undefined;
  const parsed = { cost, salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
  if (parsed.salt.length < 8 || parsed.hash.length < 16 || parsed.hash.length > 128) return undefined;
  return parsed;
};
