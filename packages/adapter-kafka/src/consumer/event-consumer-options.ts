/** What `startEventConsumer` takes and gives back. */
import type { ParkedRecord } from '@cancel-sync/application';
import type { DecodeResult } from '@cancel-sync/contracts';
import type { Kafka, Producer, RetryOptions } from 'kafkajs';
import type { ObserveConsumer } from './observations.ts';
import type { RetryDelays } from './retry-delay.ts';

/** Where the record being handled sits; `offset` orders the records of one order. */
export interface RecordContext {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly headers: Readonly<Record<string, string>>;
  /** The record's timestamp, in milliseconds since the epoch, as a decimal string. */
  readonly timestamp: string;
}

export interface EventConsumerOptions<T> {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topic: string;
  readonly deadLetterTopic: string;
  /** Never throws: a record that does not decode is a result, not an exception. */
  readonly decode: (value: Buffer | null) => DecodeResult<T>;
  /**
   * Must be idempotent: a record is handled at least once (again after a crash or a rebalance).
   * Throwing means "not now": the same record is retried, after a backoff, until it succeeds.
   */
  readonly handle: (value: T, context: RecordContext) => Promise<unknown>;
  readonly observe?: ObserveConsumer | undefined;
  /** Partitions handled at the same time (records of one partition always one after another). Default 3. */
  readonly partitionsConsumedConcurrently?: number | undefined;
  /**
   * Records of one partition handled at the same time, never two of one key (the records of a key
   * stay one after another, in order); offsets are committed only up to the first record not yet
   * done. Default 1: the records of a partition one after another.
   */
  readonly keysConcurrently?: number | undefined;
  /** A connected producer (from `createProducer`) for dead letters; one is created and owned when absent. */
  readonly deadLetterProducer?: Producer | undefined;
  /** Where a group with no committed offset starts. Default true: nothing published before the first start is missed. */
  readonly fromBeginning?: boolean | undefined;
  /** The broker evicts a member silent for this long. Default 30 s. */
  readonly sessionTimeoutMs?: number | undefined;
  /**
   * How long one `handle` call (or dead-letter send) may take before the member stops heartbeating
   * and lets the group give its partitions to another member, like Java's max.poll.interval.ms.
   * Default 5 min.
   */
  readonly maxStepTimeMs?: number | undefined;
  /** How long the group waits for members to rejoin during a rebalance. Default 60 s. */
  readonly rebalanceTimeoutMs?: number | undefined;
  /** Default 3 s; at most a third of the session timeout. */
  readonly heartbeatIntervalMs?: number | undefined;
  /** How long a fetch waits for records; also how long `stop` may wait for an idle fetch. Default 1 s. */
  readonly maxWaitTimeMs?: number | undefined;
  /** Offsets are committed at the end of every batch and at least this often within one. Default 5 s. */
  readonly autoCommitIntervalMs?: number | undefined;
  /** Backoff between attempts at a failing `handle` or dead-letter send. Default 200 ms doubling to 30 s. */
  readonly retryDelays?: Partial<RetryDelays> | undefined;
  /** Minimum time between two `step-failed` (or two `step-recovered`) observations. Default 30 s. */
  readonly reportIntervalMs?: number | undefined;
  /** KafkaJS's own retries (fetch, join, commit) before it restarts the consumer. */
  readonly clientRetry?: RetryOptions | undefined;
  /** When a record was given up on (`dlq-failed-at`); default the system clock. */
  readonly now?: (() => Date) | undefined;
  /**
   * Moving past a record whose handling keeps failing. Without it a failing record is retried in
   * place for ever and its partition waits (the right thing while a database is down).
   */
  readonly park?: ParkingOptions | undefined;
  /**
   * Wraps the handling of each record, e.g. in a span that continues the producer's trace from the
   * record's headers (per record: a batch's records come from many traces).
   */
  readonly aroundRecord?: (<R>(record: RecordContext, handle: () => Promise<R>) => Promise<R>) | undefined;
}

export interface ParkingOptions {
  /** Stores the record; it is retried in place until it succeeds. */
  readonly store: (record: ParkedRecord) => Promise<void>;
  /** Failures of the record's own (not `isTransient`) before it is parked. */
  readonly maxAttempts: number;
  /** An error of infrastructure being unreachable: waited out, never counted towards parking. */
  readonly isTransient: (error: unknown) => boolean;
}

export type ConsumerState = 'starting' | 'running' | 'restarting' | 'crashed' | 'stopping' | 'stopped';

export interface EventConsumer {
  /** Stops fetching, lets the records in progress finish, commits, leaves the group, disconnects. */
  stop(): Promise<void>;
  /** False only once KafkaJS crashed and will not restart: the process should be restarted. */
  isHealthy(): boolean;
  state(): ConsumerState;
}
