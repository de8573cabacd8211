/**
 * Sends a dead-lettered delivery job out again, once, after an operator fixed the cause.
 *
 * A replay is one compare-and-set on the job (from its final state and replay count as read, back
 * to `pending` and due now, with a fresh attempt log); the dispatcher then delivers it under its
 * fenced leases like any other job. So two replays racing for one job cannot both succeed, and a
 * second replay finds the job pending, delivered, or replayed already, and is refused.
 *
 * Refused unless forced: a job that is `probably-applied`, one with unknown outcomes (Uniware may
 * have cancelled the units already), one replayed before. Refused always: a pending job, and a
 * delivered one without a ledger disagreement (nothing was dead-lettered). A `LEDGER_DISAGREES`
 * letter means our ledger refused lines: the ledger is the record of what may be cancelled and the
 * event is remembered on the order by its id, so re-checking would only say the same again.
 * Without `--force` it is refused (correct the order through the feed and publish a new event);
 * with `--force` only the refused lines are pushed, as asked (`ledger: unverified`).
 */
import { toUniwareCancelRequest, type UniwareCancelRequest } from '@cancel-sync/domain';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { DeliveryJob, LedgerCheck, StoredDeadLetter } from '../ports/delivery-jobs.ts';

import { DEAD_LETTER_STATES, type DeliveryJobOperations, type JobFilter } from './delivery-job-operations.ts';
import type { OperationRefusal, Operator, OperatorAudit } from './operator-audit.ts';

export type ReplayRefusalCode =
  | 'UNKNOWN_JOB'
  | 'NOT_DEAD_LETTERED'
  | 'STILL_PENDING'
  | 'PROBABLY_APPLIED'
  | 'UNKNOWN_OUTCOMES'
  | 'ALREADY_REPLAYED'
  | 'LEDGER_DISAGREES'
  | 'CHANGED_MEANWHILE'
  | 'INVALID_INPUT'
  | 'TOO_MANY';

export type ReplayAnswer =
  | {
      readonly ok: true;
      readonly jobId: string;
      readonly replayId: string;
      readonly fromState: DeliveryJob['state'];
      readonly pushes: 'as-before' | 'refused-lines';
    }
  | (OperationRefusal<ReplayRefusalCode> & { readonly jobId: string });

export interface ReplayDeps {
  readonly jobs: DeliveryJobOperations;
  readonly audit: OperatorAudit;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

export interface ReplayRequest {
  readonly jobId: string;
  readonly operator: Operator;
  readonly force: boolean;
}

type Plan =
  | { readonly ok: true; readonly request?: UniwareCancelRequest; readonly ledger?: LedgerCheck }
  | OperationRefusal<ReplayRefusalCode>;

const refuse = (code: ReplayRefusalCode, message: string): OperationRefusal<ReplayRefusalCode> => ({
  ok: false,
  code,
  message,
});

const lastDisagreement = (job: DeliveryJob): StoredDeadLetter | undefined =>
  job.deadLetters.findLast((letter) => letter.code === 'LEDGER_DISAGREES');

/** Pure: whether a job may be replayed, and what the replay sends. */
export const planReplay = (job: DeliveryJob, force: boolean): Plan => {
  const forceHint = ' (--force to replay anyway)';
  const replays = job.replays?.length ?? 0;
  const disagreement = lastDisagreement(job);
  const refusedLines = (): Plan => {
    const lines = disagreement?.refusedLines?.map((refused) => refused.line) ?? [];
    if (lines.length === 0)
      return refuse('LEDGER_DISAGREES', 'the ledger disagreement lists no refused lines');
    return {
      ok: true,
      ledger: 'unverified',
      request: toUniwareCancelRequest({
        orderId: job.orderId,
        reason: job.request.cancellationReason,
        items: lines,
      }),
    };
  };
  switch (job.state) {
    case 'pending':
      return refuse('STILL_PENDING', 'the job is pending: it is being delivered (or waits for its turn)');
    case 'delivered':
      if (disagreement === undefined) return refuse('NOT_DEAD_LETTERED', 'the job was delivered');
      if (!force) {
        return refuse(
          'LEDGER_DISAGREES',
          `the accepted units were delivered; the ledger refused the other lines (${disagreement.reason}). Correct the order through the order feed and publish a new event, or --force to push the refused lines as asked`,
        );
      }
      break;
    case 'disagreed':
      if (!force) {
        return refuse(
          'LEDGER_DISAGREES',
          `the ledger refused every line (${disagreement?.reason ?? 'no reason stored'}). Correct the order through the order feed and publish a new event, or --force to push the refused lines as asked`,
        );
      }
      break;
    case 'probably-applied':
      if (!force) {
        return refuse(
          'PROBABLY_APPLIED',
          `Uniware refused a repeat because the units are cancelled already: replaying would cancel more${forceHint}`,
        );
      }
      break;
    case 'rejected':
    case 'dead':
      break;
    default: {
      const exhaustive: never = job.state;
      throw new Error(`unknown job state ${String(exhaustive)}`);
    }
  }
  if (!force && job.unknownOutcomes > 0) {
    return refuse(
      'UNKNOWN_OUTCOMES',
      `${job.unknownOutcomes} call(s) may have reached Uniware without an answer: the units may be cancelled already${forceHint}`,
    );
  }
  if (!force && replays > 0) {
    return refuse('ALREADY_REPLAYED', `replayed ${replays} time(s) already${forceHint}`);
  }
  return job.state === 'disagreed' || job.state === 'delivered' ? refusedLines() : { ok: true };
};

export const replayDeliveryJob =
  ({ jobs, audit, clock, ids }: ReplayDeps) =>
  async ({ jobId, operator, force }: ReplayRequest): Promise<ReplayAnswer> => {
    if (operator.reason.trim() === '' || operator.name.trim() === '') {
      return { ...refuse('INVALID_INPUT', 'a replay needs a reason and an operator'), jobId };
    }
    const replayId = ids.newId();
    const at = clock.now();
    // Recorded first: no replay happens without its audit record.
    await audit.record({
      auditId: replayId,
      action: 'replay-delivery-job',
      target: jobId,
      operator: operator.name,
      reason: operator.reason,
      at,
      forced: force,
      outcome: 'pending',
    });
    const refused = async (refusal: OperationRefusal<ReplayRefusalCode>): Promise<ReplayAnswer> => {
      await audit.conclude(replayId, 'refused', `${refusal.code}: ${refusal.message}`);
      return { ...refusal, jobId };
    };
    const job = await jobs.find(jobId);
    if (job === undefined) return refused(refuse('UNKNOWN_JOB', `no delivery job ${jobId}`));
    const plan = planReplay(job, force);
    if (!plan.ok) return refused(plan);
    const written = await jobs.replay({
      jobId,
      from: { state: job.state, replays: job.replays?.length ?? 0, unknownOutcomes: job.unknownOutcomes },
      replay: {
        replayId,
        at,
        operator: operator.name,
        reason: operator.reason,
        forced: force,
        fromState: job.state,
        ...(plan.request === undefined ? {} : { previousRequest: job.request }),
        previousAttempts: job.attemptLog,
      },
      now: at,
      request: plan.request,
      ledger: plan.ledger,
    });
    if (!written) {
      return refused(
        refuse('CHANGED_MEANWHILE', 'the job changed while it was being replayed (another replay won)'),
      );
    }
    const pushes = plan.request === undefined ? 'as-before' : 'refused-lines';
    await audit.conclude(replayId, 'done', `replayed from ${job.state}; pushes ${pushes}`);
    return { ok: true, jobId, replayId, fromState: job.state, pushes };
  };

export interface ReplayManyRequest {
  readonly filter: Omit<JobFilter, 'limit' | 'states'>;
  /** Refused when more than this many jobs match. */
  readonly max: number;
  readonly operator: Operator;
  readonly force: boolean;
}

export type ReplayManyAnswer =
  | { readonly ok: true; readonly answers: readonly ReplayAnswer[] }
  | OperationRefusal<'TOO_MANY' | 'INVALID_INPUT'>;

/** A filtered set (or all) of the dead letters, each replayed on its own; capped by `max`. */
export const replayDeliveryJobs = (deps: ReplayDeps) => {
  const one = replayDeliveryJob(deps);
  return async (request: ReplayManyRequest): Promise<ReplayManyAnswer> => {
    if (!Number.isInteger(request.max) || request.max < 1) {
      return { ok: false, code: 'INVALID_INPUT', message: '--max must be a whole number of at least 1' };
    }
    const matching = await deps.jobs.list({
      ...request.filter,
      states: DEAD_LETTER_STATES,
      limit: request.max + 1,
    });
    if (matching.length > request.max) {
      return {
        ok: false,
        code: 'TOO_MANY',
        message: `more than ${request.max} dead letters match: narrow the filter or raise --max`,
      };
    }
    const answers: ReplayAnswer[] = [];
    for (const job of matching) {
      answers.push(await one({ jobId: job.jobId, operator: request.operator, force: request.force }));
    }
    return { ok: true, answers };
  };
};
