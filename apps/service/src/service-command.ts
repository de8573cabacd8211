/**
 * How the service process is started, in one place: `pnpm start`, the package's start script, the
 * image, the tests that spawn it and the benchmarks use these arguments (run from apps/service/).
 */
export interface ServiceCommand {
  /** Arguments to `node`, the entry point last. */
  readonly args: readonly string[];
  /** Environment the process needs before it starts (read by the runtime, not by the service). */
  readonly env: Readonly<Record<string, string>>;
}

export const serviceCommand = (): ServiceCommand => ({
  // Telemetry first, so that its instrumentations are in place before what they patch is imported.
  args: ['--enable-source-maps', '--import', './src/telemetry.ts', './src/main.ts'],
  env: {},
});
