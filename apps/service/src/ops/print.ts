/** How the operator CLI shows things on a terminal; `--json` prints the same data as JSON. */
import type {
  AttemptRecord,
  AuditRecord,
  DeliveryJob,
  OrderStory,
  ParkedRecord,
  Seller,
  StoredDeadLetter,
} from '@cancel-sync/application';
import { parkedRecordId } from '@cancel-sync/application';

const at = (date: Date | undefined): string => date?.toISOString() ?? '-';

const attemptLine = (record: AttemptRecord): string => {
  const answer = record.answer;
  const said =
    answer === undefined
      ? 'no answer recorded'
      : [
          answer.verdict,
          answer.httpStatus === undefined ? '' : `HTTP ${answer.httpStatus}`,
          answer.uniwareStatus ?? '',
          answer.message ?? '',
        ]
          .filter((part) => part !== '')
          .join(' · ');
  return `  attempt ${record.attempt} by ${record.owner} at ${at(record.startedAt)}: ${said}`;
};

const letterLine = (letter: StoredDeadLetter): string =>
  `  ${letter.code} at ${at(letter.at)} (${letter.publishedAt === undefined ? 'NOT published yet' : `published ${at(letter.publishedAt)}`}): ${letter.reason}`;

export const jobSummary = (job: DeliveryJob): string => {
  const letter = job.deadLetters.at(-1);
  return [
    job.jobId,
    job.state,
    `seller ${job.sellerId}`,
    `order ${job.orderId}`,
    `created ${at(job.createdAt)}`,
    `attempts ${job.attempts}`,
    `unknownOutcomes ${job.unknownOutcomes}`,
    letter === undefined ? '' : `${letter.code}: ${letter.reason}`,
    (job.replays?.length ?? 0) > 0 ? `replayed ${job.replays?.length}x` : '',
  ]
    .filter((part) => part !== '')
    .join('  ');
};

export const jobDetail = (job: DeliveryJob): string =>
  [
    `job ${job.jobId} (${job.state})`,
    `order ${job.orderId}, seller ${job.sellerId}, source ${job.source}, ledger ${job.ledger}, sequence ${job.sequence}`,
    `created ${at(job.createdAt)}, next attempt ${at(job.nextAttemptAt)}, finished ${at(job.finishedAt)}`,
    `attempts ${job.attempts}, unknownOutcomes ${job.unknownOutcomes}${job.unknownOutcomes > 0 ? ' (Uniware may have cancelled the units already)' : ''}`,
    `last error: ${job.lastError ?? '-'}`,
    `request: ${JSON.stringify(job.request)}`,
    'attempts and answers:',
    ...(job.attemptLog.length === 0 ? ['  (none since the last replay)'] : job.attemptLog.map(attemptLine)),
    'dead letters:',
    ...(job.deadLetters.length === 0 ? ['  (none)'] : job.deadLetters.map(letterLine)),
    ...job.deadLetters
      .flatMap((letter) => letter.refusedLines ?? [])
      .map((refused) => `  refused line ${JSON.stringify(refused.line)}: ${refused.code} ${refused.message}`),
    'replays:',
    ...((job.replays ?? []).length === 0
      ? ['  (none)']
      : (job.replays ?? []).flatMap((replay) => [
          `  ${replay.replayId} by ${replay.operator} at ${at(replay.at)} from ${replay.fromState}${replay.forced ? ' (forced)' : ''}: ${replay.reason}`,
          ...replay.previousAttempts.map((record) => `  ${attemptLine(record)}`),
        ])),
  ].join('\n');

export const parkedSummary = (record: ParkedRecord): string =>
  [
    parkedRecordId(record),
    `key ${record.key ?? '-'}`,
    `parked ${at(record.parkedAt)}`,
    record.publishedAt === undefined
      ? 'dead-letter topic: not yet'
      : `dead-letter topic: ${at(record.publishedAt)}`,
    record.replay === undefined ? '' : `replayed ${at(record.replay.at)} by ${record.replay.operator}`,
    `reason: ${record.reason}`,
  ]
    .filter((part) => part !== '')
    .join('  ');

export const parkedDetail = (record: ParkedRecord): string =>
  [
    parkedSummary(record),
    `attempts ${record.attempts}`,
    `headers ${JSON.stringify(record.headers)}`,
    `value ${record.value === null ? 'null' : Buffer.from(record.value).toString('utf8')}`,
  ].join('\n');

export const sellerLine = (seller: Seller): string =>
  [
    seller.sellerId,
    `login ${seller.username}`,
    `Uniware ${seller.uniwareMerchantId}`,
    seller.disabled === undefined
      ? 'enabled'
      : `DISABLED ${at(seller.disabled.at)}: ${seller.disabled.reason}`,
  ].join('  ');

export const auditLine = (record: AuditRecord): string =>
  `${at(record.at)}  ${record.action} ${record.target} by ${record.operator}${record.forced ? ' (forced)' : ''}: ${record.outcome}${record.detail === undefined ? '' : ` (${record.detail})`}; why: ${record.reason}`;

export const storyText = (story: OrderStory): string =>
  [
    `order ${story.orderId}`,
    story.order === undefined
      ? '  not in the ledger (the order feed never brought it)'
      : `  ledger: ${story.order.status}, revision ${story.order.revision}, seller ${story.order.sellerId}\n${story.order.items
          .map(
            (item) =>
              `    ${item.orderItemId} ${item.productId}/${item.variantId}: ${item.cancelledQuantity}/${item.quantity} cancelled, ${item.status}`,
          )
          .join('\n')}`,
    'remembered requests:',
    ...(story.rememberedRequests.length === 0
      ? ['  (none)']
      : story.rememberedRequests.map(
          (request) =>
            `  ${request.requestId} at ${at(request.receivedAt)} until ${at(request.expiresAt)}: ${request.status}${request.idempotencyKey === undefined ? '' : ` (Idempotency-Key ${request.idempotencyKey})`}`,
        )),
    'cancellation records:',
    ...(story.cancellationRecords.length === 0
      ? ['  (none)']
      : story.cancellationRecords.map(
          (record) =>
            `  ${at(record.receivedAt)} ${record.requestId} from ${record.source}: ${record.status}${record.replayOf === undefined ? '' : ` (replay of ${record.replayOf})`}; ${record.lines.map((line) => `${line.line.orderItemId ?? line.line.productId} x${line.line.quantity} ${line.outcome}`).join(', ')}`,
        )),
    'delivery jobs:',
    ...(story.deliveryJobs.length === 0
      ? ['  (none)']
      : story.deliveryJobs.map((job) =>
          jobDetail(job)
            .split('\n')
            .map((line) => `  ${line}`)
            .join('\n'),
        )),
    'announcements not yet published:',
    ...(story.pendingAnnouncements.length === 0
      ? ['  (none)']
      : story.pendingAnnouncements.map(({ event }) => `  ${event.eventId} at ${event.occurredAt}`)),
  ].join('\n');
