/** Runs a scenario at its quick size on the run's shared stack; every figure must hold. */
import { expect, inject } from 'vitest';
import { renderReports } from '../../src/report.ts';
import { missed, type Scenario } from '../../src/scenario.ts';

export const runQuick = async (scenario: Scenario): Promise<void> => {
  const report = await scenario.run({
    size: 'quick',
    log: (line) => process.stdout.write(`[${scenario.name}] ${line}\n`),
    sharedStack: async () => inject('stack'),
  });
  process.stdout.write(`${renderReports([report])}\n`);
  expect(missed(report), renderReports([report])).toEqual([]);
};
