import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { FaultPhaseSchema } from './fault-schemas.ts';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const CallRecordSchema = Type.Object({
  seq: Type.Integer(),
  /** ISO-8601 UTC. */
  receivedAt: Type.String(),
  saleOrderCode: Nullable(Type.String()),
  headers: Type.Object({
    contentType: Nullable(Type.String()),
    clientId: Nullable(Type.String()),
    merchantId: Nullable(Type.String()),
    /** Never the key itself: only whether it matched. */
    securityKey: Type.Union([Type.Literal('valid'), Type.Literal('invalid'), Type.Literal('missing')]),
  }),
  body: Type.Unknown(),
  latencyMs: Type.Integer(),
  fault: Nullable(
    Type.Object({
      kind: Type.Union([
        Type.Literal('server-error'),
        Type.Literal('too-many-requests'),
        Type.Literal('hang'),
        Type.Literal('drop'),
      ]),
      phase: FaultPhaseSchema,
    }),
  ),
  /** The cancellation changed the sandbox's quantities. */
  applied: Type.Boolean(),
  /** What the sandbox answered, or for a hang the answer it is holding back; null after a drop. */
  answer: Nullable(
    Type.Object({
      httpStatus: Type.Integer(),
      body: Type.Unknown(),
      retryAfter: Type.Optional(Type.String()),
    }),
  ),
  /** The answer was written to the client. `applied && !answerSent` is a lost acknowledgement. */
  answerSent: Type.Boolean(),
});
export type CallRecord = Static<typeof CallRecordSchema>;

export const CallsQuerySchema = Type.Object({ saleOrderCode: Type.Optional(Type.String()) });

export const CallStatsSchema = Type.Object({
  calls: Type.Integer(),
  applied: Type.Integer(),
  answered: Type.Integer(),
  /** Applied but the client never got the answer (hangs, after-apply drops): the dangerous case. */
  appliedUnanswered: Type.Integer(),
  byStatus: Type.Record(Type.String(), Type.Integer()),
  byFault: Type.Record(Type.String(), Type.Integer()),
});
export type CallStats = Static<typeof CallStatsSchema>;
