/**
 * The one claim mechanism of the relays: a document with entries to publish carries `<due>` (a
 * date, present while it has unpublished entries; a range on it is served by a plain index in
 * MongoDB) and, while a relay publishes it, `<lease>` ({owner, token, until}). A claim sets the
 * lease with a compare-and-set, so of several relays one gets each document; every write back is
 * fenced by the lease's token.
 */
import { randomUUID } from 'node:crypto';
import type { RelayClaim } from '@cancel-sync/application';
import type { Collection, Document, Filter, UpdateFilter } from 'mongodb';

export interface RelayLeaseDocument {
  owner: string;
  token: string;
  until: Date;
}

export interface RelayFields {
  /** When the document's oldest unpublished entry became due. */
  readonly due: string;
  readonly lease: string;
}

const leaseFree = (fields: RelayFields, now: Date): Filter<Document> => ({
  $or: [{ [fields.lease]: { $exists: false } }, { [`${fields.lease}.until`]: { $lte: now } }],
});

/** Leases up to `limit` due documents, oldest first; resolves to them as leased, with their tokens. */
export const claimForRelay = async <D extends Document>(
  collection: Collection<D>,
  fields: RelayFields,
  claim: RelayClaim,
  limit: number,
): Promise<{ readonly document: D; readonly token: string }[]> => {
  if (limit <= 0) return [];
  const due = { [fields.due]: { $lte: claim.now }, ...leaseFree(fields, claim.now) } as Filter<D>;
  const candidates = await collection
    .find(due, { projection: { _id: 1 } })
    .sort({ [fields.due]: 1, _id: 1 })
    .limit(limit)
    .toArray();
  const leased = await Promise.all(
    candidates.map(async ({ _id }) => {
      const token = randomUUID();
      const document = await collection.findOneAndUpdate(
        { _id, ...due } as Filter<D>,
        {
          $set: { [fields.lease]: { owner: claim.owner, token, until: claim.leaseUntil } },
        } as UpdateFilter<D>,
        { returnDocument: 'after' },
      );
      return document === null ? undefined : { document: document as D, token };
    }),
  );
  return leased.filter((entry) => entry !== undefined);
};

/** The filter of a write made under a relay lease. */
export const fencedBy = <D extends Document>(fields: RelayFields, id: unknown, token: string): Filter<D> =>
  ({ _id: id, [`${fields.lease}.token`]: token }) as Filter<D>;

/** Ends a lease without publishing: the document is due again at `retryAt`. */
export const releaseRelayLease = async <D extends Document>(
  collection: Collection<D>,
  fields: RelayFields,
  id: unknown,
  token: string,
  retryAt: Date,
): Promise<void> => {
  await collection.updateOne(fencedBy<D>(fields, id, token), {
    $set: { [fields.due]: retryAt },
    $unset: { [fields.lease]: '' },
  } as UpdateFilter<D>);
};

/**
 * After a batch was published and its lease ended: the document has nothing left to publish when
 * `nothingLeft` matches, and then it stops being due. An entry added in between keeps it due.
 */
export const clearDueIfDone = async <D extends Document>(
  collection: Collection<D>,
  fields: RelayFields,
  id: unknown,
  nothingLeft: Filter<Document>,
): Promise<void> => {
  await collection.updateOne(
    { _id: id, ...nothingLeft, [fields.lease]: { $exists: false } } as Filter<D>,
    { $unset: { [fields.due]: '' } } as UpdateFilter<D>,
  );
};
