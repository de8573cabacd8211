/**
 * Whether this process traces, and the flush at the end, without loading the OpenTelemetry SDK when
 * it does not: the SDK and its instrumentations are imported only when tracing is on.
 */
export const telemetryWanted = (env: NodeJS.ProcessEnv): boolean =>
  env.OTEL_SDK_DISABLED !== 'true' &&
  (env.OTEL_TRACES_EXPORTER !== undefined || env.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined);

/** Flushes and stops telemetry if it runs: call it after the service stopped (spans of the stop kept). */
export const shutdownTelemetry = async (): Promise<void> => {
  if (!telemetryWanted(process.env)) return;
  const sdk = await import('./telemetry-sdk.ts');
  await sdk.shutdownTelemetry();
};
