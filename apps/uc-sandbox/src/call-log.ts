import type { Fault } from './faults.ts';
import type { CallRecord, CallStats } from './schemas/call-schemas.ts';

type Answer = NonNullable<CallRecord['answer']>;

/**
 * Every call to the cancel endpoint, kept for inspection. The log is bounded so that a long load
 * test cannot exhaust memory; the counters behind `stats()` are not.
 */
export class CallLog {
  #records: CallRecord[] = [];
  #seq = 0;
  #stats = emptyStats();
  #appliedAndAnswered = 0;
  readonly #maxRecords: number;

  constructor(maxRecords: number) {
    this.#maxRecords = maxRecords;
  }

  open(headers: CallRecord['headers'], receivedAt: Date): CallRecord {
    this.#seq += 1;
    const record: CallRecord = {
      seq: this.#seq,
      receivedAt: receivedAt.toISOString(),
      saleOrderCode: null,
      headers,
      body: null,
      latencyMs: 0,
      fault: null,
      applied: false,
      answer: null,
      answerSent: false,
    };
    this.#records.push(record);
    if (this.#records.length > this.#maxRecords) {
      // Trimming in batches keeps the cost of shifting the array rare.
      this.#records = this.#records.slice(-Math.floor(this.#maxRecords * 0.9));
    }
    this.#stats.calls += 1;
    return record;
  }

  setBody(record: CallRecord, body: unknown): void {
    record.body = body;
    const code = isRecord(body) ? body.saleOrderCode : undefined;
    record.saleOrderCode = typeof code === 'string' ? code : null;
  }

  setFault(record: CallRecord, fault: Fault): void {
    record.fault = { kind: fault.kind, phase: fault.phase };
    this.#stats.byFault[fault.kind] = (this.#stats.byFault[fault.kind] ?? 0) + 1;
  }

  markApplied(record: CallRecord): void {
    record.applied = true;
    this.#stats.applied += 1;
  }

  setAnswer(record: CallRecord, answer: Answer): void {
    record.answer = answer;
  }

  markAnswerSent(record: CallRecord): void {
    if (record.answerSent) return;
    record.answerSent = true;
    this.#stats.answered += 1;
    if (record.applied) this.#appliedAndAnswered += 1;
    const status = String(record.answer?.httpStatus ?? 'unknown');
    this.#stats.byStatus[status] = (this.#stats.byStatus[status] ?? 0) + 1;
  }

  list(saleOrderCode?: string): CallRecord[] {
    const records =
      saleOrderCode === undefined
        ? this.#records
        : this.#records.filter((record) => record.saleOrderCode === saleOrderCode);
    return structuredClone(records);
  }

  stats(): CallStats {
    return {
      ...structuredClone(this.#stats),
      appliedUnanswered: this.#stats.applied - this.#appliedAndAnswered,
    };
  }

  clear(): void {
    this.#records = [];
    this.#stats = emptyStats();
    this.#appliedAndAnswered = 0;
  }
}

const emptyStats = (): CallStats => ({
  calls: 0,
  applied: 0,
  answered: 0,
  appliedUnanswered: 0,
  byStatus: {},
  byFault: {},
});

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
