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
  const jobs = db.collection<{ _id: string }>('delivery_jobs');
  while (Date.now() - since < timeoutMs) {
    if (jobIds.length === 0) return Date.now() - since;
    const pending = await jobs.countDocuments({ _id: { $in: [...jobIds] }, state: 'pending' });
    if (pending === 0) return Date.now() - since;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
};
