export { KafkaCancellationEvents, type KafkaCancellationEventsOptions } from './cancellation-events.ts';
export { startEventConsumer } from './consumer/event-consumer.ts';
export type {
  ConsumerState,
  EventConsumer,
  EventConsumerOptions,
  RecordContext,
} from './consumer/event-consumer-options.ts';
export type {
  ConsumerObservation,
  ConsumerStep,
  ObserveConsumer,
  RecordPosition,
} from './consumer/observations.ts';
export type { RetryDelays } from './consumer/retry-delay.ts';
export { consumerLag, type PartitionLag } from './consumer-lag.ts';
export {
  KafkaDeadLetters,
  type KafkaDeadLettersOptions,
  KafkaParkedRecordPublisher,
} from './dead-letters.ts';
export { createKafkaClient, DEFAULT_RETRY, type KafkaClientConfig } from './kafka-client.ts';
export type { KafkaLog, KafkaLogLevel, KafkaLogThreshold } from './kafka-log.ts';
export { toOrderCancelled, toOrderCancelledV1, toOrderSnapshot } from './mapping.ts';
export {
  type OrderConsumerOptions,
  startOrderCancelledConsumer,
  startOrderLifecycleConsumer,
} from './order-consumers.ts';
export { ACKS_ALL, createProducer } from './producer.ts';
export { EVENT_HEADERS } from './record-headers.ts';
export { KafkaRecordRepublisher } from './record-republisher.ts';
export { type EnsuredTopics, ensureTopics, type TopicSpec } from './topics.ts';
