import { expect, inject, it } from 'vitest';
import { renderReports } from '../src/report.ts';
import { missed } from '../src/scenario.ts';
import { security } from '../src/security.ts';

it('security at the quick size: sellers kept apart, tokens expire, guessing slowed, no secret leaks', async () => {
  const report = await security.run({
    size: 'quick',
    log: () => undefined,
    sharedStack: async () => inject('stack'),
  });

  expect(missed(report), renderReports([report])).toEqual([]);
}, 240_000);
