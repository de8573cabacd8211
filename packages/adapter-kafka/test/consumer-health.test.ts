/**
 * A consumer whose broker stopped answering is not healthy, even while KafkaJS still retries and
 * reports no crash: found by the reliability suite (Kafka stopped for 30 s, /readyz stayed 200).
 */
import { EventEmitter } from 'node:events';
import type { Consumer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ConsumerHealth } from '../src/consumer/consumer-health.ts';

const EVENTS = {
  RECEIVED_UNSUBSCRIBED_TOPICS: 'consumer.received_unsubscribed_topics',
  GROUP_JOIN: 'consumer.group_join',
  CRASH: 'consumer.crash',
  HEARTBEAT: 'consumer.heartbeat',
  FETCH: 'consumer.fetch',
};

const fakeConsumer = () => {
  const emitter = new EventEmitter();
  const consumer = {
    events: EVENTS,
    on: (name: string, listener: (event: unknown) => void) => emitter.on(name, listener),
  };
  return {
    consumer: consumer as unknown as Consumer,
    emit: (name: string, payload: unknown) => emitter.emit(name, { payload }),
  };
};

describe('consumer health', () => {
  it('is healthy while the broker is heard from, and not once it has been silent longer than the session timeout', () => {
    let now = 0;
    const { consumer, emit } = fakeConsumer();
    const health = new ConsumerHealth(
      consumer,
      'order.cancelled',
      () => undefined,
      () => false,
      {
        silentAfterMs: 6_000,
        now: () => now,
      },
    );
    emit(EVENTS.GROUP_JOIN, {
      groupId: 'g',
      memberId: 'm',
      isLeader: true,
      memberAssignment: {},
      duration: 1,
    });
    now = 5_000;
    expect(health.isHealthy()).toBe(true);
    emit(EVENTS.FETCH, {});
    now = 10_000;
    emit(EVENTS.HEARTBEAT, {});
    now = 15_000;
    expect(health.isHealthy()).toBe(true);
    now = 16_001;
    expect(health.isHealthy()).toBe(false);
    emit(EVENTS.FETCH, {});
    expect(health.isHealthy()).toBe(true);
  });
});
