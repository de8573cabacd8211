import { type Static, Type } from '@sinclair/typebox';

/** Whether a fault strikes before the cancellation is applied (nothing changes) or after it. */
export const FaultPhaseSchema = Type.Union([Type.Literal('before-apply'), Type.Literal('after-apply')]);
export type FaultPhase = Static<typeof FaultPhaseSchema>;

const Millis = Type.Integer({ minimum: 0, maximum: 600_000 });
const Rate = Type.Number({ minimum: 0, maximum: 1, description: 'Fraction of cancel calls, 0..1.' });

export const LatencySchema = Type.Union([
  Type.Object({ kind: Type.Literal('none') }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('fixed'), ms: Millis }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('uniform'), minMs: Millis, maxMs: Millis },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('normal'),
      meanMs: Millis,
      /** The standard deviation; samples stay within three of it from the mean and never go below 0. */
      jitterMs: Millis,
    },
    { additionalProperties: false },
  ),
]);
export type Latency = Static<typeof LatencySchema>;

const ServerErrorSchema = Type.Object(
  {
    rate: Rate,
    status: Type.Union([Type.Literal(500), Type.Literal(502), Type.Literal(503)]),
    phase: FaultPhaseSchema,
  },
  { additionalProperties: false },
);

const TooManyRequestsSchema = Type.Object(
  { rate: Rate, retryAfterSeconds: Type.Integer({ minimum: 0, maximum: 86_400 }), phase: FaultPhaseSchema },
  { additionalProperties: false },
);

const HangSchema = Type.Object(
  {
    rate: Rate,
    /** `null`: never answer, hold the connection until the client gives up. */
    answerAfterMs: Type.Union([Type.Integer({ minimum: 1, maximum: 3_600_000 }), Type.Null()]),
  },
  { additionalProperties: false },
);

const DropSchema = Type.Object({ rate: Rate, phase: FaultPhaseSchema }, { additionalProperties: false });

export const FaultsSchema = Type.Object(
  {
    latency: LatencySchema,
    serverError: ServerErrorSchema,
    tooManyRequests: TooManyRequestsSchema,
    hang: HangSchema,
    drop: DropSchema,
  },
  { additionalProperties: false },
);
export type Faults = Static<typeof FaultsSchema>;

/**
 * What `PUT /__sandbox/faults` and `startSandbox({ faults })` take: any section or field left out
 * takes its default (off), so a request states the whole fault picture, not a patch of it.
 */
export const FaultsUpdateSchema = Type.Object(
  {
    /** Reseeds the fault PRNG; left out, the current random source carries on. */
    seed: Type.Optional(Type.Integer()),
    latency: Type.Optional(LatencySchema),
    serverError: Type.Optional(Type.Partial(ServerErrorSchema)),
    tooManyRequests: Type.Optional(Type.Partial(TooManyRequestsSchema)),
    hang: Type.Optional(Type.Partial(HangSchema)),
    drop: Type.Optional(Type.Partial(DropSchema)),
  },
  { additionalProperties: false },
);
export type FaultsUpdate = Static<typeof FaultsUpdateSchema>;

export const FaultsViewSchema = Type.Object(
  { ...FaultsSchema.properties, seed: Type.Union([Type.Integer(), Type.Null()]) },
  { additionalProperties: false },
);
export type FaultsView = Static<typeof FaultsViewSchema>;
