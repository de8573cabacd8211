/**
 * OpenTelemetry tracing, loaded before everything else (`node --import ./src/telemetry.ts`) so that
 * the instrumentations are in place before the modules they patch are imported. It is configured by
 * the standard OTEL_* variables; without OTEL_TRACES_EXPORTER or OTEL_EXPORTER_OTLP_ENDPOINT it stays off.
 *
 * Spans come from: Fastify routes (@fastify/otel, through Fastify's diagnostics channel), calls to
 * Uniware (undici), MongoDB commands, and Kafka produce/consume (which also carries W3C trace
 * context in message headers).
 */
import { register } from 'node:module';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';

const wanted =
  process.env.OTEL_SDK_DISABLED !== 'true' &&
  (process.env.OTEL_TRACES_EXPORTER !== undefined || process.env.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined);

if (wanted) {
  // ES modules are patched through a loader hook; only the packages instrumented here are wrapped.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
    data: { include: ['kafkajs', 'mongodb'] },
  });
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME ?? 'cancel-sync',
    instrumentations: [
      new FastifyOtelInstrumentation({ registerOnInitialization: true }),
      new UndiciInstrumentation(),
      new MongoDBInstrumentation({ enhancedDatabaseReporting: false }),
      new KafkaJsInstrumentation(),
    ],
  });
  sdk.start();
  const shutdown = () => {
    sdk.shutdown().catch(() => undefined);
  };
  process.once('beforeExit', shutdown);
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
