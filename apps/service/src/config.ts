/**
 * The service's configuration, read once from the environment at start-up. Every variable is in
 * the schema below with its default and limits; rules that involve two variables are in
 * CROSS_CHECKS. A bad or missing variable stops the start with a message naming it, and every other
 * bad one with it.
 */
import { hostname } from 'node:os';
import type { KafkaClientConfig } from '@cancel-sync/adapter-kafka';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const Integer = (defaultValue: number, minimum: number, maximum: number, description: string) =>
  Type.Integer({ default: defaultValue, minimum, maximum, description });
const Text = (defaultValue: string, description: string) =>
  Type.String({ default: defaultValue, minLength: 1, description });
const Required = (description: string) => Type.String({ minLength: 1, description });
/** A secret never appears in a message, a log line or the generated `.env.example`. */
const Secret = (description: string) => Type.String({ minLength: 1, description, secret: true });
const OneOf = <const Values extends readonly string[]>(values: Values) =>
  values.map((value) => Type.Literal(value));
const Flag = (defaultValue: boolean, description: string) =>
  Type.Boolean({ default: defaultValue, description });

export const ROLES = ['http', 'consumer', 'dispatcher', 'relay'] as const;
export type Role = (typeof ROLES)[number];

export const EnvironmentSchema = Type.Object({
  HTTP_HOST: Text('0.0.0.0', 'Address the HTTP API listens on (0.0.0.0 in a container).'),
  HTTP_PORT: Integer(8080, 0, 65535, 'Port of the HTTP API.'),
  HTTP_TRUST_PROXY: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'Comma-separated addresses or CIDRs of proxies whose X-Forwarded-For is trusted (wrong passwords are counted per client address). Unset: none.',
    }),
  ),
  SERVICE_ROLES: Text('http,consumer,dispatcher,relay', 'Comma-separated parts this process runs.'),
  SERVICE_INSTANCE_ID: Type.Optional(
    Type.String({ minLength: 1, description: 'Names this instance on job leases.' }),
  ),
  LOG_LEVEL: Type.Union(OneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), {
    default: 'info',
    description: 'pino log level.',
  }),

  METRICS_ENABLED: Flag(
    true,
    'Serve the operations port (/healthz, /readyz, /metrics, /ops/*) on METRICS_PORT.',
  ),
  METRICS_PORT: Integer(9464, 0, 65535, 'Port of the operations endpoints (0: any free port).'),
  OPS_TOKEN: Type.Optional(
    Type.String({
      minLength: 24,
      description:
        'Operator token for /ops/* on the operations port (a secret); without it /ops/* is refused.',
    }),
  ),

  MONGODB_URI: Required('MongoDB connection string.'),
  MONGODB_DATABASE: Text('cancel_sync', 'Database name.'),
  MONGODB_MAX_POOL_SIZE: Integer(20, 1, 500, 'Connections in the MongoDB pool.'),

  KAFKA_BROKERS: Required('Comma-separated host:port list of Kafka brokers.'),
  KAFKA_CLIENT_ID: Text('cancel-sync', 'Kafka client id.'),
  KAFKA_SSL: Flag(false, 'Connect to the brokers over TLS (trusting the system CAs).'),
  KAFKA_SASL_MECHANISM: Type.Optional(
    // The mechanisms KafkaJS implements with a username and a password.
    Type.Union([Type.Literal('plain'), Type.Literal('scram-sha-256'), Type.Literal('scram-sha-512')], {
      description: 'SASL authentication with the brokers; unset: none. Needs the username and password.',
    }),
  ),
  KAFKA_SASL_USERNAME: Type.Optional(
    Type.String({ minLength: 1, description: 'SASL username (with KAFKA_SASL_MECHANISM).' }),
  ),
  KAFKA_SASL_PASSWORD: Type.Optional(Secret('SASL password (with KAFKA_SASL_MECHANISM; a secret).')),
  KAFKA_GROUP_ID: Text(
    'cancel-sync',
    'Prefix of the consumer groups (<prefix>.order-cancelled, <prefix>.order-lifecycle).',
  ),
  KAFKA_CREATE_TOPICS: Flag(true, 'Create missing topics at start-up.'),
  KAFKA_TOPIC_PARTITIONS: Integer(6, 1, 1000, 'Partitions of topics created at start-up.'),
  KAFKA_SESSION_TIMEOUT_MS: Integer(
    30_000,
    6000,
    300_000,
    'How long the group waits for a silent member before it rebalances.',
  ),
  KAFKA_KEYS_CONCURRENTLY: Integer(
    8,
    1,
    256,
    "order.cancelled records of distinct orders handled at once in each partition (one order's always one after another).",
  ),
  KAFKA_PARTITIONS_CONCURRENTLY: Integer(3, 1, 100, 'Partitions each consumer works on at once.'),
  TOPIC_ORDER_CANCELLED: Text(
    'order.cancelled',
    'Cancellations announced by marketplace services and by us.',
  ),
  TOPIC_ORDER_CANCELLED_DLQ: Text(
    'order.cancelled.dlq',
    'Poison order.cancelled messages and failed deliveries.',
  ),
  TOPIC_ORDER_LIFECYCLE: Text('order.lifecycle', 'The order feed that builds the ledger.'),
  TOPIC_ORDER_LIFECYCLE_DLQ: Text('order.lifecycle.dlq', 'Poison order.lifecycle messages.'),

  UC_BASE_URL: Required("Uniware's base URL, e.g. https://genericproxy.unicommerce.com"),
  UC_CLIENT_ID: Required('clientid header, issued by Unicommerce.'),
  UC_SECURITY_KEY: Secret('securitykey header, issued by Unicommerce (a secret).'),
  UC_CONNECT_TIMEOUT_MS: Integer(3000, 100, 60_000, 'Connect timeout of calls to Uniware.'),
  UC_RESPONSE_TIMEOUT_MS: Integer(10_000, 100, 300_000, 'Time allowed for Uniware to answer.'),
  UC_CONNECTIONS: Integer(16, 1, 1000, 'Keep-alive connections to Uniware.'),
  UC_REQUESTS_PER_SECOND: Type.Number({
    default: 20,
    exclusiveMinimum: 0,
    description: 'Calls to Uniware a second, at most.',
  }),
  UC_MAX_CONCURRENCY: Integer(8, 1, 1000, 'Calls to Uniware under way at once, at most.'),

  DELIVERY_MAX_ATTEMPTS: Integer(12, 1, 1000, 'Calls per cancellation before it is dead-lettered.'),
  DELIVERY_MAX_AGE_SECONDS: Integer(
    86_400,
    1,
    30 * 86_400,
    'Age after which a cancellation is dead-lettered.',
  ),
  DELIVERY_BASE_DELAY_MS: Integer(1000, 1, 3_600_000, 'First retry delay ceiling (doubles per attempt).'),
  DELIVERY_MAX_DELAY_MS: Integer(300_000, 1, 86_400_000, 'Largest retry delay ceiling.'),
  DELIVERY_LEASE_MS: Integer(
    15_000,
    1000,
    3_600_000,
    "Lease of a job, renewed while its call is under way: a dead holder's jobs go out again after it.",
  ),
  DELIVERY_LEASE_RENEW_MS: Integer(
    5000,
    100,
    1_800_000,
    'How often a holder renews its leases (below half the lease).',
  ),
  DELIVERY_MAX_RETRY_AFTER_MS: Integer(
    300_000,
    1000,
    86_400_000,
    'Longest Retry-After honoured as asked; a longer one is waited in steps of this.',
  ),
  DELIVERY_AWAIT_LEDGER_SECONDS: Integer(
    300,
    0,
    7 * 86_400,
    'How long a job waits for an unknown order (then pushed as asked) or seller (then dead-lettered).',
  ),
  DELIVERY_POLL_INTERVAL_MS: Integer(
    5000,
    10,
    60_000,
    "How often to look for jobs this process was not handed (other instances', expired leases) when idle; its own new jobs and retries wake it at once.",
  ),
  DELIVERY_SELLER_CACHE_MS: Integer(
    5000,
    0,
    600_000,
    'How long the dispatcher uses a seller as read (0: read for every delivery): a seller disabled or changed by another process is seen within this.',
  ),
  AUTH_CIRCUIT_PAUSE_MS: Integer(30_000, 100, 3_600_000, 'Pause after Uniware refuses our credentials.'),
  AUTH_CIRCUIT_MAX_PAUSE_MS: Integer(600_000, 100, 86_400_000, 'Largest pause while refusals go on.'),

  AUTH_TOKEN_TTL_SECONDS: Integer(86_400, 60, 90 * 86_400, 'Lifetime of tokens issued by /authToken.'),
  AUTH_TOKEN_CACHE_SECONDS: Integer(
    5,
    0,
    60,
    'How long an instance trusts a token it read without reading it again: a revocation, new password or disabled seller is seen by the other instances within this (by the one that made it at once); 0 reads every time.',
  ),
  AUTH_MAX_FAILED_ATTEMPTS: Integer(
    10,
    1,
    10_000,
    'Wrong passwords per username from one address within the window before /authToken answers 429 there.',
  ),
  AUTH_FAILED_ATTEMPTS_WINDOW_SECONDS: Integer(
    900,
    1,
    86_400,
    'Window in which wrong passwords are counted (per instance).',
  ),
  AUTH_MAX_FAILED_ATTEMPTS_PER_ADDRESS: Integer(
    100,
    1,
    100_000,
    'Wrong passwords from one address (any usernames) within the window before /authToken answers 429 to it.',
  ),
  AUTH_MAX_CONCURRENT_CHECKS: Integer(
    2,
    1,
    64,
    'Password checks (scrypt, on the libuv thread pool) under way at once; 4 times as many may wait, the rest get 503 BUSY.',
  ),
  DUPLICATE_WINDOW_SECONDS: Integer(600, 0, 86_400, 'An identical /orders/cancel within this is a retry.'),
  IDEMPOTENCY_KEY_TTL_SECONDS: Integer(86_400, 60, 7 * 86_400, 'How long an Idempotency-Key decides.'),
  REMEMBER_EVENTS_SECONDS: Integer(
    7 * 86_400,
    60,
    90 * 86_400,
    'How long an applied event id is remembered.',
  ),
  MAX_LINES_PER_REQUEST: Integer(100, 1, 500, 'Lines per /orders/cancel request, at most.'),
  BODY_LIMIT_BYTES: Integer(262_144, 1024, 16 * 1024 * 1024, 'Request body size limit.'),
  LEDGER_MAX_WRITE_ATTEMPTS: Integer(8, 1, 100, 'Conditional write attempts per request.'),
  ORDER_MAX_QUEUED_REQUESTS: Integer(
    128,
    1,
    10_000,
    '/orders/cancel requests for one order running or waiting in one instance; beyond it 503 ORDER_BUSY.',
  ),

  OUTBOX_BATCH_SIZE: Integer(100, 1, 10_000, 'Announcements published per round.'),
  OUTBOX_POLL_INTERVAL_MS: Integer(200, 10, 60_000, 'How often to look at the outbox when idle.'),
  DEAD_LETTER_POLL_INTERVAL_MS: Integer(
    5000,
    10,
    60_000,
    "How often the dead-letter and parked-record relays look for work when idle (other instances' letters, expired leases); what this process stores wakes them at once.",
  ),
  OUTBOX_LEFTOVER_POLL_INTERVAL_MS: Integer(
    2000,
    10,
    600_000,
    'With the http role in the same process (its own announcements are published at once), how often the outbox relay looks for the rest: what another process wrote and could not publish, or what an http-only process wrote.',
  ),
  OUTBOX_LEASE_MS: Integer(
    15_000,
    1000,
    3_600_000,
    "A relay's claim on what it publishes; a dead relay's share is published by another after it.",
  ),
  SHUTDOWN_DRAIN_MS: Integer(
    5000,
    0,
    120_000,
    'On SIGTERM, how long /readyz answers 503 before the HTTP server stops taking requests.',
  ),
  SHUTDOWN_GRACE_MS: Integer(
    30_000,
    1000,
    600_000,
    'On SIGTERM, how long the whole stop may take (drain included) before the process exits anyway.',
  ),
  CONSUMER_MAX_RECORD_ATTEMPTS: Integer(
    10,
    1,
    10_000,
    'Failures of a record of its own (not the database being down) before it is parked.',
  ),

  RETENTION_DELIVERY_JOBS_SECONDS: Integer(
    30 * 86_400,
    3600,
    3650 * 86_400,
    'How long a finished delivery job (with its published dead letters) is kept; pending ones always stay.',
  ),
  RETENTION_CANCELLATION_RECORDS_SECONDS: Integer(
    90 * 86_400,
    3600,
    3650 * 86_400,
    'How long the history of a cancellation request is kept.',
  ),
  RETENTION_PARKED_RECORDS_SECONDS: Integer(
    30 * 86_400,
    3600,
    3650 * 86_400,
    'How long a parked record is kept after it was published to its dead-letter topic.',
  ),
  RETENTION_OPERATOR_AUDIT_SECONDS: Integer(
    365 * 86_400,
    86_400,
    3650 * 86_400,
    'How long the audit records of operator actions (replays, seller changes) are kept.',
  ),
  RETENTION_SWEEP_INTERVAL_SECONDS: Integer(
    300,
    1,
    86_400,
    'How often the sweeper deletes what is past retention (for servers without TTL indexes).',
  ),
  RETENTION_SWEEP_BATCH_SIZE: Integer(500, 1, 10_000, 'Documents deleted per collection per sweep round.'),
});
export type Environment = Static<typeof EnvironmentSchema>;
type Name = keyof Environment;

/**
 * Rules that one variable's schema cannot say. Each names every variable it involves, and runs
 * only when the schema accepted all of them, so one mistake is reported once, under its own name.
 */
interface CrossCheck {
  readonly names: readonly Name[];
  /** The problem, or undefined when the values agree. Never quotes a secret's value. */
  readonly problem: (env: Environment) => string | undefined;
}

const CROSS_CHECKS: readonly CrossCheck[] = [
  {
    names: ['SERVICE_ROLES'],
    problem: (env) => {
      const unknown = roleList(env).filter((role) => !(ROLES as readonly string[]).includes(role));
      return unknown.length === 0
        ? undefined
        : `SERVICE_ROLES: unknown role(s) ${unknown.join(', ')}; known: ${ROLES.join(', ')}`;
    },
  },
  {
    names: ['UC_BASE_URL'],
    problem: (env) => (isHttpUrl(env.UC_BASE_URL) ? undefined : 'UC_BASE_URL: must be an http(s) URL'),
  },
  {
    names: ['KAFKA_BROKERS'],
    problem: (env) =>
      brokerList(env).length > 0 && brokerList(env).every((broker) => /^[^\s:]+:\d{1,5}$/.test(broker))
        ? undefined
        : 'KAFKA_BROKERS: expected host:port[,host:port...]',
  },
  {
    // Leases are renewed while a call is under way, so a lease need not outlast a call; it must
    // outlast the time between two renewals.
    names: ['DELIVERY_LEASE_RENEW_MS', 'DELIVERY_LEASE_MS'],
    problem: (env) =>
      env.DELIVERY_LEASE_RENEW_MS * 2 <= env.DELIVERY_LEASE_MS
        ? undefined
        : `DELIVERY_LEASE_RENEW_MS (${env.DELIVERY_LEASE_RENEW_MS}): must be at most half of DELIVERY_LEASE_MS (${env.DELIVERY_LEASE_MS}), or a lease lapses between renewals`,
  },
  {
    names: ['DELIVERY_BASE_DELAY_MS', 'DELIVERY_MAX_DELAY_MS'],
    problem: (env) =>
      env.DELIVERY_BASE_DELAY_MS <= env.DELIVERY_MAX_DELAY_MS
        ? undefined
        : `DELIVERY_BASE_DELAY_MS (${env.DELIVERY_BASE_DELAY_MS}): must not be above DELIVERY_MAX_DELAY_MS (${env.DELIVERY_MAX_DELAY_MS})`,
  },
  {
    names: ['UC_MAX_CONCURRENCY', 'UC_CONNECTIONS'],
    problem: (env) =>
      env.UC_MAX_CONCURRENCY <= env.UC_CONNECTIONS
        ? undefined
        : `UC_MAX_CONCURRENCY (${env.UC_MAX_CONCURRENCY}): must not be above UC_CONNECTIONS (${env.UC_CONNECTIONS}); ` +
          'calls beyond the open connections only wait for one',
  },
  {
    names: ['SHUTDOWN_DRAIN_MS', 'SHUTDOWN_GRACE_MS'],
    problem: (env) =>
      env.SHUTDOWN_DRAIN_MS < env.SHUTDOWN_GRACE_MS
        ? undefined
        : `SHUTDOWN_DRAIN_MS (${env.SHUTDOWN_DRAIN_MS}): must be below SHUTDOWN_GRACE_MS (${env.SHUTDOWN_GRACE_MS}), or nothing is left to finish the work under way`,
  },
  {
    names: ['AUTH_CIRCUIT_MAX_PAUSE_MS', 'AUTH_CIRCUIT_PAUSE_MS'],
    problem: (env) =>
      env.AUTH_CIRCUIT_MAX_PAUSE_MS >= env.AUTH_CIRCUIT_PAUSE_MS
        ? undefined
        : `AUTH_CIRCUIT_MAX_PAUSE_MS (${env.AUTH_CIRCUIT_MAX_PAUSE_MS}): must not be below AUTH_CIRCUIT_PAUSE_MS (${env.AUTH_CIRCUIT_PAUSE_MS})`,
  },
  {
    names: ['KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'],
    problem: (env) => {
      const given = [env.KAFKA_SASL_USERNAME, env.KAFKA_SASL_PASSWORD].map((value) => value !== undefined);
      if (env.KAFKA_SASL_MECHANISM !== undefined) {
        const missing = (['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const).filter((_, i) => !given[i]);
        return missing.length === 0
          ? undefined
          : `KAFKA_SASL_MECHANISM (${env.KAFKA_SASL_MECHANISM}): needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD; missing: ${missing.join(', ')}`;
      }
      return given.some(Boolean)
        ? 'KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD: set, but KAFKA_SASL_MECHANISM is not (plain, scram-sha-256 or scram-sha-512)'
        : undefined;
    },
  },
];

export interface Config {
  readonly instanceId: string;
  readonly roles: ReadonlySet<Role>;
  readonly env: Environment;
  readonly kafkaBrokers: readonly string[];
  /** Everything `createKafkaClient` needs to reach the brokers: identity, brokers, TLS, SASL. */
  readonly kafka: Required<Pick<KafkaClientConfig, 'clientId' | 'brokers' | 'ssl'>> &
    Pick<KafkaClientConfig, 'sasl'>;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads the variables of the schema from `source`; throws a ConfigError naming every bad one. */
export const loadConfig = (source: Readonly<Record<string, string | undefined>>): Config => {
  const raw = Object.fromEntries(
    Object.keys(EnvironmentSchema.properties)
      .map((name) => [name, source[name]?.trim()] as const)
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const converted = Value.Convert(EnvironmentSchema, Value.Default(EnvironmentSchema, raw)) as Environment;
  // One line per variable the schema refuses (a union reports each member; the first says enough).
  const refused = new Map<string, string>();
  for (const error of Value.Errors(EnvironmentSchema, converted)) {
    const name = error.path.slice(1).split('/')[0] || '(environment)';
    if (!refused.has(name)) refused.set(name, `${name}: ${error.message}${explain(name)}`);
  }
  const problems = [...refused.values()];
  for (const check of CROSS_CHECKS) {
    if (check.names.some((name) => refused.has(name))) continue;
    const problem = check.problem(converted);
    if (problem !== undefined) problems.push(problem);
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  return derive(converted);
};

/** What the variable is and, for a choice, what it may be. */
const explain = (name: string): string => {
  const schema = EnvironmentSchema.properties[name as Name] as
    | (TSchema & { description?: string; anyOf?: { const?: unknown }[] })
    | undefined;
  if (schema === undefined) return '';
  const choices = schema.anyOf?.map((member) => member.const).filter((value) => value !== undefined);
  const oneOf = choices === undefined || choices.length === 0 ? '' : `; one of: ${choices.join(', ')}`;
  return schema.description === undefined ? oneOf : ` (${schema.description.replace(/\.$/, '')}${oneOf})`;
};

const roleList = (env: Environment): string[] => env.SERVICE_ROLES.split(',').map((role) => role.trim());

const brokerList = (env: Environment): string[] =>
  env.KAFKA_BROKERS.split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');

const isHttpUrl = (text: string): boolean => {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
};

const derive = (env: Environment): Config => {
  const kafkaBrokers = brokerList(env);
  const {
    KAFKA_SASL_MECHANISM: mechanism,
    KAFKA_SASL_USERNAME: username,
    KAFKA_SASL_PASSWORD: password,
  } = env;
  return {
    instanceId: env.SERVICE_INSTANCE_ID ?? `${hostname()}-${process.pid}`,
    roles: new Set(roleList(env) as Role[]),
    env,
    kafkaBrokers,
    kafka: {
      clientId: env.KAFKA_CLIENT_ID,
      brokers: kafkaBrokers,
      ssl: env.KAFKA_SSL,
      sasl:
        mechanism === undefined || username === undefined || password === undefined
          ? undefined
          : { mechanism, username, password },
    },
  };
};
