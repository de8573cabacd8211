/**
 * In-memory fakes of the ports, with the same contracts as the real adapters and helpers to arrange
 * and inspect them: for tests of the use cases and of the adapters that drive them. Not for production.
 */
import type { Order, OrderCancelled, UniwareAnswer, UniwareCancelRequest } from '@cancel-sync/domain';
import type {
  AccessToken,
  AccessTokens,
  CancellationEvents,
  CancellationRecord,
  CancellationRecords,
  ClaimedJob,
  Clock,
  Crypto,
  DeadLetterCode,
  DeadLetters,
  DeliveryJob,
  DeliveryJobState,
  DeliveryJobs,
  DeliveryJobUpdate,
  IdempotencyKeys,
  IdGenerator,
  JobClaim,
  JobDeadLetter,
  LeaseFence,
  LedgerEntry,
  LedgerResolution,
  LedgerWrite,
  NewDeliveryJob,
  OrderLedger,
  Outbox,
  OutboxEntry,
  ReadOptions,
  RelayBatch,
  RelayClaim,
  RememberedRequest,
  Seller,
  SellerRegistry,
  StoreClaim,
  UniwareClient,
} from '../index.ts';
import { DELIVERY_JOB_STATES } from '../ports/delivery-jobs.ts';
import { MAX_REMEMBERED_REFUSALS } from '../ports/order-ledger.ts';

export class ManualClock implements Clock {
  #now: number;
  constructor(iso = '2026-11-22T10:00:00.000Z') {
    this.#now = Date.parse(iso);
  }
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

/** Readable stand-ins: a "hash" shows what was hashed; tokens are long enough to be found in logs. */
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

/** Only the latest `MAX_REMEMBERED_REFUSALS` refusals are kept, as the MongoDB ledger does. */
const boundRefusals = (remembered: readonly RememberedRequest[]): RememberedRequest[] => {
  const refusals = remembered.filter((request) => request.status === 'FAILED');
  const forgotten = new Set(refusals.slice(0, Math.max(0, refusals.length - MAX_REMEMBERED_REFUSALS)));
  return remembered.filter((request) => !forgotten.has(request));
};

const keepLatest = <T>(list: T[], keep: number | undefined): T[] =>
  keep === undefined ? list : list.slice(Math.max(0, list.length - keep));

export class InMemoryLedger implements OrderLedger, Outbox {
  readonly entries = new Map<
    string,
    {
      order: Order;
      rememberedRequests: LedgerEntry['rememberedRequests'];
      outbox: OrderCancelled[];
      pendingRecords?: CancellationRecord[];
    }
  >();
  readonly writes: LedgerWrite[] = [];
  /** Called before each write is applied: lets a test change the order under the writer. */
  beforeWrite: ((write: LedgerWrite) => void) | undefined;
  /** Every write answers 'conflict', as if another instance always wrote first. */
  alwaysConflict = false;
  /** Every call throws this, as a broken driver would. */
  failure: Error | undefined;

  given(order: Order): void {
    this.entries.set(order.orderId, { order, rememberedRequests: [], outbox: [] });
  }

  orderOf(orderId: string): Order | undefined {
    return this.entries.get(orderId)?.order;
  }

  async find(orderId: string, options: ReadOptions = {}): Promise<LedgerEntry | undefined> {
    if (this.failure !== undefined) throw this.failure;
    options.signal?.throwIfAborted();
    const entry = this.entries.get(orderId);
    return entry === undefined
      ? undefined
      : structuredClone({
          order: entry.order,
          rememberedRequests: entry.rememberedRequests,
          pendingRecords: entry.pendingRecords ?? [],
        });
  }

  async write(change: LedgerWrite): Promise<'written' | 'conflict'> {
    if (this.failure !== undefined) throw this.failure;
    this.beforeWrite?.(change);
    const current = this.entries.get(change.order.orderId);
    const expected =
      change.expectedRevision === undefined
        ? current === undefined
        : current?.order.revision === change.expectedRevision;
    if (this.alwaysConflict || !expected) return 'conflict';
    this.writes.push(change);
    this.entries.set(change.order.orderId, {
      order: change.order,
      rememberedRequests: boundRefusals([
        ...(current?.rememberedRequests ?? []).filter((remembered) => remembered.expiresAt >= change.now),
        ...(change.remember === undefined ? [] : [change.remember]),
      ]),
      outbox: [...(current?.outbox ?? []), ...(change.announce === undefined ? [] : [change.announce])],
      pendingRecords: keepLatest(
        [...(current?.pendingRecords ?? []), ...(change.record === undefined ? [] : [change.record])],
        change.keepRecords,
      ),
    });
    return 'written';
  }

  async forgetRecords(orderId: string, recordIds: readonly string[]): Promise<void> {
    const entry = this.entries.get(orderId);
    if (entry?.pendingRecords !== undefined) {
      entry.pendingRecords = entry.pendingRecords.filter((record) => !recordIds.includes(record.recordId));
    }
  }

  /** For tests: every announcement not yet published, in order. */
  async pending(limit: number): Promise<readonly OrderCancelled[]> {
    return [...this.entries.values()].flatMap((entry) => entry.outbox).slice(0, limit);
  }

  readonly #outboxLeases = new Map<string, { owner: string; token: string; until: Date }>();
  #claims = 0;

  async claim(claim: RelayClaim, limit: number): Promise<readonly RelayBatch<OutboxEntry>[]> {
    const batches: RelayBatch<OutboxEntry>[] = [];
    for (const [orderId, entry] of this.entries) {
      if (batches.length >= limit) break;
      const lease = this.#outboxLeases.get(orderId);
      if (entry.outbox.length === 0 || (lease !== undefined && lease.until > claim.now)) continue;
      this.#claims += 1;
      const token = `claim-${this.#claims}`;
      this.#outboxLeases.set(orderId, { owner: claim.owner, token, until: claim.leaseUntil });
      batches.push({
        id: orderId,
        owner: claim.owner,
        token,
        entries: structuredClone(entry.outbox).map((event) => ({ event })),
      });
    }
    return batches;
  }

  async published(batch: RelayBatch<OutboxEntry>): Promise<void> {
    if (this.#outboxLeases.get(batch.id)?.token !== batch.token) return;
    this.#outboxLeases.delete(batch.id);
    const entry = this.entries.get(batch.id);
    const ids = new Set(batch.entries.map(({ event }) => event.eventId));
    if (entry !== undefined) entry.outbox = entry.outbox.filter((event) => !ids.has(event.eventId));
  }

  async release(batch: RelayBatch<OutboxEntry>, retryAt: Date): Promise<void> {
    const lease = this.#outboxLeases.get(batch.id);
    if (lease?.token === batch.token) this.#outboxLeases.set(batch.id, { ...lease, until: retryAt });
  }

  async publishedHere(orderId: string, eventIds: readonly string[]): Promise<void> {
    const entry = this.entries.get(orderId);
    if (entry !== undefined) entry.outbox = entry.outbox.filter((event) => !eventIds.includes(event.eventId));
  }
}

export class InMemoryRecords implements CancellationRecords {
  readonly records: CancellationRecord[] = [];
  readonly #ledger: InMemoryLedger | undefined;
  /** @param ledger whose orders' held records belong to the history too, as MongoDB's adapter reads them. */
  constructor(ledger?: InMemoryLedger) {
    this.#ledger = ledger;
  }
  async append(record: CancellationRecord): Promise<void> {
    if (!this.records.some((known) => known.recordId === record.recordId)) this.records.push(record);
  }
  async appendAll(records: readonly CancellationRecord[]): Promise<void> {
    for (const record of records) await this.append(record);
  }
  async find(recordId: string): Promise<CancellationRecord | undefined> {
    return this.records.find((record) => record.recordId === recordId);
  }
  async forOrder(sellerId: string, orderId: string): Promise<readonly CancellationRecord[]> {
    const copied = this.records.filter(
      (record) => record.sellerId === sellerId && record.orderId === orderId,
    );
    const known = new Set(copied.map((record) => record.recordId));
    const held = (this.#ledger?.entries.get(orderId)?.pendingRecords ?? []).filter(
      (record) => record.sellerId === sellerId && !known.has(record.recordId),
    );
    return [...copied, ...held].sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
  }
}

export class InMemoryIdempotencyKeys implements IdempotencyKeys {
  readonly #keys = new Map<string, { fingerprint: string; expiresAt: Date }>();
  async claim(claim: Parameters<IdempotencyKeys['claim']>[0]) {
    const id = `${claim.sellerId}\u0000${claim.key}`;
    const known = this.#keys.get(id);
    if (known !== undefined && known.expiresAt > claim.now)
      return { firstUse: false, fingerprint: known.fingerprint };
    this.#keys.set(id, { fingerprint: claim.fingerprint, expiresAt: claim.expiresAt });
    return { firstUse: true, fingerprint: claim.fingerprint };
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
    if (this.sellers.has(seller.sellerId) || (await this.findByUsername(seller.username)))
      return 'taken' as const;
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

export class InMemoryDeliveryJobs implements DeliveryJobs {
  readonly jobs = new Map<string, DeliveryJob & { claims: number; inFlightAttempt?: number | undefined }>();

  async enqueue(job: NewDeliveryJob) {
    if (this.jobs.has(job.jobId)) return 'duplicate' as const;
    const { deadLetter, ...rest } = job;
    this.jobs.set(job.jobId, {
      ...rest,
      state: job.state ?? 'pending',
      attempts: 0,
      unknownOutcomes: 0,
      nextAttemptAt: job.createdAt,
      attemptLog: [],
      deadLetters: deadLetter === undefined ? [] : [deadLetter],
      claims: 0,
    });
    return 'enqueued' as const;
  }

  async enqueueClaimed(job: NewDeliveryJob, claim: StoreClaim) {
    const earlier = [...this.jobs.values()].some(
      (other) => other.orderId === job.orderId && other.state === 'pending' && other.sequence < job.sequence,
    );
    if (earlier) return this.enqueue(job);
    const stored = await this.enqueue(job);
    if (stored === 'duplicate') return stored;
    const lease = { owner: claim.owner, until: claim.leaseUntil, token: 1 };
    const held = {
      ...(this.jobs.get(job.jobId) as NonNullable<ReturnType<typeof this.jobs.get>>),
      claims: 1,
      lease,
    };
    this.jobs.set(job.jobId, held);
    const { claims: _claims, inFlightAttempt: _inFlight, ...rest } = held;
    return { ...rest, fence: { jobId: job.jobId, owner: claim.owner, token: 1 } } satisfies ClaimedJob;
  }

  async claimDue({ owner, now, leaseUntil, excludeSellerIds }: JobClaim, limit: number) {
    const claimed: ClaimedJob[] = [];
    const pending = [...this.jobs.values()].filter((job) => job.state === 'pending');
    const due = pending
      .filter(
        (job) =>
          job.nextAttemptAt <= now &&
          (job.lease === undefined || job.lease.until <= now) &&
          !excludeSellerIds.includes(job.sellerId) &&
          !pending.some((other) => other.orderId === job.orderId && other.sequence < job.sequence),
      )
      .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime());
    for (const candidate of due.slice(0, limit)) {
      const token = candidate.claims + 1;
      const maybeSent = candidate.lease !== undefined && candidate.inFlightAttempt !== undefined;
      const tookOver =
        candidate.lease === undefined
          ? undefined
          : maybeSent
            ? ('maybe-sent' as const)
            : ('never-sent' as const);
      const stored = {
        ...candidate,
        attemptLog: candidate.attemptLog.map((record) =>
          maybeSent && record.attempt === candidate.inFlightAttempt
            ? {
                ...record,
                answer: { verdict: 'unknown' as const, message: 'its holder stopped during the call' },
              }
            : record,
        ),
        claims: token,
        inFlightAttempt: undefined,
        unknownOutcomes: candidate.unknownOutcomes + (maybeSent ? 1 : 0),
        lease: { owner, until: leaseUntil, token },
      };
      this.jobs.set(candidate.jobId, stored);
      const { claims: _claims, inFlightAttempt: _inFlight, ...job } = stored;
      claimed.push({ ...job, fence: { jobId: job.jobId, owner, token }, tookOver });
    }
    return claimed;
  }

  #held(fence: LeaseFence) {
    const job = this.jobs.get(fence.jobId);
    return job?.lease?.owner === fence.owner && job.lease.token === fence.token ? job : undefined;
  }

  async renew(fence: LeaseFence, leaseUntil: Date) {
    const job = this.#held(fence);
    if (job === undefined || job.lease === undefined) return false;
    this.jobs.set(fence.jobId, { ...job, lease: { ...job.lease, until: leaseUntil } });
    return true;
  }

  async beginAttempt(fence: LeaseFence, attempt: number, at: Date) {
    const job = this.#held(fence);
    if (job === undefined) return false;
    this.jobs.set(fence.jobId, {
      ...job,
      attempts: attempt,
      inFlightAttempt: attempt,
      attemptLog: [...job.attemptLog, { attempt, owner: fence.owner, startedAt: at }],
    });
    return true;
  }

  async resolveLedger(fence: LeaseFence, resolution: LedgerResolution) {
    const job = this.#held(fence);
    if (job === undefined) return false;
    this.jobs.set(fence.jobId, {
      ...job,
      ledger: resolution.ledger,
      request: resolution.request,
      deadLetters: [
        ...job.deadLetters,
        ...(resolution.deadLetter === undefined ? [] : [resolution.deadLetter]),
      ],
    });
    return true;
  }

  async settle(fence: LeaseFence, update: DeliveryJobUpdate) {
    const job = this.#held(fence);
    if (job === undefined) return false;
    const { answer, deadLetter, ...fields } = update;
    this.jobs.set(fence.jobId, {
      ...job,
      ...fields,
      attemptLog: job.attemptLog.map((record) =>
        answer !== undefined && record.attempt === answer.attempt
          ? { ...record, endedAt: answer.endedAt, answer: answer.answer }
          : record,
      ),
      deadLetters: [...job.deadLetters, ...(deadLetter === undefined ? [] : [deadLetter])],
      inFlightAttempt: undefined,
      lease: undefined,
    });
    return true;
  }

  async release(fence: LeaseFence, nextAttemptAt: Date) {
    const job = this.#held(fence);
    if (job === undefined) return false;
    this.jobs.set(fence.jobId, { ...job, nextAttemptAt, lease: undefined });
    return true;
  }

  async find(jobId: string) {
    const job = this.jobs.get(jobId);
    if (job === undefined) return undefined;
    const { claims: _claims, inFlightAttempt: _inFlight, ...rest } = job;
    return rest;
  }

  async countByState() {
    const counts = Object.fromEntries(DELIVERY_JOB_STATES.map((state) => [state, 0])) as Record<
      DeliveryJobState,
      number
    >;
    for (const job of this.jobs.values()) counts[job.state] += 1;
    return counts;
  }
}

/** Answers from a script, one per call; the last answer repeats. */
export class ScriptedUniware implements UniwareClient {
  readonly calls: { merchantId: string; request: UniwareCancelRequest }[] = [];
  readonly #script: UniwareAnswer[];
  constructor(...script: UniwareAnswer[]) {
    this.#script = script;
  }
  async cancelOrder(merchantId: string, request: UniwareCancelRequest): Promise<UniwareAnswer> {
    this.calls.push({ merchantId, request });
    const answer = this.#script.length > 1 ? this.#script.shift() : this.#script[0];
    if (answer === undefined) throw new Error('the script has no answer');
    return answer;
  }
  async close(): Promise<void> {}
}

export const uniwareSays = {
  success: { kind: 'response', httpStatus: 200, body: { status: 'success', message: 'ok', data: null } },
  failure: (message: string): UniwareAnswer => ({
    kind: 'response',
    httpStatus: 200,
    body: { status: 'failure', message, data: null },
  }),
  status: (httpStatus: number, retryAfter?: string): UniwareAnswer => ({
    kind: 'response',
    httpStatus,
    body: '',
    retryAfter,
  }),
} satisfies Record<string, UniwareAnswer | ((...args: never[]) => UniwareAnswer)>;

export class RecordingDeadLetters implements DeadLetters {
  readonly published: { jobId: string; code: DeadLetterCode; reason: string; attempts: number }[] = [];
  async publish(letters: readonly JobDeadLetter[]): Promise<void> {
    for (const { job, letter } of letters) {
      this.published.push({
        jobId: job.jobId,
        code: letter.code,
        reason: letter.reason,
        attempts: job.attempts,
      });
    }
  }
}

export class RecordingEvents implements CancellationEvents {
  readonly published: OrderCancelled[] = [];
  failNext = false;
  async publish(events: readonly OrderCancelled[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('broker unavailable');
    }
    this.published.push(...events);
  }
}
