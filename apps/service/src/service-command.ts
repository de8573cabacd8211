/**
 * How the service process is started, in one place: `pnpm start`, the package's start script, the
 * image, the tests that spawn it and the benchmarks use these arguments (run from apps/service/);
 * a test checks that the package script and the Dockerfile say the same.
 *
 * Memory (measured by `pnpm bench:memory`, see the README's benchmarks): on a machine with much RAM
 * V8 lets the young generation grow to 128 MiB (two 64 MiB semi-spaces) under load and keeps it, and
 * glibc gives each thread that allocates its own malloc arena, whose freed pages stay resident.
 */
export interface ServiceCommand {
  /** Arguments to `node`, the entry point last. */
  readonly args: readonly string[];
  /** Environment the process needs before it starts (read by the runtime, not by the service). */
  readonly env: Readonly<Record<string, string>>;
}

export const serviceCommand = (): ServiceCommand => ({
  args: [
    '--enable-source-maps',
    // Young generation at most 2 × 8 MiB: the service's objects live for one event or for good, so
    // a bigger nursery buys few promotions and costs ~100 MiB of RSS under load.
    '--max-semi-space-size=8',
    // Telemetry first, so that its instrumentations are in place before what they patch is imported.
    '--import',
    './src/telemetry.ts',
    './src/main.ts',
  ],
  // Two malloc arenas instead of up to 8 per core: Buffers and the driver's allocations from libuv's
  // and V8's threads share them, and fragmented arenas are what kept RSS up after load.
  env: { MALLOC_ARENA_MAX: '2' },
});
