/**
 * What KafkaJS's instrumentation events say about a consumer. Healthy means joined and consuming;
 * while KafkaJS restarts it after a failure (the broker went away, say) it is not. Nor is it when
 * the broker has been silent (no fetch, no heartbeat) for longer than the session timeout: KafkaJS
 * retries a stopped broker for a long while before it reports a crash.
 */
import type { Consumer } from 'kafkajs';
import type { ConsumerState } from './event-consumer-options.ts';
import type { ObserveConsumer } from './observations.ts';

export class ConsumerHealth {
  #state: ConsumerState = 'starting';
  /** Topics of other consumers in the group that were assigned to this member at the last join. */
  #foreignTopics: readonly string[] = [];
  #foreignTopicsAtSync: readonly string[] = [];
  readonly #silentAfterMs: number;
  readonly #now: () => number;
  #heardAt: number;

  constructor(
    consumer: Consumer,
    topic: string,
    observe: ObserveConsumer,
    isStopping: () => boolean,
    { silentAfterMs = 30_000, now = Date.now }: { silentAfterMs?: number; now?: () => number } = {},
  ) {
    const { events } = consumer;
    this.#silentAfterMs = silentAfterMs;
    this.#now = now;
    this.#heardAt = now();
    const heard = () => {
      this.#heardAt = this.#now();
    };
    // A fetch answers at least every maxWaitTime, a heartbeat every heartbeat interval.
    consumer.on(events.FETCH, heard);
    consumer.on(events.HEARTBEAT, heard);
    // Emitted during the sync of a join, before the GROUP_JOIN of the same join.
    consumer.on(events.RECEIVED_UNSUBSCRIBED_TOPICS, ({ payload }) => {
      this.#foreignTopicsAtSync = payload.topicsNotSubscribed;
    });
    consumer.on(events.GROUP_JOIN, ({ payload }) => {
      this.#foreignTopics = this.#foreignTopicsAtSync;
      this.#foreignTopicsAtSync = [];
      heard();
      if (isStopping()) return;
      this.#state = 'running';
      if (this.#foreignTopics.length > 0) {
        observe({ type: 'foreign-topics-assigned', groupId: payload.groupId, topics: this.#foreignTopics });
      }
      observe({
        type: 'group-joined',
        groupId: payload.groupId,
        memberId: payload.memberId,
        isLeader: payload.isLeader,
        partitions: payload.memberAssignment[topic] ?? [],
        durationMs: payload.duration,
      });
    });
    consumer.on(events.CRASH, ({ payload }) => {
      if (isStopping()) return;
      this.#state = payload.restart ? 'restarting' : 'crashed';
      observe({
        type: 'crashed',
        groupId: payload.groupId,
        error: payload.error,
        restarting: payload.restart,
      });
    });
  }

  get state(): ConsumerState {
    return this.#state;
  }

  set state(state: 'restarting' | 'stopping' | 'stopped') {
    this.#state = state;
  }

  /** Running in its group with what it asked for, and heard from: not starting, restarting, crashed, stopping or cut off. */
  isHealthy(): boolean {
    return (
      this.#state === 'running' &&
      this.#foreignTopics.length === 0 &&
      this.#now() - this.#heardAt <= this.#silentAfterMs
    );
  }
}
