import { defineConfig } from 'vitest/config';

/** Unit projects need no infrastructure. */
const unit = (name: string, root: string) => ({
  test: { name, root, include: ['test/**/*.test.ts'] },
});

export default defineConfig({
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    projects: [unit('domain', 'packages/domain')],
  },
});
