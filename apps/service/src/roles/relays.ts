/**
 * The `relay` role: what the stores hold for publication goes to Kafka — announcements from the
 * orders' outboxes, dead letters from their jobs, parked records — one relay each, every batch
 * claimed by one instance.
 */
import {
  KafkaCancellationEvents,
  KafkaDeadLetters,
  KafkaParkedRecordPublisher,
} from '@cancel-sync/adapter-kafka';
import { AnnounceAtOnce, Relay, type RelayEvent } from '@cancel-sync/application';
import type { Kafka } from 'kafkajs';
import { tracedAnnouncements } from '../traced.ts';
import { clock, type RoleContext } from './context.ts';

export const startRelays = async (
  {
    config,
    logger,
    metrics,
    throttled,
    lifecycle,
    stores,
    wake,
    decorateDeadLetters,
    ownAnnouncements,
  }: RoleContext,
  kafka: Kafka,
): Promise<void> => {
  const { env } = config;
  const settings = {
    owner: config.instanceId,
    batchSize: env.OUTBOX_BATCH_SIZE,
    pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS,
    leaseMs: env.OUTBOX_LEASE_MS,
    retry: { baseDelayMs: 500, maxDelayMs: 30_000 },
  };
  const observe =
    (name: string, onPublished: (count: number) => void = () => undefined) =>
    <E>(event: RelayEvent<E>) => {
      if (event.type === 'published') onPublished(event.batch.entries.length);
      else
        throttled.maybe(name, (suppressed) =>
          logger.error(
            { err: event.error, part: name, similarSuppressed: suppressed },
            `${name}: could not publish; will retry`,
          ),
        );
    };
  // Woken by what this process stores; the poll is for other instances' work and expired leases.
  const deadLetterSettings = {
    ...settings,
    pollIntervalMs: env.DEAD_LETTER_POLL_INTERVAL_MS,
    wakeForRetries: true,
  };
  const relays: { notify(): void }[] = [];
  const start = <E>(name: string, relay: Relay<E>) => {
    relay.start();
    lifecycle.onStop(name, () => relay.stop());
    relays.push(relay);
    return relay;
  };

  const events = new KafkaCancellationEvents({ kafka, topic: env.TOPIC_ORDER_CANCELLED });
  await events.connect();
  lifecycle.onStop('order.cancelled producer', () => events.disconnect());
  const publishAnnouncements = tracedAnnouncements(env.TOPIC_ORDER_CANCELLED, (batch, headers) =>
    events.publish(batch, headers),
  );
  const announcements = start(
    'outbox relay',
    new Relay({
      source: stores.outbox,
      publish: publishAnnouncements,
      clock,
      random: Math.random,
      // This process's own announcements go out at once (below); the relay is left what others
      // wrote without publishing it, which it need not look for as often.
      settings: config.roles.has('http')
        ? { ...settings, pollIntervalMs: env.OUTBOX_LEFTOVER_POLL_INTERVAL_MS }
        : settings,
      observe: observe('outbox relay', (count) => metrics.outboxPublished.inc(count)),
    }),
  );
  const atOnce = new AnnounceAtOnce({
    outbox: stores.outbox,
    publish: publishAnnouncements,
    onPublished: (count) => metrics.outboxPublished.inc(count),
    onError: (error) =>
      throttled.maybe('announce at once', (suppressed) =>
        logger.error(
          { err: error, part: 'announce at once', similarSuppressed: suppressed },
          'announce at once: could not publish; the outbox relay will',
        ),
      ),
  });
  ownAnnouncements.publisher = atOnce;
  lifecycle.onStop('announce at once', () => atOnce.stop());

  const deadLetters = new KafkaDeadLetters({
    kafka,
    topic: env.TOPIC_ORDER_CANCELLED_DLQ,
    sourceTopic: env.TOPIC_ORDER_CANCELLED,
  });
  await deadLetters.connect();
  lifecycle.onStop('dead-letter producer', () => deadLetters.disconnect());
  const publisher = decorateDeadLetters?.(deadLetters) ?? deadLetters;
  const deadLetterRelay = start(
    'dead-letter relay',
    new Relay({
      source: stores.deadLetterOutbox,
      publish: (letters) => publisher.publish(letters),
      clock,
      random: Math.random,
      settings: deadLetterSettings,
      observe: observe('dead-letter relay'),
    }),
  );

  const parked = new KafkaParkedRecordPublisher({
    kafka,
    deadLetterTopicOf: (topic) =>
      topic === env.TOPIC_ORDER_LIFECYCLE ? env.TOPIC_ORDER_LIFECYCLE_DLQ : env.TOPIC_ORDER_CANCELLED_DLQ,
  });
  await parked.connect();
  lifecycle.onStop('parked-record producer', () => parked.disconnect());
  start(
    'parked-record relay',
    new Relay({
      source: stores.parkedRecords,
      publish: (records) => parked.publish(records),
      clock,
      random: Math.random,
      settings: deadLetterSettings,
      observe: observe('parked-record relay'),
    }),
  );

  wake.announcements = () => announcements.notify();
  wake.deadLetters = () => deadLetterRelay.notify();
  wake.relays = () => {
    for (const relay of relays) relay.notify();
  };
};
