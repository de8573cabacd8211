import { expect, inject, it } from 'vitest';
import { hostileInput } from '../src/hostile-input.ts';
import { renderReports } from '../src/report.ts';
import { missed } from '../src/scenario.ts';

it('hostile input at the quick size: no 5xx, no stuck partition, a refused record changes nothing', async () => {
  const report = await hostileInput.run({
    size: 'quick',
    log: () => undefined,
    sharedStack: async () => inject('stack'),
  });

  expect(missed(report), renderReports([report])).toEqual([]);
}, 420_000);
