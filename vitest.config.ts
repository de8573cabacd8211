import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Unit projects need no infrastructure. */
const unit = (name: string, root: string) => ({
  test: { name, root, include: ['test/**/*.test.ts'] },
});

/**
 * Integration projects run against a real Kafka broker and a real MongoDB-protocol server. The
 * devstack's global set-up finds or starts them once for the whole run and hands the endpoints to
 * the tests through `inject('stack')`.
 */
const integration = (name: string, root: string) => ({
  test: {
    name,
    root,
    include: ['test/**/*.test.ts'],
    globalSetup: [fileURLToPath(new URL('./packages/devstack/src/vitest-global-setup.ts', import.meta.url))],
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});

export default defineConfig({
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    passWithNoTests: true,
    projects: [
      unit('domain', 'packages/domain'),
      unit('application', 'packages/application'),
      unit('contracts', 'packages/contracts'),
      unit('adapter-http', 'packages/adapter-http'),
      unit('adapter-crypto', 'packages/adapter-crypto'),
      unit('adapter-uniware', 'packages/adapter-uniware'),
      unit('uc-sandbox', 'apps/uc-sandbox'),
      // The benchmark harness's pure parts only; the benchmarks themselves run with `pnpm bench`.
      unit('bench', 'bench'),
      integration('devstack', 'packages/devstack'),
      integration('adapter-mongodb', 'packages/adapter-mongodb'),
      integration('adapter-kafka', 'packages/adapter-kafka'),
      integration('service', 'apps/service'),
      // The reliability suite's quick size; `pnpm reliability --long` runs the full one.
      integration('reliability', 'reliability'),
    ],
  },
});
