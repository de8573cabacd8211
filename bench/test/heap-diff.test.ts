/** The heap snapshot summary of `pnpm bench:memory`: what grew between two snapshots, and who holds it. */
import { getHeapSnapshot } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { diffSnapshots, summarizeSnapshot } from '../heap-diff.ts';

const snapshot = async (point: string) => {
  const chunks: string[] = [];
  for await (const chunk of getHeapSnapshot()) chunks.push(String(chunk));
  return summarizeSnapshot(point, JSON.parse(chunks.join('')));
};

class RetainedJob {
  readonly id: number;
  constructor(id: number) {
    this.id = id;
  }
}

describe('the heap diff', () => {
  it('names the constructor that grew, by how many, and the map that holds it', async () => {
    const before = await snapshot('before');
    const holder = { jobsById: new Map<number, RetainedJob>() };
    for (let id = 0; id < 5_000; id += 1) holder.jobsById.set(id, new RetainedJob(id));
    const after = await snapshot('after');
    const row = diffSnapshots(before, after, 50).rows.find((each) => each.key === 'RetainedJob');
    expect(row).toMatchObject({ countBefore: 0, countAfter: 5_000 });
    // Held by the map: its hash table, an internal array, holds every one of them.
    expect(row?.retainers[0]?.[0]).toBe('Map.table → (array).[]');
    expect(row?.retainers[0]?.[1]).toBeGreaterThanOrEqual(4_999);
    expect(holder.jobsById.size).toBe(5_000);
  }, 60_000);
});
