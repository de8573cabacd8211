/**
 * After a SIGKILL: which jobs the dead instance held (pending, leased to it), and how long until
 * each of them was settled by another instance (its lease ran out and was taken over).
 */
import type { Db } from 'mongodb';

export const heldBy = async (db: Db, owner: string): Promise<string[]> =>
  (
    await db
      .collection<{ _id: string }>('delivery_jobs')
      .find({ 'lease.owner': owner, state: 'pending' }, { projection: { _id: 1 } })
      .toArray()
  ).map((job) => job._id);

/** Resolves with the time from `since` until none of `jobIds` is pending any more (or `timeoutMs` passed). */
export const settledAfter = async (
  db: Db,
  jobIds: readonly string[],
  since: number,
  timeoutMs: number,
): Promise<number | undefined> => {
  const jobs = db.collection<{ _id: string; state: string }>('delivery_jobs');
  while (Date.now() - since < timeoutMs) {
    if (jobIds.length === 0) return Date.now() - since;
    // By `_id` alone, which every server reads from its index; the state is checked here.
    const found = await jobs.find({ _id: { $in: [...jobIds] } }, { projection: { state: 1 } }).toArray();
    if (found.every((job) => job.state !== 'pending')) return Date.now() - since;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
};

interface JobStoryDocument {
  readonly _id: string;
  readonly state: string;
  readonly finishedAt?: Date;
  readonly attemptLog?: readonly {
    readonly attempt: number;
    readonly owner: string;
    readonly startedAt: Date;
    readonly answer?: { readonly verdict?: string };
  }[];
}

/**
 * What became of each job a killed instance held: its state, when it finished, and each attempt
 * (by whom, when, with what verdict), all in seconds from the kill. Says why a takeover was slow.
 */
export const heldJobStories = async (
  db: Db,
  jobIds: readonly string[],
  killAt: number,
): Promise<string[]> => {
  const since = (at: Date | undefined) =>
    at === undefined ? '?' : `${Math.round((at.getTime() - killAt) / 100) / 10} s`;
  const jobs = await db
    .collection<JobStoryDocument>('delivery_jobs')
    .find({ _id: { $in: [...jobIds] } })
    .toArray();
  return jobs.map((job) => {
    const attempts = (job.attemptLog ?? [])
      .map(
        (each) =>
          `#${each.attempt} ${each.owner} at ${since(each.startedAt)}: ${each.answer?.verdict ?? 'none'}`,
      )
      .join('; ');
    return `${job._id}: ${job.state}, finished at ${since(job.finishedAt)}; attempts ${attempts}`;
  });
};
