/**
 * The OpenTelemetry SDK of the process: a tracer provider with the instrumentations of the parts
 * this service uses, and the one place that flushes spans at the end. The exporter comes from the
 * standard OTEL_* variables (OTLP by default, `zipkin` for the local viewer, `console`), or from the
 * span processors a test passes in.
 */
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';

let sdk: NodeSDK | undefined;

/** Query strings can carry secrets (`/authToken?username=…&password=…`): spans keep the path only. */
export const pathWithoutQuery = (url: string): string => {
  const at = url.indexOf('?');
  return at === -1 ? url : url.slice(0, at);
};

export const startTelemetry = (options: { readonly spanProcessors?: SpanProcessor[] } = {}): void => {
  if (sdk !== undefined) return;
  sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME ?? 'cancel-sync',
    ...(options.spanProcessors === undefined ? {} : { spanProcessors: options.spanProcessors }),
    instrumentations: [
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        requestHook: (span, request) => span.setAttribute('url.path', pathWithoutQuery(request.url)),
      }),
      // Request and response headers are not recorded (the default): `securitykey` travels in them.
      new UndiciInstrumentation(),
      new MongoDBInstrumentation({ enhancedDatabaseReporting: false }),
      new KafkaJsInstrumentation(),
    ],
  });
  sdk.start();
};

/** Flushes and stops telemetry: call it after the service stopped, so the spans of the stop are kept. */
export const shutdownTelemetry = async (): Promise<void> => {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown().catch(() => undefined);
};
