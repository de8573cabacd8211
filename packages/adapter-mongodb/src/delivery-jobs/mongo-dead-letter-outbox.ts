/**
 * Dead letters are stored on their job by the same write as its final state; this relay source
 * hands the unpublished ones on for publication, one job at a time (see `relay-claims.ts`).
 */
import type { JobDeadLetter, RelayBatch, RelayClaim, RelaySource } from '@cancel-sync/application';
import type { Collection, Db } from 'mongodb';
import { COLLECTIONS } from '../collections.ts';
import {
  claimForRelay,
  clearDueIfDone,
  fencedBy,
  type RelayFields,
  releaseRelayLease,
} from '../relay-claims.ts';
import { type DeliveryJobDocument, fromDocument } from './delivery-job-document.ts';

const FIELDS: RelayFields = { due: 'deadLetterDueAt', lease: 'deadLetterLease' };

/** A batch's entries are the job's letters from `deadLettersPublished` on, in order. */
export class MongoDeadLetterOutbox implements RelaySource<JobDeadLetter> {
  readonly #jobs: Collection<DeliveryJobDocument>;

  constructor(db: Db) {
    this.#jobs = db.collection<DeliveryJobDocument>(COLLECTIONS.deliveryJobs);
  }

  async claim(claim: RelayClaim, limit: number): Promise<readonly RelayBatch<JobDeadLetter>[]> {
    const leased = await claimForRelay(this.#jobs, FIELDS, claim, limit);
    // Left due by a relay that stopped between publishing and tidying up: tidy up for it.
    const done = leased.filter(({ document }) => document.deadLettersPublished >= document.deadLetterCount);
    await Promise.all(
      done.map(({ document, token }) => this.#tidy(document._id, token, document.deadLetterCount)),
    );
    return leased
      .filter((entry) => !done.includes(entry))
      .map(({ document, token }) => {
        const job = fromDocument(document);
        return {
          id: document._id,
          owner: claim.owner,
          token,
          entries: job.deadLetters.slice(document.deadLettersPublished).map((letter) => ({ job, letter })),
        };
      });
  }

  async published(batch: RelayBatch<JobDeadLetter>, at: Date): Promise<void> {
    // The entries are the last letters of the job as claimed.
    const upTo = batch.entries[0]?.job.deadLetters.length ?? 0;
    const first = upTo - batch.entries.length;
    const stamped = Object.fromEntries(
      batch.entries.map((_, index) => [`deadLetters.${first + index}.publishedAt`, at]),
    );
    if (batch.entries.length === 0) return;
    const { matchedCount } = await this.#jobs.updateOne(fencedBy(FIELDS, batch.id, batch.token), {
      $set: stamped,
      $max: { deadLettersPublished: upTo },
    });
    if (matchedCount === 1) await this.#tidy(batch.id, batch.token, upTo);
  }

  /** Ends the lease; with `count` letters all published, the job stops being due. */
  async #tidy(id: string, token: string, count: number): Promise<void> {
    const { matchedCount } = await this.#jobs.updateOne(fencedBy(FIELDS, id, token), {
      $unset: { deadLetterLease: '' },
    });
    if (matchedCount === 1) {
      await clearDueIfDone(this.#jobs, FIELDS, id, { deadLetterCount: count, deadLettersPublished: count });
    }
  }

  release(batch: RelayBatch<JobDeadLetter>, retryAt: Date): Promise<void> {
    return releaseRelayLease(this.#jobs, FIELDS, batch.id, batch.token, retryAt);
  }
}
