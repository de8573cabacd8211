/**
 * The `ParkedRecords` port over `parked_records`: one document per Kafka record that was moved past,
 * keyed by topic, partition and offset (so a redelivered record is parked once), published to the
 * dead-letter topic by a relay (see `relay-claims.ts`).
 */
import type {
  ParkedRecord,
  ParkedRecordOperations,
  ParkedRecordReplay,
  ParkedRecords,
  RelayBatch,
  RelayClaim,
  Sweepable,
} from '@cancel-sync/application';
import { Binary, type Collection, type Db } from 'mongodb';
import { COLLECTIONS } from '../collections.ts';
import { isDuplicateKeyError } from '../duplicate-key.ts';
import { optional } from '../optional.ts';
import {
  claimForRelay,
  fencedBy,
  type RelayFields,
  type RelayLeaseDocument,
  releaseRelayLease,
} from '../relay-claims.ts';
import { sweepByDate } from '../sweep-by-date.ts';

export interface ParkedRecordDocument {
  /** `topic/partition/offset`. */
  _id: string;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Binary | null;
  headers: Record<string, string>;
  reason: string;
  attempts: number;
  parkedAt: Date;
  publishedAt?: Date;
  publishDueAt?: Date;
  publishLease?: RelayLeaseDocument;
  replay?: { replayId: string; at: Date; operator: string; reason: string; publishedAt?: Date };
}

const FIELDS: RelayFields = { due: 'publishDueAt', lease: 'publishLease' };

const fromDocument = (document: ParkedRecordDocument): ParkedRecord => ({
  topic: document.topic,
  partition: document.partition,
  offset: document.offset,
  key: document.key,
  value: document.value === null ? null : new Uint8Array(document.value.buffer),
  headers: { ...document.headers },
  reason: document.reason,
  attempts: document.attempts,
  parkedAt: document.parkedAt,
  ...optional('publishedAt', document.publishedAt),
  ...optional(
    'replay',
    document.replay === undefined || document.replay === null
      ? undefined
      : {
          replayId: document.replay.replayId,
          at: document.replay.at,
          operator: document.replay.operator,
          reason: document.replay.reason,
          ...optional('publishedAt', document.replay.publishedAt),
        },
  ),
});

export class MongoParkedRecords implements ParkedRecords, ParkedRecordOperations, Sweepable {
  readonly #parked: Collection<ParkedRecordDocument>;

  constructor(db: Db) {
    this.#parked = db.collection<ParkedRecordDocument>(COLLECTIONS.parkedRecords);
  }

  async park(record: ParkedRecord): Promise<void> {
    try {
      await this.#parked.insertOne({
        _id: `${record.topic}/${record.partition}/${record.offset}`,
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        key: record.key,
        value: record.value === null ? null : new Binary(record.value),
        headers: { ...record.headers },
        reason: record.reason,
        attempts: record.attempts,
        parkedAt: record.parkedAt,
        publishDueAt: record.parkedAt,
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async list(filter: {
    readonly topic?: string | undefined;
    readonly limit: number;
  }): Promise<readonly ParkedRecord[]> {
    const documents = await this.#parked
      .find(filter.topic === undefined ? {} : { topic: filter.topic })
      .sort({ parkedAt: -1 })
      .limit(filter.limit)
      .toArray();
    return documents.map(fromDocument);
  }

  count(): Promise<number> {
    return this.#parked.estimatedDocumentCount();
  }

  async claim(claim: RelayClaim, limit: number): Promise<readonly RelayBatch<ParkedRecord>[]> {
    const leased = await claimForRelay(this.#parked, FIELDS, claim, limit);
    return leased.map(({ document, token }) => ({
      id: document._id,
      owner: claim.owner,
      token,
      entries: [fromDocument(document)],
    }));
  }

  async published(batch: RelayBatch<ParkedRecord>, at: Date): Promise<void> {
    await this.#parked.updateOne(fencedBy(FIELDS, batch.id, batch.token), {
      $set: { publishedAt: at },
      $unset: { publishDueAt: '', publishLease: '' },
    });
  }

  release(batch: RelayBatch<ParkedRecord>, retryAt: Date): Promise<void> {
    return releaseRelayLease(this.#parked, FIELDS, batch.id, batch.token, retryAt);
  }

  async find(id: string): Promise<ParkedRecord | undefined> {
    const document = await this.#parked.findOne({ _id: id });
    return document === null ? undefined : fromDocument(document);
  }

  async claimReplay(id: string, replay: ParkedRecordReplay, previous: string | undefined): Promise<boolean> {
    const { matchedCount } = await this.#parked.updateOne(
      {
        _id: id,
        ...(previous === undefined ? { replay: { $exists: false } } : { 'replay.replayId': previous }),
      },
      {
        $set: {
          replay: {
            replayId: replay.replayId,
            at: replay.at,
            operator: replay.operator,
            reason: replay.reason,
          },
        },
      },
    );
    return matchedCount === 1;
  }

  async confirmReplay(id: string, replayId: string, publishedAt: Date): Promise<void> {
    await this.#parked.updateOne(
      { _id: id, 'replay.replayId': replayId },
      { $set: { 'replay.publishedAt': publishedAt } },
    );
  }

  async releaseReplay(id: string, replayId: string): Promise<void> {
    await this.#parked.updateOne({ _id: id, 'replay.replayId': replayId }, { $unset: { replay: '' } });
  }

  /** Records published to their dead-letter topic before `before`; an unpublished one has no date. */
  sweep(before: Date, limit: number): Promise<number> {
    return sweepByDate(this.#parked, 'publishedAt', before, limit);
  }
}
