import type { RelaySource } from './relay-source.ts';

/**
 * A Kafka record whose handling kept failing for a reason of its own (not infrastructure being
 * down): stored with the reason and moved past, so that its partition goes on.
 */
export interface ParkedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  /** The record's value as it was, bytes unchanged. */
  readonly value: Uint8Array | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly reason: string;
  readonly attempts: number;
  readonly parkedAt: Date;
  readonly publishedAt?: Date | undefined;
  /** Set once an operator re-published it to its topic (see `operations/replay-parked-record.ts`). */
  readonly replay?: ParkedRecordReplay | undefined;
}

export interface ParkedRecordReplay {
  readonly replayId: string;
  readonly at: Date;
  readonly operator: string;
  readonly reason: string;
  /** Absent while the replay is claimed and not yet confirmed on the broker. */
  readonly publishedAt?: Date | undefined;
}

/** `topic/partition/offset`: how an operator names a parked record. */
export const parkedRecordId = (record: Pick<ParkedRecord, 'topic' | 'partition' | 'offset'>): string =>
  `${record.topic}/${record.partition}/${record.offset}`;

export interface ParkedRecords extends RelaySource<ParkedRecord> {
  /** Idempotent on topic, partition and offset: a record redelivered and parked again is kept once. */
  park(record: ParkedRecord): Promise<void>;
  list(filter: {
    readonly topic?: string | undefined;
    readonly limit: number;
  }): Promise<readonly ParkedRecord[]>;
  count(): Promise<number>;
}

/** Publishes parked records to the dead-letter topic of their source topic. */
export interface ParkedRecordPublisher {
  publish(records: readonly ParkedRecord[]): Promise<void>;
}
