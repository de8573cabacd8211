/**
 * How one cancellation stays one trace across time: the W3C `traceparent` of the span that stored
 * something (an outbox entry, a delivery job) is kept with it, and the work that picks it up later
 * (the relay, each delivery attempt, minutes later or after a restart) starts its span as a child
 * of that context. Without a tracer provider every call here is a cheap no-op.
 */
import {
  type Attributes,
  context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';

export const tracer = trace.getTracer('cancel-sync');

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The active span's context as a W3C `traceparent`, or `undefined` when nothing is traced. */
export const currentTraceparent = (): string | undefined => {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext === undefined || !trace.isSpanContextValid(spanContext)) return undefined;
  const flags = (spanContext.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
};

/** `trace_id` and `span_id` of the active span, for log lines; nothing outside a span. */
export const currentTraceIds = (): { trace_id?: string; span_id?: string } => {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext === undefined || !trace.isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
};

/** A context whose parent is the span a `traceparent` names; the root context for a bad or absent one. */
export const contextOf = (traceparent: string | undefined) => {
  const match = traceparent === undefined ? null : TRACEPARENT.exec(traceparent.trim());
  if (match === null) return ROOT_CONTEXT;
  const [, traceId = '', spanId = '', flags = '00'] = match;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16),
    isRemote: true,
  });
};

export interface SpanOptions {
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
  /** Continue this stored trace instead of the active one. */
  readonly parent?: string | undefined;
}

/** Runs `work` in a new active span, which ends with it; an error marks the span and is rethrown. */
export const inSpan = <T>(
  name: string,
  options: SpanOptions,
  work: (span: Span) => Promise<T>,
): Promise<T> => {
  const parent = options.parent === undefined ? context.active() : contextOf(options.parent);
  return tracer.startActiveSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes === undefined ? {} : { attributes: options.attributes }),
    },
    parent,
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.name : 'error',
        });
        throw error;
      } finally {
        span.end();
      }
    },
  );
};

/** Adds attributes to the span under way, if any. */
export const annotate = (attributes: Attributes): void => {
  trace.getActiveSpan()?.setAttributes(attributes);
};

export { SpanKind, SpanStatusCode };
