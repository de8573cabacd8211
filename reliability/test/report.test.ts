import { describe, expect, it } from 'vitest';
import { renderReports } from '../src/report.ts';
import { missed, mustBeAtMost, mustEqual, reported } from '../src/scenario.ts';

describe('the reliability report', () => {
  const report = {
    scenario: 'crashes',
    figures: [mustEqual('events lost', 2, 0), mustBeAtMost('drain', 12, 60, 's'), reported('events', 10_000)],
    notes: ['three kills'],
  };

  it('marks a figure that misses its requirement, and only that one', () => {
    expect(missed(report).map((figure) => figure.name)).toEqual(['events lost']);
  });

  it('renders each figure with its requirement and whether it holds', () => {
    const table = renderReports([report]);
    expect(table).toContain('| events lost | 2 | = 0 | **NO** |');
    expect(table).toContain('| drain | 12 s | ≤ 60 | yes |');
    expect(table).toContain('| events | 10,000 | — | yes |');
    expect(table).toContain('- three kills');
  });
});
