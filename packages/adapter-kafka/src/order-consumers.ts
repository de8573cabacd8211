/** The two inbound topics, wired to their decoders, the contract-to-domain mapping and a use case. */
import { decodeOrderCancelled, decodeOrderLifecycle, TOPICS } from '@cancel-sync/contracts';
import type { OrderCancelled, OrderSnapshot } from '@cancel-sync/domain';
import { startEventConsumer } from './consumer/event-consumer.ts';
import type { EventConsumer, EventConsumerOptions } from './consumer/event-consumer-options.ts';
import { toOrderCancelled, toOrderSnapshot } from './mapping.ts';

/** Everything `startEventConsumer` takes except what the topic decides; topics default to the contract's. */
export type OrderConsumerOptions = Omit<
  EventConsumerOptions<never>,
  'decode' | 'handle' | 'topic' | 'deadLetterTopic'
> & {
  readonly topic?: string | undefined;
  readonly deadLetterTopic?: string | undefined;
};

/**
 * `order.cancelled` → `accept(event, sequence)`, e.g. the `acceptCancellationEvent` use case. The
 * sequence is the record's offset: records of one order share a partition, so it orders them.
 */
export const startOrderCancelledConsumer = (
  options: OrderConsumerOptions & {
    readonly accept: (event: OrderCancelled, sequence: number) => Promise<unknown>;
  },
): Promise<EventConsumer> => {
  const { accept, topic, deadLetterTopic, ...rest } = options;
  return startEventConsumer({
    ...rest,
    topic: topic ?? TOPICS.orderCancelled,
    deadLetterTopic: deadLetterTopic ?? TOPICS.orderCancelledDeadLetter,
    decode: decodeOrderCancelled,
    handle: (event, { offset }) => accept(toOrderCancelled(event), offset),
  });
};

/** `order.lifecycle` → `apply(snapshot)`, e.g. the `applyOrderSnapshot` use case. */
export const startOrderLifecycleConsumer = (
  options: OrderConsumerOptions & {
    readonly apply: (snapshot: OrderSnapshot) => Promise<unknown>;
  },
): Promise<EventConsumer> => {
  const { apply, topic, deadLetterTopic, ...rest } = options;
  return startEventConsumer({
    ...rest,
    topic: topic ?? TOPICS.orderLifecycle,
    deadLetterTopic: deadLetterTopic ?? TOPICS.orderLifecycleDeadLetter,
    decode: decodeOrderLifecycle,
    handle: (event) => apply(toOrderSnapshot(event)),
  });
};
