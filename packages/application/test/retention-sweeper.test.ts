/** The sweeper asks each store to delete what ended before its retention, batch by batch. */
import { describe, expect, it } from 'vitest';
import { RetentionSweeper, type Sweepable } from '../src/index.ts';

/** A store holding entries by end time; `sweep` deletes the oldest ones before the cut-off. */
const aStore = (endedAt: readonly number[]) => {
  const left = [...endedAt].sort((a, b) => a - b);
  const cutoffs: number[] = [];
  const store: Sweepable = {
    sweep: async (before, limit) => {
      cutoffs.push(before.getTime());
      const due = left.filter((at) => at < before.getTime()).slice(0, limit);
      left.splice(0, due.length);
      return due.length;
    },
  };
  return { store, left, cutoffs };
};

describe('RetentionSweeper', () => {
  it('deletes per store what is older than its retention, in batches, and says when a batch was full', async () => {
    const jobs = aStore([1, 2, 3, 4, 5, 900]);
    const audit = aStore([1, 950]);
    const swept: string[] = [];
    const sweeper = new RetentionSweeper({
      targets: [
        { name: 'jobs', store: jobs.store, retentionMs: 100 },
        { name: 'audit', store: audit.store, retentionMs: 10 },
      ],
      clock: { now: () => new Date(1000) },
      batchSize: 3,
      intervalMs: 60_000,
      observe: (event) => {
        if (event.type === 'swept') swept.push(`${event.name}:${event.deleted}`);
      },
    });
    expect(await sweeper.sweepOnce()).toBe('more');
    expect(await sweeper.sweepOnce()).toBe('idle');
    expect(await sweeper.sweepOnce()).toBe('idle');
    expect(jobs.left).toEqual([900]);
    expect(audit.left).toEqual([]);
    expect(jobs.cutoffs[0]).toBe(900);
    expect(audit.cutoffs[0]).toBe(990);
    expect(swept).toEqual(['jobs:3', 'audit:2', 'jobs:2']);
  });
});
