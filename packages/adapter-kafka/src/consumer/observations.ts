/** What a consumer tells the service about itself; the service decides what to log or count. */
import type { DecodeFailureCode } from '@cancel-sync/contracts';

/** Where a record stands: enough to find it again with any Kafka tool. */
export interface RecordPosition {
  readonly topic: string;
  readonly partition: number;
  /** Decimal string, as Kafka offsets can exceed 2^53. */
  readonly offset: string;
}

/** The step that failed: handling a decoded record, copying an undecodable one to the DLQ, or parking one. */
export type ConsumerStep = 'handle' | 'dead-letter' | 'park';

export type ConsumerObservation =
  | {
      readonly type: 'group-joined';
      readonly groupId: string;
      readonly memberId: string;
      readonly isLeader: boolean;
      /** Partitions of the consumed topic now assigned to this member. */
      readonly partitions: readonly number[];
      readonly durationMs: number;
    }
  | {
      /** A record was handled (its offset will be committed); one per record, for counting. */
      readonly type: 'handled';
      readonly record: RecordPosition;
      /** The last attempt's duration. */
      readonly durationMs: number;
    }
  | {
      /** KafkaJS had given the consumer up; a new one joined the group. */
      readonly type: 'recreated';
      readonly groupId: string;
      readonly attempts: number;
    }
  | {
      /** Handling kept failing for a reason of the record's own: it was stored aside and passed. */
      readonly type: 'parked';
      readonly record: RecordPosition;
      readonly attempts: number;
      readonly reason: string;
    }
  | {
      readonly type: 'dead-lettered';
      readonly record: RecordPosition;
      readonly deadLetterTopic: string;
      readonly code: DecodeFailureCode;
      readonly reason: string;
    }
  | {
      /**
       * A step failed and will be retried in place. Rate-limited: the first failure is reported at
       * once, later ones at most once per `reportIntervalMs`, counted in `failures`.
       */
      readonly type: 'step-failed';
      readonly step: ConsumerStep;
      readonly record: RecordPosition;
      readonly error: unknown;
      /** Attempts made on this record so far. */
      readonly attempt: number;
      /** Failures (on any record) since the previous report, this one included. */
      readonly failures: number;
      readonly retryInMs: number;
    }
  | {
      /** A record succeeded after failing; rate-limited like `step-failed`. */
      readonly type: 'step-recovered';
      readonly step: ConsumerStep;
      readonly record: RecordPosition;
      readonly attempts: number;
    }
  | {
      /**
       * The group also holds members consuming other topics, and KafkaJS's assigners gave this
       * member partitions of those topics, which nobody will consume: they stall. The consumer is
       * unhealthy until a join without them. Give each topic's consumer its own group id.
       */
      readonly type: 'foreign-topics-assigned';
      readonly groupId: string;
      readonly topics: readonly string[];
    }
  | {
      readonly type: 'crashed';
      readonly groupId: string;
      readonly error: unknown;
      /** `false`: KafkaJS gave up for good and the consumer is unhealthy until the process restarts. */
      readonly restarting: boolean;
    }
  | { readonly type: 'stopped'; readonly groupId: string };

export type ObserveConsumer = (observation: ConsumerObservation) => void;
