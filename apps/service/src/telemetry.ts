/**
 * OpenTelemetry tracing, loaded before everything else (`node --import ./src/telemetry.ts`) so that
 * the instrumentations are in place before the modules they patch are imported. It is configured by
 * the standard OTEL_* variables; without OTEL_TRACES_EXPORTER or OTEL_EXPORTER_OTLP_ENDPOINT it stays
 * off, and then the SDK is not even loaded (it costs ~14 MiB of heap and ~30 MiB of RSS idle).
 * `main.ts` flushes it after the service has stopped.
 *
 * Spans come from: Fastify routes (@fastify/otel, through Fastify's diagnostics channel), calls to
 * Uniware (undici), MongoDB commands, Kafka produce/consume, and the service's own spans that keep
 * one cancellation in one trace (see `traced.ts`).
 */
import { register } from 'node:module';
import { telemetryWanted } from './telemetry-wanted.ts';

if (telemetryWanted(process.env)) {
  // ES modules are patched through a loader hook; only the packages instrumented here are wrapped.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
    data: { include: ['kafkajs', 'mongodb'] },
  });
  const { startTelemetry } = await import('./telemetry-sdk.ts');
  startTelemetry();
}
