import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { resolveFaults } from './faults.ts';
import { DEFAULT_OPTIONS, LOG_LEVELS, type SandboxOptions } from './sandbox-options.ts';
import type { FaultsUpdate, Latency } from './schemas/fault-schemas.ts';

export const CLI_DEFAULT_PORT = 8089;

const Rate = Type.Number({ minimum: 0, maximum: 1 });
const Phase = Type.Union([Type.Literal('before-apply'), Type.Literal('after-apply')]);

/** Every variable the sandbox reads; any other `SANDBOX_*` variable is taken for a typo. */
const EnvSchema = Type.Object(
  {
    SANDBOX_PORT: Type.Optional(Type.Integer({ minimum: 0, maximum: 65_535 })),
    SANDBOX_HOST: Type.Optional(Type.String({ minLength: 1 })),
    SANDBOX_LOG_LEVEL: Type.Optional(Type.Union(LOG_LEVELS.map((level) => Type.Literal(level)))),
    SANDBOX_CLIENT_ID: Type.Optional(Type.String({ minLength: 1 })),
    SANDBOX_SECURITY_KEY: Type.Optional(Type.String({ minLength: 1 })),
    SANDBOX_MERCHANTS: Type.Optional(
      Type.String({ pattern: '^[^,]+(,[^,]+)*$', description: 'a comma-separated list of merchant ids' }),
    ),
    SANDBOX_AUTO_CREATE_ORDERS: Type.Optional(Type.Boolean()),
    SANDBOX_AUTO_CREATE_QUANTITY: Type.Optional(Type.Integer({ minimum: 1 })),
    SANDBOX_MAX_RECORDED_CALLS: Type.Optional(Type.Integer({ minimum: 1 })),
    SANDBOX_SEED: Type.Optional(Type.Integer()),
    SANDBOX_LATENCY: Type.Optional(
      Type.String({
        pattern: '^(none|fixed:\\d+|uniform:\\d+-\\d+|normal:\\d+,\\d+)$',
        description: 'one of none, fixed:MS, uniform:MIN-MAX, normal:MEAN,JITTER (milliseconds)',
      }),
    ),
    SANDBOX_5XX_RATE: Type.Optional(Rate),
    SANDBOX_5XX_STATUS: Type.Optional(Type.Union([Type.Literal(500), Type.Literal(502), Type.Literal(503)])),
    SANDBOX_5XX_PHASE: Type.Optional(Phase),
    SANDBOX_429_RATE: Type.Optional(Rate),
    SANDBOX_429_RETRY_AFTER: Type.Optional(Type.Integer({ minimum: 0 })),
    SANDBOX_429_PHASE: Type.Optional(Phase),
    SANDBOX_HANG_RATE: Type.Optional(Rate),
    SANDBOX_HANG_MS: Type.Optional(Type.Integer({ minimum: 0 })),
    SANDBOX_DROP_RATE: Type.Optional(Rate),
    SANDBOX_DROP_PHASE: Type.Optional(Phase),
  },
  { additionalProperties: false },
);
type Env = Static<typeof EnvSchema>;

export class SandboxConfigError extends Error {
  override name = 'SandboxConfigError';
}

/**
 * Reads the sandbox's options from `SANDBOX_*` variables; empty ones count as unset.
 * @throws SandboxConfigError naming the first bad variable.
 */
export const optionsFromEnv = (env: Readonly<Record<string, string | undefined>>): SandboxOptions => {
  const raw: Record<string, string> = {};
  const typed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('SANDBOX_') || value === undefined || value.trim() === '') continue;
    raw[name] = value.trim();
    typed[name] = fromText(EnvSchema.properties[name as keyof Env], value.trim());
  }
  const problem = Value.Errors(EnvSchema, typed).First();
  if (problem !== undefined) {
    const name = problem.path.replace(/^\//, '');
    const known = name in EnvSchema.properties;
    // The key is a secret even in a sandbox: people paste real ones.
    const got = name === 'SANDBOX_SECURITY_KEY' ? '' : ` (got "${raw[name] ?? ''}")`;
    throw new SandboxConfigError(
      known
        ? `${name} must be ${expectation(problem.schema, problem.message)}${got}`
        : `${name} is not a setting`,
    );
  }
  if (!Value.Check(EnvSchema, typed)) throw new SandboxConfigError('invalid SANDBOX_* configuration');
  const options = toOptions(typed);
  try {
    resolveFaults(options.faults);
  } catch (error) {
    const names = String(error).includes('latency')
      ? 'SANDBOX_LATENCY'
      : 'SANDBOX_5XX_RATE, SANDBOX_429_RATE, SANDBOX_HANG_RATE and SANDBOX_DROP_RATE';
    throw new SandboxConfigError(`${names}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return options;
};

/** Turns text into the number or boolean the schema wants, only when the text says exactly that. */
const fromText = (schema: TSchema | undefined, text: string): unknown => {
  if (schema === undefined) return text;
  if (schema.type === 'integer' && /^-?\d+$/.test(text)) return Number(text);
  if (schema.type === 'number' && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (schema.type === 'boolean' && /^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  if (Array.isArray(schema.anyOf) && /^\d+$/.test(text)) {
    const numeric = schema.anyOf.some((member: TSchema) => typeof member.const === 'number');
    if (numeric) return Number(text);
  }
  return text;
};

const expectation = (schema: TSchema, message: string): string => {
  if (typeof schema.description === 'string') return schema.description;
  if (Array.isArray(schema.anyOf)) {
    return `one of ${schema.anyOf.map((member: TSchema) => String(member.const)).join(', ')}`;
  }
  if (schema.type === 'boolean') return 'true or false';
  const bounds = [
    schema.minimum === undefined ? '' : ` >= ${schema.minimum}`,
    schema.maximum === undefined ? '' : ` <= ${schema.maximum}`,
  ].join('');
  if (schema.type === 'integer') return `an integer${bounds}`;
  if (schema.type === 'number') return `a number${bounds}`;
  return message;
};

const toOptions = (env: Env): SandboxOptions => {
  const faults: FaultsUpdate = {
    ...(env.SANDBOX_SEED === undefined ? {} : { seed: env.SANDBOX_SEED }),
    ...(env.SANDBOX_LATENCY === undefined ? {} : { latency: parseLatency(env.SANDBOX_LATENCY) }),
    serverError: { rate: env.SANDBOX_5XX_RATE, status: env.SANDBOX_5XX_STATUS, phase: env.SANDBOX_5XX_PHASE },
    tooManyRequests: {
      rate: env.SANDBOX_429_RATE,
      retryAfterSeconds: env.SANDBOX_429_RETRY_AFTER,
      phase: env.SANDBOX_429_PHASE,
    },
    hang: {
      rate: env.SANDBOX_HANG_RATE,
      // 0 reads better in an environment file than "null" for "never answer".
      answerAfterMs: env.SANDBOX_HANG_MS === undefined ? undefined : env.SANDBOX_HANG_MS || null,
    },
    drop: { rate: env.SANDBOX_DROP_RATE, phase: env.SANDBOX_DROP_PHASE },
  };
  return {
    host: env.SANDBOX_HOST ?? DEFAULT_OPTIONS.host,
    port: env.SANDBOX_PORT ?? CLI_DEFAULT_PORT,
    logLevel: env.SANDBOX_LOG_LEVEL ?? DEFAULT_OPTIONS.logLevel,
    clientId: env.SANDBOX_CLIENT_ID ?? DEFAULT_OPTIONS.clientId,
    securityKey: env.SANDBOX_SECURITY_KEY ?? DEFAULT_OPTIONS.securityKey,
    merchants: env.SANDBOX_MERCHANTS?.split(',').map((merchant) => merchant.trim()) ?? null,
    autoCreateOrders: env.SANDBOX_AUTO_CREATE_ORDERS ?? DEFAULT_OPTIONS.autoCreateOrders,
    autoCreateQuantity: env.SANDBOX_AUTO_CREATE_QUANTITY ?? DEFAULT_OPTIONS.autoCreateQuantity,
    maxRecordedCalls: env.SANDBOX_MAX_RECORDED_CALLS ?? DEFAULT_OPTIONS.maxRecordedCalls,
    faults,
  };
};

const parseLatency = (spec: string): Latency => {
  const [kind, args = ''] = spec.split(':');
  const [first = 0, second = 0] = args.split(/[-,]/).map(Number);
  switch (kind) {
    case 'fixed':
      return { kind: 'fixed', ms: first };
    case 'uniform':
      return { kind: 'uniform', minMs: first, maxMs: second };
    case 'normal':
      return { kind: 'normal', meanMs: first, jitterMs: second };
    default:
      return { kind: 'none' };
  }
};
