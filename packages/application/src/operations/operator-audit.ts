/**
 * Every operator action is recorded in a collection of its own: who, when, why, on what, and what
 * came of it. A replay writes its record before it changes anything, so none goes unrecorded.
 */

export type OperatorAction =
  | 'replay-delivery-job'
  | 'replay-parked-record'
  | 'disable-seller'
  | 'enable-seller'
  | 'change-merchant-id'
  | 'revoke-tokens';

export interface Operator {
  /** From `--operator`, else `$USER`. */
  readonly name: string;
  readonly reason: string;
}

export interface AuditRecord {
  readonly auditId: string;
  readonly action: OperatorAction;
  /** The job id, parked record id or seller id acted on. */
  readonly target: string;
  readonly operator: string;
  readonly reason: string;
  readonly at: Date;
  readonly forced: boolean;
  /** `pending` while the action is under way; then what it did or why it was refused. */
  readonly outcome: 'pending' | 'done' | 'refused' | 'failed';
  readonly detail?: string | undefined;
}

export interface OperatorAudit {
  record(record: AuditRecord): Promise<void>;
  conclude(
    auditId: string,
    outcome: Exclude<AuditRecord['outcome'], 'pending'>,
    detail: string | undefined,
  ): Promise<void>;
  /** Newest first; by target when given. */
  list(filter: {
    readonly target?: string | undefined;
    readonly limit: number;
  }): Promise<readonly AuditRecord[]>;
}

/** A refusal an operator can read and act on: a stable code and a sentence. */
export interface OperationRefusal<C extends string = string> {
  readonly ok: false;
  readonly code: C;
  readonly message: string;
}
