/** The `OperatorAudit` port over `operator_audit`: one document per operator action. */
import type { AuditRecord, OperatorAudit, Sweepable } from '@cancel-sync/application';
import type { Collection, Db } from 'mongodb';
import { COLLECTIONS } from '../collections.ts';
import { optional } from '../optional.ts';
import { sweepByDate } from '../sweep-by-date.ts';

interface AuditDocument {
  _id: string;
  action: AuditRecord['action'];
  target: string;
  operator: string;
  reason: string;
  at: Date;
  forced: boolean;
  outcome: AuditRecord['outcome'];
  detail?: string;
}

const fromDocument = (document: AuditDocument): AuditRecord => ({
  auditId: document._id,
  action: document.action,
  target: document.target,
  operator: document.operator,
  reason: document.reason,
  at: document.at,
  forced: document.forced,
  outcome: document.outcome,
  ...optional('detail', document.detail),
});

export class MongoOperatorAudit implements OperatorAudit, Sweepable {
  readonly #audit: Collection<AuditDocument>;

  constructor(db: Db) {
    this.#audit = db.collection<AuditDocument>(COLLECTIONS.operatorAudit);
  }

  async record(record: AuditRecord): Promise<void> {
    await this.#audit.insertOne({
      _id: record.auditId,
      action: record.action,
      target: record.target,
      operator: record.operator,
      reason: record.reason,
      at: record.at,
      forced: record.forced,
      outcome: record.outcome,
      ...optional('detail', record.detail),
    });
  }

  async conclude(
    auditId: string,
    outcome: Exclude<AuditRecord['outcome'], 'pending'>,
    detail: string | undefined,
  ) {
    await this.#audit.updateOne(
      { _id: auditId },
      detail === undefined ? { $set: { outcome } } : { $set: { outcome, detail } },
    );
  }

  async list(filter: { readonly target?: string | undefined; readonly limit: number }) {
    const documents = await this.#audit
      .find(filter.target === undefined ? {} : { target: filter.target })
      .sort({ at: -1 })
      .limit(filter.limit)
      .toArray();
    return documents.map(fromDocument);
  }

  async sweep(before: Date, limit: number): Promise<number> {
    return sweepByDate(this.#audit, 'at', before, limit);
  }
}
