/**
 * Re-publishes a parked Kafka record to the topic it came from, bytes unchanged, with a header
 * naming the replay, once. The replay is claimed on the parked record first (a compare-and-set:
 * of two replays one wins), published, then confirmed; a publish that fails gives the claim back.
 * The consumers de-duplicate by event id, so a replay of a record that was handled after all
 * changes nothing.
 */
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { ParkedRecord, ParkedRecordReplay } from '../ports/parked-records.ts';
import type { OperationRefusal, Operator, OperatorAudit } from './operator-audit.ts';

/** Names the replay on the re-published record: `<replay id> <topic/partition/offset>`. */
export const REPLAY_HEADER = 'cancel-sync-replay-of';

export interface ParkedRecordOperations {
  find(id: string): Promise<ParkedRecord | undefined>;
  /** Sets the replay unless one is set (or, forced, unless it changed from `previous`). */
  claimReplay(id: string, replay: ParkedRecordReplay, previous: string | undefined): Promise<boolean>;
  confirmReplay(id: string, replayId: string, publishedAt: Date): Promise<void>;
  /** Gives a claim back after its publish failed. */
  releaseReplay(id: string, replayId: string): Promise<void>;
}

export interface RecordRepublisher {
  /** Resolves once the broker acknowledged the record on `record.topic`. */
  republish(record: ParkedRecord, headers: Readonly<Record<string, string>>): Promise<void>;
}

export type ParkedReplayAnswer =
  | { readonly ok: true; readonly id: string; readonly replayId: string; readonly topic: string }
  | OperationRefusal<
      'UNKNOWN_RECORD' | 'ALREADY_REPLAYED' | 'CHANGED_MEANWHILE' | 'PUBLISH_FAILED' | 'INVALID_INPUT'
    >;

export interface ParkedReplayDeps {
  readonly parked: ParkedRecordOperations;
  readonly republisher: RecordRepublisher;
  readonly audit: OperatorAudit;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

export const replayParkedRecord =
  ({ parked, republisher, audit, clock, ids }: ParkedReplayDeps) =>
  async (id: string, operator: Operator, force: boolean): Promise<ParkedReplayAnswer> => {
    if (operator.reason.trim() === '' || operator.name.trim() === '') {
      return { ok: false, code: 'INVALID_INPUT', message: 'a replay needs a reason and an operator' };
    }
    const replayId = ids.newId();
    const at = clock.now();
    await audit.record({
      auditId: replayId,
      action: 'replay-parked-record',
      target: id,
      operator: operator.name,
      reason: operator.reason,
      at,
      forced: force,
      outcome: 'pending',
    });
    const refuse = async <C extends Exclude<ParkedReplayAnswer, { ok: true }>['code']>(
      code: C,
      message: string,
      outcome: 'refused' | 'failed' = 'refused',
    ) => {
      await audit.conclude(replayId, outcome, `${code}: ${message}`);
      return { ok: false as const, code, message };
    };
    const record = await parked.find(id);
    if (record === undefined) return refuse('UNKNOWN_RECORD', `no parked record ${id}`);
    if (record.replay !== undefined && !force) {
      const state = record.replay.publishedAt === undefined ? 'claimed, not confirmed' : 'published';
      return refuse(
        'ALREADY_REPLAYED',
        `replayed by ${record.replay.operator} at ${record.replay.at.toISOString()} (${state}) (--force to replay anyway)`,
      );
    }
    const replay: ParkedRecordReplay = { replayId, at, operator: operator.name, reason: operator.reason };
    if (!(await parked.claimReplay(id, replay, record.replay?.replayId))) {
      return refuse('CHANGED_MEANWHILE', 'another replay of this record won');
    }
    try {
      await republisher.republish(record, { [REPLAY_HEADER]: `${replayId} ${id}` });
    } catch (error) {
      await parked.releaseReplay(id, replayId);
      return refuse('PUBLISH_FAILED', error instanceof Error ? error.message : String(error), 'failed');
    }
    await parked.confirmReplay(id, replayId, clock.now());
    await audit.conclude(replayId, 'done', `re-published to ${record.topic}`);
    return { ok: true, id, replayId, topic: record.topic };
  };
