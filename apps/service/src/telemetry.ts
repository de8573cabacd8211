/**
 * OpenTelemetry tracing, loaded before everything else (`node --import ./src/telemetry.ts`) so that
 * the instrumentations are in place before the modules they patch are imported. It is configured by
 * the standard OTEL_* variables; without OTEL_TRACES_EXPORTER or OTEL_EXPORTER_OTLP_ENDPOINT it stays
 * off. `main.ts` flushes it after the service has stopped.
 *
 * Spans come from: Fastify routes (@fastify/otel, through Fastify's diagnostics channel), calls to
 * Uniware (undici), MongoDB commands, Kafka produce/consume, and the service's own spans that keep
 * one cancellation in one trace (see `traced.ts`).
 */
import { register } from 'node:module';
import { startTelemetry } from './telemetry-sdk.ts';

const wanted =
  process.env.OTEL_SDK_DISABLED !== 'true' &&
  (process.env.OTEL_TRACES_EXPORTER !== undefined || process.env.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined);

if (wanted) {
  // ES modules are patched through a loader hook; only the packages instrumented here are wrapped.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
    data: { include: ['kafkajs', 'mongodb'] },
  });
  startTelemetry();
}
