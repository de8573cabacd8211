/** The one retention sweep of the adapters: a range on an indexed date, in bounded batches. */
import type { Collection } from 'mongodb';

/** Deletes up to `limit` documents whose `field` is before `before`: ids by the range, then by id. */
export const sweepByDate = async <D extends { _id: string }>(
  collection: Collection<D>,
  field: string,
  before: Date,
  limit: number,
  extra: Record<string, unknown> = {},
): Promise<number> => {
  const filter = { [field]: { $lt: before }, ...extra } as never;
  const ids = await collection
    .find(filter, { projection: { _id: 1 } })
    .sort({ [field]: 1 })
    .limit(limit)
    .toArray();
  if (ids.length === 0) return 0;
  const { deletedCount } = await collection.deleteMany({
    _id: { $in: ids.map(({ _id }) => _id) },
    ...(filter as object),
  } as never);
  return deletedCount;
};
