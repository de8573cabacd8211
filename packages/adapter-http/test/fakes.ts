/** In-memory fakes of the ports the use cases need, with helpers to arrange and inspect them. */
import type {
  AccessToken,
  AccessTokens,
  CancellationRecord,
  CancellationRecords,
  Clock,
  Crypto,
  IdempotencyKeys,
  IdGenerator,
  LedgerEntry,
  LedgerWrite,
  OrderLedger,
  Seller,
  SellerRegistry,
} from '@cancel-sync/application';
import type { Order } from '@cancel-sync/domain';

export class ManualClock implements Clock {
  #now = Date.parse('2026-11-22T10:00:00.000Z');
  now(): Date {
    return new Date(this.#now);
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

export class SequentialIds implements IdGenerator {
  #next = 0;
  newId(): string {
    this.#next += 1;
    return `00000000-0000-4000-8000-${String(this.#next).padStart(12, '0')}`;
  }
}

/** Readable stand-ins: a "hash" shows what was hashed. Tokens are long enough to be recognised in logs. */
export class FakeCrypto implements Crypto {
  #tokens = 0;
  randomToken(): string {
    this.#tokens += 1;
    return `tok${String(this.#tokens).padStart(4, '0')}-c2VjcmV0LXRva2VuLXZhbHVl`;
  }
  digest(text: string): string {
    return `digest(${text})`;
  }
  async hashPassword(password: string): Promise<string> {
    return `hashed(${password})`;
  }
  async verifyPassword(password: string, passwordHash: string | undefined): Promise<boolean> {
    return passwordHash === `hashed(${password})`;
  }
}

export class InMemorySellers implements SellerRegistry {
  readonly sellers = new Map<string, Seller>();
  async findByUsername(username: string) {
    return [...this.sellers.values()].find((seller) => seller.username === username);
  }
  async findById(sellerId: string) {
    return this.sellers.get(sellerId);
  }
  async register(seller: Seller) {
    if (this.sellers.has(seller.sellerId)) return 'taken' as const;
    this.sellers.set(seller.sellerId, seller);
    return 'registered' as const;
  }
  async changePassword(sellerId: string, passwordHash: string, at: Date) {
    const seller = this.sellers.get(sellerId);
    if (seller === undefined) return 'unknown' as const;
    this.sellers.set(sellerId, { ...seller, passwordHash, passwordChangedAt: at });
    return 'changed' as const;
  }
}

export class InMemoryTokens implements AccessTokens {
  readonly tokens = new Map<string, AccessToken>();
  async save(token: AccessToken) {
    this.tokens.set(token.tokenHash, token);
  }
  async find(tokenHash: string) {
    return this.tokens.get(tokenHash);
  }
  async revokeAll(sellerId: string) {
    const mine = [...this.tokens.values()].filter((token) => token.sellerId === sellerId);
    for (const token of mine) this.tokens.delete(token.tokenHash);
    return mine.length;
  }
}

/** The ledger, with knobs: lose every write race, or fail like a broken driver. */
export class InMemoryLedger implements OrderLedger {
  readonly entries = new Map<string, LedgerEntry>();
  /** Every write answers 'conflict', as if another instance always wrote first. */
  alwaysConflict = false;
  /** Every call throws this, as a driver would. */
  failure: Error | undefined;

  given(order: Order): void {
    this.entries.set(order.orderId, { order, rememberedRequests: [] });
  }

  orderOf(orderId: string): Order | undefined {
    return this.entries.get(orderId)?.order;
  }

  async find(orderId: string): Promise<LedgerEntry | undefined> {
    if (this.failure !== undefined) throw this.failure;
    const entry = this.entries.get(orderId);
    return entry === undefined ? undefined : structuredClone(entry);
  }

  async write(change: LedgerWrite): Promise<'written' | 'conflict'> {
    if (this.failure !== undefined) throw this.failure;
    const current = this.entries.get(change.order.orderId);
    if (this.alwaysConflict || current === undefined || current.order.revision !== change.expectedRevision) {
      return 'conflict';
    }
    this.entries.set(change.order.orderId, {
      order: change.order,
      rememberedRequests: [
        ...current.rememberedRequests.filter((remembered) => remembered.expiresAt >= change.now),
        ...(change.remember === undefined ? [] : [change.remember]),
      ],
    });
    return 'written';
  }
}

export class InMemoryRecords implements CancellationRecords {
  readonly records: CancellationRecord[] = [];
  async append(record: CancellationRecord): Promise<void> {
    if (!this.records.some((known) => known.requestId === record.requestId)) this.records.push(record);
  }
  async forOrder(sellerId: string, orderId: string): Promise<readonly CancellationRecord[]> {
    return this.records.filter((record) => record.sellerId === sellerId && record.orderId === orderId);
  }
}

export class InMemoryIdempotencyKeys implements IdempotencyKeys {
  readonly #keys = new Map<string, { fingerprint: string; expiresAt: Date }>();
  async claim(claim: Parameters<IdempotencyKeys['claim']>[0]) {
    const id = `${claim.sellerId}\u0000${claim.key}`;
    const known = this.#keys.get(id);
    if (known !== undefined && known.expiresAt > claim.now) {
      return { firstUse: false, fingerprint: known.fingerprint };
    }
    this.#keys.set(id, { fingerprint: claim.fingerprint, expiresAt: claim.expiresAt });
    return { firstUse: true, fingerprint: claim.fingerprint };
  }
}

/** A pino destination that keeps every line, to look for what must not be logged. */
export class CapturedLogs {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  get text(): string {
    return this.lines.join('');
  }
  entries(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
