/**
 * The service's configuration, read once from the environment at start-up. Every variable is in
 * the schema below with its default; a bad or missing one stops the start with a message naming it.
 */
import { hostname } from 'node:os';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const Integer = (defaultValue: number, minimum: number, maximum: number, description: string) =>
  Type.Integer({ default: defaultValue, minimum, maximum, description });
const Text = (defaultValue: string, description: string) =>
  Type.String({ default: defaultValue, minLength: 1, description });
const Required = (description: string) => Type.String({ minLength: 1, description });
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
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info', description: 'pino log level.' },
  ),

  METRICS_ENABLED: Flag(true, 'Serve Prometheus metrics at /metrics on METRICS_PORT.'),
  METRICS_PORT: Integer(9464, 0, 65535, 'Port of the metrics endpoint (0: any free port).'),

  MONGODB_URI: Required('MongoDB connection string.'),
  MONGODB_DATABASE: Text('cancel_sync', 'Database name.'),
  MONGODB_MAX_POOL_SIZE: Integer(20, 1, 500, 'Connections in the MongoDB pool.'),

  KAFKA_BROKERS: Required('Comma-separated host:port list of Kafka brokers.'),
  KAFKA_CLIENT_ID: Text('cancel-sync', 'Kafka client id.'),
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
  UC_SECURITY_KEY: Required('securitykey header, issued by Unicommerce (a secret).'),
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
  DELIVERY_LEASE_MS: Integer(60_000, 1000, 3_600_000, 'Lease of a job; must outlast a call to Uniware.'),
  DELIVERY_POLL_INTERVAL_MS: Integer(500, 10, 60_000, 'How often to look for due jobs when idle.'),
  AUTH_CIRCUIT_PAUSE_MS: Integer(30_000, 100, 3_600_000, 'Pause after Uniware refuses our credentials.'),
  AUTH_CIRCUIT_MAX_PAUSE_MS: Integer(600_000, 100, 86_400_000, 'Largest pause while refusals go on.'),

  AUTH_TOKEN_TTL_SECONDS: Integer(86_400, 60, 90 * 86_400, 'Lifetime of tokens issued by /authToken.'),
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
});
export type Environment = Static<typeof EnvironmentSchema>;

export interface Config {
  readonly instanceId: string;
  readonly roles: ReadonlySet<Role>;
  readonly env: Environment;
  readonly kafkaBrokers: readonly string[];
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
  const converted = Value.Convert(EnvironmentSchema, Value.Default(EnvironmentSchema, raw));
  const problems = [...Value.Errors(EnvironmentSchema, converted)].map(
    (error) => `${error.path.slice(1) || '(environment)'}: ${error.message}${describe(error.path)}`,
  );
  if (problems.length === 0 && Value.Check(EnvironmentSchema, converted)) {
    return derive(converted);
  }
  throw new ConfigError(`invalid configuration:\n  ${[...new Set(problems)].join('\n  ')}`);
};

const describe = (path: string): string => {
  const schema = EnvironmentSchema.properties[path.slice(1) as keyof Environment] as
    | { description?: string }
    | undefined;
  return schema?.description === undefined ? '' : ` (${schema.description})`;
};

const derive = (env: Environment): Config => {
  const roles = env.SERVICE_ROLES.split(',').map((role) => role.trim());
  const unknown = roles.filter((role) => !(ROLES as readonly string[]).includes(role));
  const problems: string[] = [];
  if (unknown.length > 0)
    problems.push(`SERVICE_ROLES: unknown role(s) ${unknown.join(', ')}; known: ${ROLES.join(', ')}`);
  if (env.DELIVERY_LEASE_MS <= env.UC_CONNECT_TIMEOUT_MS + env.UC_RESPONSE_TIMEOUT_MS) {
    problems.push('DELIVERY_LEASE_MS: must be longer than UC_CONNECT_TIMEOUT_MS + UC_RESPONSE_TIMEOUT_MS');
  }
  if (env.DELIVERY_MAX_DELAY_MS < env.DELIVERY_BASE_DELAY_MS) {
    problems.push('DELIVERY_MAX_DELAY_MS: must not be below DELIVERY_BASE_DELAY_MS');
  }
  try {
    const url = new URL(env.UC_BASE_URL);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
  } catch {
    problems.push('UC_BASE_URL: must be an http(s) URL');
  }
  const kafkaBrokers = env.KAFKA_BROKERS.split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
  if (kafkaBrokers.some((broker) => !/^[^\s:]+:\d{1,5}$/.test(broker))) {
    problems.push('KAFKA_BROKERS: expected host:port[,host:port...]');
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  return {
    instanceId: env.SERVICE_INSTANCE_ID ?? `${hostname()}-${process.pid}`,
    roles: new Set(roles as Role[]),
    env,
    kafkaBrokers,
  };
};
