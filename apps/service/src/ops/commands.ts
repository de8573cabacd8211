/**
 * The operator CLI's commands: each names its options (for `--help` and for strict parsing) and
 * runs one use case. A refusal is an answer (exit 1), bad input a `UsageError` (exit 2).
 */
import {
  DEAD_LETTER_CODES,
  DEAD_LETTER_STATES,
  DELIVERY_JOB_STATES,
  type DeadLetterCode,
  type Operator,
} from '@cancel-sync/application';
import {
  fail,
  flag,
  noPositional,
  type OptionSpec,
  olderThan,
  oneOf,
  onePositional,
  type Parsed,
  required,
  since,
  text,
  wholeNumber,
} from './args.ts';
import type { Operations } from './operations.ts';
import {
  auditLine,
  jobDetail,
  jobSummary,
  parkedDetail,
  parkedSummary,
  sellerLine,
  storyText,
} from './print.ts';

export interface Output {
  /** What `--json` prints. */
  readonly data: unknown;
  readonly text: string;
  /** 0 done, 1 refused or failed. */
  readonly exitCode: 0 | 1;
}

export interface Command {
  readonly usage: string;
  readonly summary: string;
  readonly options: OptionSpec;
  readonly run: (parsed: Parsed, ops: Operations) => Promise<Output>;
}

const ok = (data: unknown, text: string): Output => ({ data, text, exitCode: 0 });

const refusalOrDone = (
  answer: { readonly ok: boolean; readonly message?: string },
  done: string,
): Output => ({
  data: answer,
  text: answer.ok ? done : `refused: ${answer.message ?? ''}`,
  exitCode: answer.ok ? 0 : 1,
});

const WHO: OptionSpec = {
  reason: { type: 'string', help: 'why (required; kept in the audit record)' },
  operator: { type: 'string', help: 'who (default: $USER)' },
};

const operatorOf = (parsed: Parsed): Operator => ({
  name: text(parsed, 'operator') ?? process.env.USER ?? fail('--operator is required ($USER is not set)'),
  reason: required(parsed, 'reason'),
});

const LIST_FILTERS: OptionSpec = {
  seller: { type: 'string', help: 'only this seller' },
  since: { type: 'string', help: 'stored since: an ISO date, or an age like 2h, 7d' },
  'older-than': { type: 'string', help: 'stored before this age ago, e.g. 1d' },
  limit: { type: 'string', help: 'at most this many (default 50)' },
};

const deadLetterFilter = (parsed: Parsed) => {
  const now = new Date();
  return {
    sellerId: text(parsed, 'seller'),
    deadLetterCodes: (oneOf(parsed, 'code', DEAD_LETTER_CODES) ??
      DEAD_LETTER_CODES) as readonly DeadLetterCode[],
    createdSince: since(parsed, now),
    createdBefore: olderThan(parsed, now),
  };
};

const replayText = (answer: Awaited<ReturnType<Operations['replayJob']>>): string =>
  answer.ok
    ? `replayed ${answer.jobId} from ${answer.fromState} (replay ${answer.replayId}); ${answer.pushes === 'refused-lines' ? 'the refused lines go out' : 'it goes out again'} at the dispatcher's next turn`
    : `refused ${answer.jobId}: ${answer.code}: ${answer.message}`;

export const COMMANDS: Record<string, Record<string, Command>> = {
  'dead-letters': {
    list: {
      usage:
        'dead-letters list [--code CODE[,CODE]] [--seller ID] [--since DATE|AGE] [--older-than AGE] [--limit N]',
      summary: 'delivery jobs with a dead letter, newest first',
      options: { code: { type: 'string', help: `one of ${DEAD_LETTER_CODES.join(', ')}` }, ...LIST_FILTERS },
      run: async (parsed, ops) => {
        noPositional(parsed);
        const jobs = await ops.jobs.list({
          ...deadLetterFilter(parsed),
          limit: wholeNumber(parsed, 'limit', 50),
        });
        return ok(jobs, jobs.length === 0 ? 'no dead letters match' : jobs.map(jobSummary).join('\n'));
      },
    },
    show: {
      usage: 'dead-letters show JOB_ID',
      summary: 'one dead letter: request, every attempt and answer, reason, code, unknownOutcomes, replays',
      options: {},
      run: async (parsed, ops) => {
        const jobId = onePositional(parsed, 'job');
        const job = await ops.jobs.find(jobId);
        if (job === undefined)
          return { data: { ok: false, code: 'UNKNOWN_JOB' }, text: `no delivery job ${jobId}`, exitCode: 1 };
        return ok(job, jobDetail(job));
      },
    },
    replay: {
      usage:
        'dead-letters replay JOB_ID --reason WHY [--operator WHO] [--force]\n  dead-letters replay (--all | [--code C] [--seller ID] [--since D] [--older-than AGE]) --max N --reason WHY [--force]',
      summary:
        'send dead-lettered jobs out again, once, audited; refuses probably-applied, unknownOutcomes > 0 and already replayed unless --force',
      options: {
        ...WHO,
        force: {
          type: 'boolean',
          help: 'replay even a probably-applied job, one with unknown outcomes, or one replayed before',
        },
        all: { type: 'boolean', help: 'every dead letter (still capped by --max)' },
        max: { type: 'string', help: 'with a filter or --all: refuse if more than this many match' },
        code: { type: 'string', help: `with a filter: one of ${DEAD_LETTER_CODES.join(', ')}` },
        seller: LIST_FILTERS.seller as OptionSpec[string],
        since: LIST_FILTERS.since as OptionSpec[string],
        'older-than': LIST_FILTERS['older-than'] as OptionSpec[string],
      },
      run: async (parsed, ops) => {
        const operator = operatorOf(parsed);
        const force = flag(parsed, 'force');
        const filtered = ['code', 'seller', 'since', 'older-than'].some(
          (name) => parsed.values[name] !== undefined,
        );
        if (parsed.positionals.length > 0) {
          if (filtered || flag(parsed, 'all')) fail('give a job id or a filter (or --all), not both');
          const answer = await ops.replayJob({ jobId: onePositional(parsed, 'job'), operator, force });
          return { data: answer, text: replayText(answer), exitCode: answer.ok ? 0 : 1 };
        }
        if (!filtered && !flag(parsed, 'all')) fail('which dead letters? give a job id, a filter, or --all');
        if (text(parsed, 'max') === undefined) fail('--max is required with a filter or --all');
        const max = wholeNumber(parsed, 'max', 1);
        const answer = await ops.replayJobs({ filter: deadLetterFilter(parsed), max, operator, force });
        if (!answer.ok) return { data: answer, text: `refused: ${answer.message}`, exitCode: 1 };
        const replayed = answer.answers.filter((one) => one.ok).length;
        return {
          data: answer,
          text: [...answer.answers.map(replayText), `${replayed} of ${answer.answers.length} replayed`].join(
            '\n',
          ),
          exitCode: replayed === answer.answers.length ? 0 : 1,
        };
      },
    },
  },
  jobs: {
    list: {
      usage:
        'jobs list [--state STATE[,STATE]] [--seller ID] [--since DATE|AGE] [--older-than AGE] [--limit N]',
      summary: 'delivery jobs by state, seller and age, newest first',
      options: {
        state: { type: 'string', help: `one of ${DELIVERY_JOB_STATES.join(', ')}` },
        ...LIST_FILTERS,
      },
      run: async (parsed, ops) => {
        noPositional(parsed);
        const now = new Date();
        const jobs = await ops.jobs.list({
          states: oneOf(parsed, 'state', DELIVERY_JOB_STATES),
          sellerId: text(parsed, 'seller'),
          createdSince: since(parsed, now),
          createdBefore: olderThan(parsed, now),
          limit: wholeNumber(parsed, 'limit', 50),
        });
        return ok(jobs, jobs.length === 0 ? 'no jobs match' : jobs.map(jobSummary).join('\n'));
      },
    },
    requeue: {
      usage: 'jobs requeue JOB_ID|PARKED_RECORD_ID --reason WHY [--operator WHO] [--force]',
      summary: `send a ${DEAD_LETTER_STATES.join('/')} job out again (as dead-letters replay), or re-publish a parked record (topic/partition/offset)`,
      options: { ...WHO, force: { type: 'boolean', help: 'as for dead-letters replay' } },
      run: async (parsed, ops) => {
        const id = onePositional(parsed, 'job or parked record');
        const operator = operatorOf(parsed);
        const force = flag(parsed, 'force');
        if ((await ops.jobs.find(id)) === undefined && (await ops.parked.find(id)) !== undefined) {
          const answer = await ops.replayParked(id, operator, force);
          return refusalOrDone(answer, `re-published ${id} to its topic`);
        }
        const answer = await ops.replayJob({ jobId: id, operator, force });
        return { data: answer, text: replayText(answer), exitCode: answer.ok ? 0 : 1 };
      },
    },
  },
  parked: {
    list: {
      usage: 'parked list [--topic TOPIC] [--limit N]',
      summary: 'Kafka records parked after their handling kept failing, newest first',
      options: {
        topic: { type: 'string', help: 'only records of this topic' },
        limit: LIST_FILTERS.limit as OptionSpec[string],
      },
      run: async (parsed, ops) => {
        noPositional(parsed);
        const records = await ops.parked.list({
          topic: text(parsed, 'topic'),
          limit: wholeNumber(parsed, 'limit', 50),
        });
        return ok(
          records.map(jsonRecord),
          records.length === 0 ? 'no parked records' : records.map(parkedSummary).join('\n'),
        );
      },
    },
    show: {
      usage: 'parked show TOPIC/PARTITION/OFFSET',
      summary: 'one parked record with its headers and value',
      options: {},
      run: async (parsed, ops) => {
        const id = onePositional(parsed, 'parked record');
        const record = await ops.parked.find(id);
        if (record === undefined)
          return { data: { ok: false, code: 'UNKNOWN_RECORD' }, text: `no parked record ${id}`, exitCode: 1 };
        return ok(jsonRecord(record), parkedDetail(record));
      },
    },
    replay: {
      usage: 'parked replay TOPIC/PARTITION/OFFSET --reason WHY [--operator WHO] [--force]',
      summary: 're-publish the original bytes to the source topic with a replay header, once, audited',
      options: { ...WHO, force: { type: 'boolean', help: 'replay a record that was replayed before' } },
      run: async (parsed, ops) => {
        const id = onePositional(parsed, 'parked record');
        const answer = await ops.replayParked(id, operatorOf(parsed), flag(parsed, 'force'));
        return refusalOrDone(answer, `re-published ${id} to its topic`);
      },
    },
  },
  sellers: {
    list: {
      usage: 'sellers list [--after SELLER_ID] [--limit N]',
      summary: 'registered sellers by id',
      options: {
        after: { type: 'string', help: 'start after this seller id' },
        limit: LIST_FILTERS.limit as OptionSpec[string],
      },
      run: async (parsed, ops) => {
        noPositional(parsed);
        const sellers = await ops.sellers.list({
          after: text(parsed, 'after'),
          limit: wholeNumber(parsed, 'limit', 50),
        });
        const shown = sellers.map(({ passwordHash: _hidden, ...seller }) => seller);
        return ok(shown, sellers.length === 0 ? 'no sellers' : sellers.map(sellerLine).join('\n'));
      },
    },
    disable: sellerChange(
      'disable',
      'disable SELLER_ID --reason WHY',
      "revoke the seller's tokens, refuse new ones, hold its deliveries",
    ),
    enable: sellerChange(
      'enable',
      'enable SELLER_ID --reason WHY',
      'let the seller log in again; its held deliveries go out',
    ),
    'set-merchant-id': {
      usage: 'sellers set-merchant-id SELLER_ID --merchant-id UNIWARE_USERNAME --reason WHY',
      summary: 'change the Uniware username sent as merchantid when we call Uniware',
      options: { ...WHO, 'merchant-id': { type: 'string', help: "the seller's Uniware username" } },
      run: async (parsed, ops) => {
        const answer = await ops.changeSeller(
          onePositional(parsed, 'seller'),
          { kind: 'change-merchant-id', uniwareMerchantId: required(parsed, 'merchant-id') },
          operatorOf(parsed),
        );
        return refusalOrDone(answer, answer.ok ? answer.detail : '');
      },
    },
    'revoke-tokens': sellerChange(
      'revoke-tokens',
      'revoke-tokens SELLER_ID --reason WHY',
      'revoke every token issued, keeping the password',
    ),
  },
  order: {
    show: {
      usage: 'order show ORDER_ID',
      summary:
        "an order's story: ledger, remembered requests, records, delivery jobs, dead letters, pending announcements",
      options: {},
      run: async (parsed, ops) => {
        const story = await ops.orderStory(onePositional(parsed, 'order'));
        return ok(story, storyText(story));
      },
    },
  },
  audit: {
    list: {
      usage: 'audit list [--target ID] [--limit N]',
      summary: 'operator actions, newest first',
      options: {
        target: { type: 'string', help: 'only actions on this job, record or seller' },
        limit: LIST_FILTERS.limit as OptionSpec[string],
      },
      run: async (parsed, ops) => {
        noPositional(parsed);
        const records = await ops.audit.list({
          target: text(parsed, 'target'),
          limit: wholeNumber(parsed, 'limit', 50),
        });
        return ok(
          records,
          records.length === 0 ? 'no operator actions recorded' : records.map(auditLine).join('\n'),
        );
      },
    },
  },
};

function sellerChange(kind: 'disable' | 'enable' | 'revoke-tokens', usage: string, summary: string): Command {
  return {
    usage: `sellers ${usage}`,
    summary,
    options: WHO,
    run: async (parsed, ops) => {
      const answer = await ops.changeSeller(onePositional(parsed, 'seller'), { kind }, operatorOf(parsed));
      return refusalOrDone(answer, answer.ok ? `${answer.sellerId}: ${answer.detail}` : '');
    },
  };
}

/** A parked record's value as text for JSON (it is the record's original bytes). */
const jsonRecord = (record: Awaited<ReturnType<Operations['parked']['find']>> & object) => ({
  ...record,
  value: record.value === null ? null : Buffer.from(record.value).toString('utf8'),
});
