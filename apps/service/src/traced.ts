/**
 * The spans of one cancellation, wired around the use cases and adapters without them knowing:
 * inbound request → use case → (outbox, kept trace) → relay publish → Kafka headers → consume →
 * (delivery job, kept trace) → every attempt to Uniware. Attribute names follow OpenTelemetry's
 * semantic conventions where one exists (`messaging.*`); ours are under `cancel_sync.*`.
 */
import type { RecordContext } from '@cancel-sync/adapter-kafka';
import type { CancelFromUniwareRequest, DeliveryJob, OutboxEntry } from '@cancel-sync/application';
import type { OrderCancelled } from '@cancel-sync/domain';
import { currentTraceparent, inSpan, SpanKind } from './tracing.ts';

/** The headers that carry the active trace on to a Kafka record. */
export const traceHeaders = (): Record<string, string> => {
  const traceparent = currentTraceparent();
  return traceparent === undefined ? {} : { traceparent };
};

export const tracedInbound =
  <A extends { readonly kind: string }>(cancel: (request: CancelFromUniwareRequest) => Promise<A>) =>
  (request: CancelFromUniwareRequest): Promise<A> =>
    inSpan(
      'cancel order from uniware',
      {
        attributes: {
          'cancel_sync.order_id': request.orderId,
          'cancel_sync.seller_id': request.sellerId,
          'cancel_sync.lines': request.lines.length,
        },
      },
      async (span) => {
        const answer = await cancel(request);
        span.setAttribute('cancel_sync.outcome', answer.kind);
        if ('result' in answer && typeof answer.result === 'object' && answer.result !== null) {
          const { status } = answer.result as { status: string };
          span.setAttribute('cancel_sync.status', status);
        }
        if ('replayed' in answer) span.setAttribute('cancel_sync.replayed', Boolean(answer.replayed));
        return answer;
      },
    );

/** Publishes each announcement in a producer span of the trace that wrote it. */
export const tracedAnnouncements =
  (
    topic: string,
    publish: (events: readonly OrderCancelled[], headers: Readonly<Record<string, string>>) => Promise<void>,
  ) =>
  async (entries: readonly OutboxEntry[]): Promise<void> => {
    await Promise.all(
      entries.map(({ event, traceparent }) =>
        inSpan(
          `${topic} publish`,
          {
            parent: traceparent,
            kind: SpanKind.PRODUCER,
            attributes: {
              'messaging.system': 'kafka',
              'messaging.operation.type': 'send',
              'messaging.destination.name': topic,
              'messaging.kafka.message.key': event.orderId,
              'messaging.message.id': event.eventId,
              'cancel_sync.order_id': event.orderId,
            },
          },
          () => publish([event], traceHeaders()),
        ),
      ),
    );
  };

/** Handles each record in a consumer span continuing its producer's trace (from its headers). */
export const tracedRecord =
  (consumerGroup: string) =>
  <R>(record: RecordContext, handle: () => Promise<R>): Promise<R> =>
    inSpan(
      `${record.topic} process`,
      {
        parent: record.headers.traceparent,
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.destination.name': record.topic,
          'messaging.destination.partition.id': String(record.partition),
          'messaging.kafka.offset': record.offset,
          'messaging.consumer.group.name': consumerGroup,
          ...(record.key === null ? {} : { 'messaging.kafka.message.key': record.key }),
          ...(record.headers['event-id'] === undefined
            ? {}
            : { 'messaging.message.id': record.headers['event-id'] }),
        },
      },
      handle,
    );

/** Runs each delivery attempt in a span of the trace its job was stored in. */
export const tracedAttempt = (job: DeliveryJob, attempt: () => Promise<void>): Promise<void> =>
  inSpan(
    'deliver cancellation to uniware',
    {
      parent: job.traceparent,
      attributes: {
        'cancel_sync.job_id': job.jobId,
        'cancel_sync.order_id': job.orderId,
        'cancel_sync.seller_id': job.sellerId,
        'cancel_sync.attempt': job.attempts + 1,
        'cancel_sync.unknown_outcomes': job.unknownOutcomes,
      },
    },
    attempt,
  );
