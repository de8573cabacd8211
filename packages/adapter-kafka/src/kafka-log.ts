/**
 * KafkaJS logs through a `logCreator`; this one hands every entry to a plain function so the
 * service can route it to its own structured logger (pino) without this package knowing which.
 */
import { type LogEntry, logLevel } from 'kafkajs';

export type KafkaLogLevel = 'error' | 'warn' | 'info' | 'debug';

/**
 * Receives KafkaJS's log entries; with pino: `(level, message, fields) => logger[level](fields, message)`.
 * `fields` holds KafkaJS's component as `namespace` (`Consumer`, `Runner`, `Connection`...) and
 * whatever it attached (groupId, broker, error, stack...), minus its own timestamp.
 */
export type KafkaLog = (
  level: KafkaLogLevel,
  message: string,
  fields: Readonly<Record<string, unknown>>,
) => void;

/** How much KafkaJS says. Its INFO level narrates every join and commit, hence WARN by default. */
export type KafkaLogThreshold = KafkaLogLevel | 'nothing';

const THRESHOLDS: Readonly<Record<KafkaLogThreshold, logLevel>> = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

export const toKafkaJsLogLevel = (threshold: KafkaLogThreshold): logLevel => THRESHOLDS[threshold];

const levelName = (level: logLevel): KafkaLogLevel => {
  switch (level) {
    case logLevel.ERROR:
    case logLevel.NOTHING:
      return 'error';
    case logLevel.WARN:
      return 'warn';
    case logLevel.INFO:
      return 'info';
    case logLevel.DEBUG:
      return 'debug';
    default: {
      const exhaustive: never = level;
      return exhaustive;
    }
  }
};

/**
 * KafkaJS logs every error response of the protocol at ERROR ("Response Heartbeat(key: 12...): The
 * group is rebalancing"), though it retries or rejoins on most of them, and what it finally gives
 * up on reaches the caller as an error anyway. They are passed on as warnings.
 */
const levelOf = (level: logLevel, namespace: string, message: string): KafkaLogLevel => {
  const name = levelName(level);
  // Known and accepted on every producer (see `producer.ts`): not worth a warning on every start.
  if (namespace === 'Producer' && message.startsWith('Limiting retries for the idempotent producer')) {
    return 'debug';
  }
  return name === 'error' && namespace === 'Connection' && message.startsWith('Response ') ? 'warn' : name;
};

/**
 * A `logCreator` for the `Kafka` constructor. KafkaJS drops entries below its own `logLevel`; the
 * threshold is applied again here, after protocol errors were turned into warnings.
 */
export const kafkaLogCreator =
  (log: KafkaLog, threshold: KafkaLogThreshold) =>
  () =>
  ({ namespace, level, log: content }: LogEntry): void => {
    const { message, timestamp: _timestamp, ...fields } = content;
    const name = levelOf(level, namespace, message);
    if (THRESHOLDS[name] > THRESHOLDS[threshold]) return;
    try {
      log(name, message, { namespace, ...fields });
    } catch {
      // A broken log sink must not break the client that is logging.
    }
  };

/** Used when the service supplies no sink: one JSON line per entry on stderr. */
export const stderrKafkaLog: KafkaLog = (level, message, fields) => {
  const plain = Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [key, value instanceof Error ? value.message : value]),
  );
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), component: 'kafkajs', level, message, ...plain })}\n`,
  );
};
