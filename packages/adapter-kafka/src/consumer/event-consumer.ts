/**
 * Runs one consumer group on one topic: decodes every record, hands the valid ones to `handle`
 * and copies the undecodable ones to the dead-letter topic. A record's offset is committed only
 * once it was handled or dead-lettered; a failure of either is retried in place, so a record is
 * never skipped and the records after it on its partition wait (per-order ordering holds).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ThrottledLog } from '@cancel-sync/application';
import type { DecodeResult } from '@cancel-sync/contracts';
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { DEFAULT_RETRY } from '../kafka-client.ts';
import { ACKS_ALL, ProducerHandle } from '../producer.ts';
import { headersAsText } from '../record-headers.ts';
import { ConsumerHealth } from './consumer-health.ts';
import { deadLetterRecord } from './dead-letter-record.ts';
import type {
  ConsumerState,
  EventConsumer,
  EventConsumerOptions,
  RecordContext,
} from './event-consumer-options.ts';
import type { ConsumerObservation, ConsumerStep, RecordPosition } from './observations.ts';
import { DEFAULT_RETRY_DELAYS, type RetryDelays, retryDelayMs } from './retry-delay.ts';

/** Resolves once the consumer has joined its group (or KafkaJS is retrying to). */
export const startEventConsumer = async <T>(options: EventConsumerOptions<T>): Promise<EventConsumer> => {
  const consumer = new KafkaEventConsumer(options);
  await consumer.start();
  return consumer;
};

type BatchControls = Pick<EachBatchPayload, 'heartbeat' | 'isRunning' | 'isStale'>;

class KafkaEventConsumer<T> implements EventConsumer {
  readonly #options: EventConsumerOptions<T>;
  #consumer: Consumer;
  readonly #producer: ProducerHandle;
  readonly #delays: RetryDelays;
  readonly #heartbeatIntervalMs: number;
  readonly #maxStepTimeMs: number;
  readonly #now: () => Date;
  readonly #reports: ThrottledLog;
  /** Cuts short the backoff waits when `stop` is called; a `handle` in progress is let finish. */
  readonly #stopping = new AbortController();
  #health: ConsumerHealth;
  #stopped: Promise<void> | undefined;
  #recovering: Promise<void> | undefined;

  constructor(options: EventConsumerOptions<T>) {
    this.#options = options;
    const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
    this.#heartbeatIntervalMs =
      options.heartbeatIntervalMs ?? Math.min(3_000, Math.floor(sessionTimeout / 3));
    this.#maxStepTimeMs = options.maxStepTimeMs ?? 300_000;
    this.#delays = { ...DEFAULT_RETRY_DELAYS, ...options.retryDelays };
    this.#now = options.now ?? (() => new Date());
    const reportIntervalMs = options.reportIntervalMs ?? 30_000;
    this.#reports = new ThrottledLog(reportIntervalMs);
    this.#producer = new ProducerHandle({ kafka: options.kafka, producer: options.deadLetterProducer });
    [this.#consumer, this.#health] = this.#create(sessionTimeout);
  }

  /** A KafkaJS consumer and its health; made anew when KafkaJS gave one up for good. */
  #create(sessionTimeout: number): [Consumer, ConsumerHealth] {
    const options = this.#options;
    const consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout,
      rebalanceTimeout: options.rebalanceTimeoutMs ?? 60_000,
      heartbeatInterval: this.#heartbeatIntervalMs,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 1_000,
      allowAutoTopicCreation: false,
      retry: {
        ...DEFAULT_RETRY,
        ...options.clientRetry,
        // KafkaJS restarts after retriable errors only; a stop in progress must not be undone.
        restartOnFailure: async () => !this.#stopping.signal.aborted,
      },
    });
    const health = new ConsumerHealth(
      consumer,
      options.topic,
      (observation) => {
        this.#observe(observation);
        // KafkaJS will not restart from this one ("Failed to find group coordinator" after its
        // retries, say): the consumer is made anew, with backoff, until Kafka answers again.
        if (observation.type === 'crashed' && !observation.restarting && consumer === this.#consumer) {
          this.#recovering ??= this.#recover(sessionTimeout).finally(() => {
            this.#recovering = undefined;
          });
        }
      },
      () => this.#stopping.signal.aborted,
      { silentAfterMs: sessionTimeout },
    );
    return [consumer, health];
  }

  async #recover(sessionTimeout: number): Promise<void> {
    const given = this.#consumer;
    this.#health.state = 'restarting';
    await given.disconnect().catch(() => undefined);
    for (let attempt = 1; !this.#stopping.signal.aborted; attempt += 1) {
      try {
        await sleep(retryDelayMs(attempt, { initialDelayMs: 1_000, maxDelayMs: 30_000 }), undefined, {
          signal: this.#stopping.signal,
        });
      } catch {
        return;
      }
      [this.#consumer, this.#health] = this.#create(sessionTimeout);
      this.#health.state = 'restarting';
      try {
        await this.#run();
        this.#observe({ type: 'recreated', groupId: this.#options.groupId, attempts: attempt });
        return;
      } catch (error) {
        this.#observe({ type: 'crashed', groupId: this.#options.groupId, error, restarting: true });
        await this.#consumer.disconnect().catch(() => undefined);
      }
    }
  }

  state(): ConsumerState {
    return this.#health.state;
  }

  isHealthy(): boolean {
    return this.#health.isHealthy();
  }

  async start(): Promise<void> {
    try {
      await this.#producer.connect();
      await this.#run();
    } catch (error) {
      await this.stop().catch(() => undefined);
      throw error;
    }
  }

  async #run(): Promise<void> {
    const { topic, fromBeginning, partitionsConsumedConcurrently, autoCommitIntervalMs } = this.#options;
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topics: [topic], fromBeginning: fromBeginning ?? true });
    await this.#consumer.run({
      partitionsConsumedConcurrently: partitionsConsumedConcurrently ?? 3,
      // Offsets are resolved one by one below, only after a record was handled or dead-lettered.
      eachBatchAutoResolve: false,
      autoCommit: true,
      autoCommitInterval: autoCommitIntervalMs ?? 5_000,
      eachBatch: (payload) => this.#eachBatch(payload),
    });
  }

  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #stop(): Promise<void> {
    this.#health.state = 'stopping';
    this.#stopping.abort();
    await this.#recovering;
    try {
      // KafkaJS waits for the batches in progress, commits what they resolved and leaves the group.
      await this.#consumer.disconnect();
    } finally {
      await this.#producer.disconnect();
      this.#health.state = 'stopped';
      this.#observe({ type: 'stopped', groupId: this.#options.groupId });
    }
  }

  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    if ((this.#options.keysConcurrently ?? 1) > 1) return this.#eachBatchByKey(payload);
    const { batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale } = payload;
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || this.#stopping.signal.aborted) return;
      const position = { topic: batch.topic, partition: batch.partition, offset: message.offset };
      if (!(await this.#processUntilDone(message, position, payload))) return;
      resolveOffset(message.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  /**
   * Up to `keysConcurrently` records of the batch at once, each key's records chained in order. An
   * offset is resolved once it and every record before it are done, so a record still retried in
   * place holds the commit back (never skipped) while other keys go on.
   */
  async #eachBatchByKey(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale } = payload;
    const limit = this.#options.keysConcurrently ?? 1;
    const messages = batch.messages;
    const done = messages.map(() => false);
    let resolvedUpTo = 0;
    let halted = false;
    let failure: { readonly error: unknown } | undefined;
    let running = 0;
    const waiting: (() => void)[] = [];
    const release = () => {
      running -= 1;
      waiting.shift()?.();
    };
    const advance = async () => {
      let moved = false;
      for (; resolvedUpTo < messages.length && done[resolvedUpTo] === true; resolvedUpTo += 1) {
        resolveOffset(messages[resolvedUpTo]?.offset ?? '');
        moved = true;
      }
      if (moved) {
        await commitOffsetsIfNecessary();
        await heartbeat();
      }
    };
    const tails = new Map<string, Promise<void>>();
    const tasks: Promise<void>[] = [];
    for (const [index, message] of messages.entries()) {
      while (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      if (halted || !isRunning() || isStale() || this.#stopping.signal.aborted) break;
      running += 1;
      // Records without a key share one chain: nothing says they may be reordered.
      const key = message.key === null ? '' : message.key.toString('latin1');
      const task = (tails.get(key) ?? Promise.resolve()).then(async () => {
        try {
          if (halted) return;
          const position = { topic: batch.topic, partition: batch.partition, offset: message.offset };
          if (!(await this.#processUntilDone(message, position, payload))) {
            halted = true;
            return;
          }
          done[index] = true;
          await advance();
        } catch (error) {
          // A heartbeat that found the group rebalancing: KafkaJS rejoins once this batch returns.
          halted = true;
          failure ??= { error };
        } finally {
          release();
        }
      });
      tails.set(key, task);
      tasks.push(task);
    }
    await Promise.all(tasks);
    if (failure !== undefined) throw failure.error;
  }

  /** `false` when the consumer stopped (or lost the partition) before the record was done. */
  async #processUntilDone(
    message: KafkaMessage,
    position: RecordPosition,
    controls: BatchControls,
  ): Promise<boolean> {
    const { park } = this.#options;
    /** Failures of this record's own, as opposed to infrastructure being unreachable. */
    let ownFailures = 0;
    let lastOwnError: unknown;
    for (let attempt = 1; ; attempt += 1) {
      let step: ConsumerStep = 'handle';
      try {
        if (park !== undefined && ownFailures >= park.maxAttempts) {
          step = 'park';
          await this.#keepingAlive(controls, () =>
            this.#park(park, message, position, ownFailures, lastOwnError),
          );
          return true;
        }
        const decoded = this.#options.decode(message.value);
        if (decoded.ok) {
          const { value } = decoded;
          const startedAt = performance.now();
          const context = recordContext(message, position);
          const { aroundRecord } = this.#options;
          await this.#keepingAlive(controls, () =>
            aroundRecord === undefined
              ? this.#options.handle(value, context)
              : aroundRecord(context, () => this.#options.handle(value, context)),
          );
          this.#observe({ type: 'handled', record: position, durationMs: performance.now() - startedAt });
        } else {
          step = 'dead-letter';
          await this.#keepingAlive(controls, () => this.#deadLetter(message, position, decoded));
        }
        if (attempt > 1) this.#reportRecovery(step, position, attempt);
        return true;
      } catch (error) {
        if (step === 'handle' && park !== undefined && !park.isTransient(error)) {
          ownFailures += 1;
          lastOwnError = error;
        }
        if (!this.#mayContinue(controls)) return false;
        const retryInMs = retryDelayMs(attempt, this.#delays);
        this.#reportFailure(step, position, error, attempt, retryInMs);
        if (!(await this.#waitBeforeRetry(retryInMs, controls))) return false;
      }
    }
  }

  async #park(
    park: NonNullable<EventConsumerOptions<T>['park']>,
    message: KafkaMessage,
    position: RecordPosition,
    attempts: number,
    error: unknown,
  ): Promise<void> {
    const reason = `handling failed ${attempts} time(s); last error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    await park.store({
      topic: position.topic,
      partition: position.partition,
      offset: position.offset,
      key: message.key === null ? null : message.key.toString('utf8'),
      value: message.value === null ? null : new Uint8Array(message.value),
      headers: headersAsText(message.headers),
      reason,
      attempts,
      parkedAt: this.#now(),
    });
    this.#observe({ type: 'parked', record: position, attempts, reason });
  }

  async #deadLetter(
    message: KafkaMessage,
    position: RecordPosition,
    failure: Extract<DecodeResult<T>, { ok: false }>,
  ): Promise<void> {
    const { deadLetterTopic } = this.#options;
    await this.#producer.producer.send({
      topic: deadLetterTopic,
      acks: ACKS_ALL,
      messages: [deadLetterRecord(message, position, failure, this.#now())],
    });
    this.#observe({
      type: 'dead-lettered',
      record: position,
      deadLetterTopic,
      code: failure.code,
      reason: failure.message,
    });
  }

  /**
   * KafkaJS heartbeats only between records, so a slow `handle` (a database failing over) or a
   * dead-letter send riding out a broker restart would get the member evicted and its partitions
   * handed around. Heartbeats go on during a step, for at most `maxStepTimeMs`: a step stuck
   * beyond that lets the session lapse, and the group gives the partition to another member. A
   * rebalance seen here is seen again by the heartbeat that follows the step.
   */
  async #keepingAlive<R>(controls: BatchControls, step: () => Promise<R>): Promise<R> {
    const startedAt = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - startedAt < this.#maxStepTimeMs) controls.heartbeat().catch(() => undefined);
    }, this.#heartbeatIntervalMs);
    try {
      return await step();
    } finally {
      clearInterval(timer);
    }
  }

  #mayContinue({ isRunning, isStale }: BatchControls): boolean {
    return !this.#stopping.signal.aborted && isRunning() && !isStale();
  }

  /**
   * Waits with heartbeats, so a long backoff does not get the member evicted. A heartbeat that
   * finds the group rebalancing throws; KafkaJS then commits what was resolved and rejoins.
   */
  async #waitBeforeRetry(delayMs: number, controls: BatchControls): Promise<boolean> {
    const until = Date.now() + delayMs;
    for (;;) {
      if (!this.#mayContinue(controls)) return false;
      const left = until - Date.now();
      if (left <= 0) return true;
      try {
        await sleep(Math.min(left, this.#heartbeatIntervalMs), undefined, { signal: this.#stopping.signal });
      } catch {
        return false;
      }
      await controls.heartbeat();
    }
  }

  #reportFailure(
    step: ConsumerStep,
    record: RecordPosition,
    error: unknown,
    attempt: number,
    retryInMs: number,
  ): void {
    this.#reports.maybe('failure', (suppressed) =>
      this.#observe({
        type: 'step-failed',
        step,
        record,
        error,
        attempt,
        failures: suppressed + 1,
        retryInMs,
      }),
    );
  }

  #reportRecovery(step: ConsumerStep, record: RecordPosition, attempts: number): void {
    this.#reports.maybe('recovery', () => this.#observe({ type: 'step-recovered', step, record, attempts }));
  }

  #observe(observation: ConsumerObservation): void {
    try {
      this.#options.observe?.(observation);
    } catch {
      // An observer's bug must not stop consumption.
    }
  }
}

const recordContext = (message: KafkaMessage, position: RecordPosition): RecordContext => ({
  topic: position.topic,
  partition: position.partition,
  offset: Number(position.offset),
  key: message.key === null ? null : message.key.toString('utf8'),
  headers: headersAsText(message.headers),
  timestamp: message.timestamp,
});
