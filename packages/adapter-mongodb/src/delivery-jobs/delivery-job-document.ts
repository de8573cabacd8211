/** How a delivery job is stored: one `delivery_jobs` document per job, the event id as `_id`. */
import type {
  AttemptAnswer,
  AttemptRecord,
  DeliveryJob,
  DeliveryJobState,
  JobReplay,
  LedgerCheck,
  NewDeadLetter,
  NewDeliveryJob,
  RefusedLine,
  StoredDeadLetter,
} from '@cancel-sync/application';
import type { CancelLine, CancellationSource, RefusalCode, UniwareCancelRequest } from '@cancel-sync/domain';
import { optional } from '../optional.ts';
import type { RelayLeaseDocument } from '../relay-claims.ts';

export interface LeaseDocument {
  owner: string;
  until: Date;
  /** The claim count when it was taken: the fence of the holder's writes. */
  token: number;
}

interface LineDocument {
  orderItemId?: string;
  productId: string;
  variantId: string;
  quantity: number;
}

interface AttemptDocument {
  attempt: number;
  owner: string;
  startedAt: Date;
  endedAt?: Date;
  answer?: {
    verdict: AttemptAnswer['verdict'];
    httpStatus?: number;
    uniwareStatus?: string;
    message?: string;
    retryInMs?: number;
  };
}

export interface DeadLetterDocument {
  code: NewDeadLetter['code'];
  reason: string;
  at: Date;
  refusedLines?: { line: LineDocument; code: RefusalCode; message: string }[];
  publishedAt?: Date;
}

export interface DeliveryJobDocument {
  _id: string;
  orderId: string;
  sellerId: string;
  source: CancellationSource;
  lines: LineDocument[];
  request: {
    saleOrderCode: string;
    cancelledSkuCodes: { quantity: number; productId: string; variantId: string }[];
    cancellationReason: string;
  };
  ledger: LedgerCheck;
  awaitOrderUntil?: Date;
  sequence: number;
  createdAt: Date;
  state: DeliveryJobState;
  attempts: number;
  unknownOutcomes: number;
  nextAttemptAt: Date;
  lastError?: string;
  finishedAt?: Date;
  /** The last attempts (at most `ATTEMPT_LOG_MAX`), each with its answer once recorded. */
  attemptLog: AttemptDocument[];
  /** The attempt started and not yet recorded: a call that may have gone out. */
  inFlightAttempt?: number;
  /** Leases taken so far; the next lease's token is this plus one. */
  claims: number;
  /** Absent when nobody holds the job. */
  lease?: LeaseDocument;
  deadLetters: DeadLetterDocument[];
  /** How many of `deadLetters` exist and how many were published, in order. */
  deadLetterCount: number;
  deadLettersPublished: number;
  /** While a dead letter waits to be published; the dead-letter relay ranges over it. */
  deadLetterDueAt?: Date;
  deadLetterLease?: RelayLeaseDocument;
  traceparent?: string;
  /** Operator replays, oldest first, and how many (the compare-and-set of a replay is on the count). */
  replays?: ReplayDocument[];
  replayCount?: number;
}

export interface ReplayDocument {
  replayId: string;
  at: Date;
  operator: string;
  reason: string;
  forced: boolean;
  fromState: DeliveryJobState;
  previousRequest?: DeliveryJobDocument['request'];
  previousAttempts: AttemptDocument[];
}

/** Attempts kept on a job; older ones are dropped (their count stays in `attempts`). */
export const ATTEMPT_LOG_MAX = 50;

const lineToDocument = (line: CancelLine): LineDocument => ({
  ...optional('orderItemId', line.orderItemId),
  productId: line.productId,
  variantId: line.variantId,
  quantity: line.quantity,
});

const lineFromDocument = (line: LineDocument): CancelLine => ({
  ...optional('orderItemId', line.orderItemId),
  productId: line.productId,
  variantId: line.variantId,
  quantity: line.quantity,
});

export const requestToDocument = (request: UniwareCancelRequest): DeliveryJobDocument['request'] => ({
  saleOrderCode: request.saleOrderCode,
  cancelledSkuCodes: request.cancelledSkuCodes.map(({ quantity, productId, variantId }) => ({
    quantity,
    productId,
    variantId,
  })),
  cancellationReason: request.cancellationReason,
});

const refusedToDocument = (refused: RefusedLine) => ({
  line: lineToDocument(refused.line),
  code: refused.code,
  message: refused.message,
});

export const deadLetterToDocument = (letter: NewDeadLetter): DeadLetterDocument => ({
  code: letter.code,
  reason: letter.reason,
  at: letter.at,
  ...optional('refusedLines', letter.refusedLines?.map(refusedToDocument)),
});

export const answerToDocument = (answer: AttemptAnswer): NonNullable<AttemptDocument['answer']> => ({
  verdict: answer.verdict,
  ...optional('httpStatus', answer.httpStatus),
  ...optional('uniwareStatus', answer.uniwareStatus),
  ...optional('message', answer.message),
  ...optional('retryInMs', answer.retryInMs),
});

export const toDocument = (job: NewDeliveryJob): DeliveryJobDocument => {
  const deadLetters = job.deadLetter === undefined ? [] : [deadLetterToDocument(job.deadLetter)];
  return {
    _id: job.jobId,
    orderId: job.orderId,
    sellerId: job.sellerId,
    source: job.source,
    lines: job.lines.map(lineToDocument),
    request: requestToDocument(job.request),
    ledger: job.ledger,
    ...optional('awaitOrderUntil', job.awaitOrderUntil),
    sequence: job.sequence,
    createdAt: job.createdAt,
    state: job.state ?? 'pending',
    // Stored final (`disagreed`): finished now, so that retention counts from here.
    ...(job.state === undefined || job.state === 'pending' ? {} : { finishedAt: job.createdAt }),
    attempts: 0,
    unknownOutcomes: 0,
    nextAttemptAt: job.createdAt,
    attemptLog: [],
    claims: 0,
    deadLetters,
    deadLetterCount: deadLetters.length,
    deadLettersPublished: 0,
    ...(job.deadLetter === undefined ? {} : { deadLetterDueAt: job.deadLetter.at }),
    ...optional('traceparent', job.traceparent),
  };
};

export const attemptToDocument = (record: AttemptRecord): AttemptDocument => ({
  attempt: record.attempt,
  owner: record.owner,
  startedAt: record.startedAt,
  ...optional('endedAt', record.endedAt),
  ...optional('answer', record.answer === undefined ? undefined : answerToDocument(record.answer)),
});

export const replayToDocument = (replay: JobReplay): ReplayDocument => ({
  replayId: replay.replayId,
  at: replay.at,
  operator: replay.operator,
  reason: replay.reason,
  forced: replay.forced,
  fromState: replay.fromState,
  ...optional(
    'previousRequest',
    replay.previousRequest === undefined ? undefined : requestToDocument(replay.previousRequest),
  ),
  previousAttempts: replay.previousAttempts.map(attemptToDocument),
});

const replayFromDocument = (replay: ReplayDocument): JobReplay => ({
  replayId: replay.replayId,
  at: replay.at,
  operator: replay.operator,
  reason: replay.reason,
  forced: replay.forced,
  fromState: replay.fromState,
  ...optional(
    'previousRequest',
    replay.previousRequest === undefined ? undefined : requestFromDocument(replay.previousRequest),
  ),
  previousAttempts: replay.previousAttempts.map(attemptFromDocument),
});

const requestFromDocument = (request: DeliveryJobDocument['request']): UniwareCancelRequest => ({
  saleOrderCode: request.saleOrderCode,
  cancelledSkuCodes: request.cancelledSkuCodes.map(({ quantity, productId, variantId }) => ({
    quantity,
    productId,
    variantId,
  })),
  cancellationReason: request.cancellationReason,
});

const attemptFromDocument = (record: AttemptDocument): AttemptRecord => ({
  attempt: record.attempt,
  owner: record.owner,
  startedAt: record.startedAt,
  ...optional('endedAt', record.endedAt),
  ...optional(
    'answer',
    record.answer === undefined
      ? undefined
      : {
          verdict: record.answer.verdict,
          ...optional('httpStatus', record.answer.httpStatus),
          ...optional('uniwareStatus', record.answer.uniwareStatus),
          ...optional('message', record.answer.message),
          ...optional('retryInMs', record.answer.retryInMs),
        },
  ),
});

export const deadLetterFromDocument = (letter: DeadLetterDocument): StoredDeadLetter => ({
  code: letter.code,
  reason: letter.reason,
  at: letter.at,
  ...optional(
    'refusedLines',
    letter.refusedLines?.map((refused) => ({
      line: lineFromDocument(refused.line),
      code: refused.code,
      message: refused.message,
    })),
  ),
  ...optional('publishedAt', letter.publishedAt),
});

export const fromDocument = (document: DeliveryJobDocument): DeliveryJob => ({
  jobId: document._id,
  orderId: document.orderId,
  sellerId: document.sellerId,
  source: document.source,
  lines: document.lines.map(lineFromDocument),
  request: requestFromDocument(document.request),
  ledger: document.ledger,
  ...optional('awaitOrderUntil', document.awaitOrderUntil),
  sequence: document.sequence,
  createdAt: document.createdAt,
  state: document.state,
  attempts: document.attempts,
  unknownOutcomes: document.unknownOutcomes,
  nextAttemptAt: document.nextAttemptAt,
  ...optional('lastError', document.lastError),
  ...optional('finishedAt', document.finishedAt),
  attemptLog: document.attemptLog.map(attemptFromDocument),
  deadLetters: document.deadLetters.map(deadLetterFromDocument),
  ...optional(
    'lease',
    document.lease === undefined || document.lease === null
      ? undefined
      : { owner: document.lease.owner, until: document.lease.until, token: document.lease.token },
  ),
  ...optional('traceparent', document.traceparent),
  ...optional('replays', document.replays?.map(replayFromDocument)),
});
