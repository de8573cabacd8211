/** Endpoints of servers someone else runs, given as KAFKA_BROKERS and MONGODB_URI. */
export type EnvironmentEndpoints = { kafkaBrokers?: string[]; mongodbUri?: string };

export type EnvironmentRead = { ok: true; endpoints: EnvironmentEndpoints } | { ok: false; error: string };

/**
 * Reads the two variables. An unset or empty variable means "not given"; a malformed one is an error
 * rather than a silent fallback, because falling back would run tests against something else than
 * the person asked for.
 */
export function readEnvironmentEndpoints(env: NodeJS.ProcessEnv): EnvironmentRead {
  const endpoints: EnvironmentEndpoints = {};
  const brokersText = env.KAFKA_BROKERS?.trim();
  if (brokersText !== undefined && brokersText !== '') {
    const brokers = brokersText
      .split(',')
      .map((broker) => broker.trim())
      .filter((broker) => broker !== '');
    const malformed = brokers.filter((broker) => !isHostPort(broker));
    if (brokers.length === 0 || malformed.length > 0) {
      return {
        ok: false,
        error: `KAFKA_BROKERS must be a comma-separated list of host:port, e.g. "localhost:9092"; got "${brokersText}"`,
      };
    }
    endpoints.kafkaBrokers = brokers;
  }
  const uri = env.MONGODB_URI?.trim();
  if (uri !== undefined && uri !== '') {
    if (!/^mongodb(\+srv)?:\/\/\S+$/.test(uri)) {
      return {
        ok: false,
        error: `MONGODB_URI must be a mongodb:// or mongodb+srv:// connection string; got "${uri}"`,
      };
    }
    endpoints.mongodbUri = uri;
  }
  return { ok: true, endpoints };
}

function isHostPort(value: string): boolean {
  // host:port, [ipv6]:port
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(value);
  if (match?.[2] === undefined) return false;
  const port = Number(match[2]);
  return port > 0 && port < 65536;
}
