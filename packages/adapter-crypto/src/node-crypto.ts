/** The `Crypto` port over `node:crypto`. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Crypto } from '@cancel-sync/application';
import {
  DEFAULT_COST,
  deriveKey,
  formatHash,
  isAcceptableCost,
  type ParsedHash,
  parseHash,
  type ScryptCost,
} from './scrypt-hash.ts';

export interface NodeCryptoOptions {
  /** scrypt cost for new hashes; lower it only in tests. Stored hashes are checked with their own. */
  readonly scryptCost?: ScryptCost;
}

const TOKEN_BYTES = 32;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

export class NodeCrypto implements Crypto {
  readonly #cost: ScryptCost;
  #decoy: Promise<ParsedHash> | undefined;

  constructor(options: NodeCryptoOptions = {}) {
    const cost = options.scryptCost ?? DEFAULT_COST;
    if (!isAcceptableCost(cost)) throw new RangeError(`unacceptable scrypt cost ${JSON.stringify(cost)}`);
    this.#cost = cost;
  }

  randomToken(): string {
    return randomBytes(TOKEN_BYTES).toString('base64url');
  }

  digest(text: string): string {
    return createHash('sha256').update(text, 'utf8').digest('hex');
  }

  async hashPassword(password: string): Promise<string> {
    return formatHash(await this.#hash(password));
  }

  async verifyPassword(password: string, passwordHash: string | undefined): Promise<boolean> {
    const parsed = passwordHash === undefined ? undefined : parseHash(passwordHash);
    if (parsed === undefined) {
      // Same work as a real check, so the answer's timing does not tell an unknown user apart.
      await this.#matches(password, await this.#decoyHash());
      return false;
    }
    return this.#matches(password, parsed);
  }

  async #hash(password: string): Promise<ParsedHash> {
    const salt = randomBytes(SALT_BYTES);
    return { cost: this.#cost, salt, hash: await deriveKey(password, salt, this.#cost, KEY_BYTES) };
  }

  async #matches(password: string, stored: ParsedHash): Promise<boolean> {
    const computed = await deriveKey(password, stored.salt, stored.cost, stored.hash.length);
    return timingSafeEqual(computed, stored.hash);
  }

  /** Made once, on first need, from a password nobody knows. */
  #decoyHash(): Promise<ParsedHash> {
    this.#decoy ??= this.#hash(this.randomToken()).catch((error: unknown) => {
      this.#decoy = undefined;
      throw error;
    });
    return this.#decoy;
  }
}

export const createNodeCrypto = (options?: NodeCryptoOptions): NodeCrypto => new NodeCrypto(options);
