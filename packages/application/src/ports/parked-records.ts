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
}

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
