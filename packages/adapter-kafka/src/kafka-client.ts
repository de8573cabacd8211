/** The one place a KafkaJS client is configured: identity, brokers, timeouts, retries, logging. */
import type { ConnectionOptions } from 'node:tls';
import { Kafka, type RetryOptions, type SASLOptions } from 'kafkajs';
import {
  type KafkaLog,
  type KafkaLogThreshold,
  kafkaLogCreator,
  stderrKafkaLog,
  toKafkaJsLogLevel,
} from './kafka-log.ts';

export interface KafkaClientConfig {
  readonly clientId: string;
  readonly brokers: readonly string[];
  /** Where KafkaJS's log entries go; JSON lines on stderr when absent. */
  readonly log?: KafkaLog | undefined;
  /** Default `warn`: KafkaJS's INFO entries narrate every join, commit and reconnect. */
  readonly logLevel?: KafkaLogThreshold | undefined;
  readonly connectionTimeoutMs?: number | undefined;
  readonly requestTimeoutMs?: number | undefined;
  /** Retries of metadata, connection and admin requests. */
  readonly retry?: RetryOptions | undefined;
  readonly ssl?: boolean | ConnectionOptions | undefined;
  readonly sasl?: SASLOptions | undefined;
}

/**
 * About a minute of retries (0.3 s doubling, capped at 30 s) before a request is given up: long
 * enough to ride out a broker restart, short enough that a dead cluster surfaces as an error.
 */
export const DEFAULT_RETRY: Readonly<RetryOptions> = {
  initialRetryTime: 300,
  maxRetryTime: 30_000,
  retries: 8,
};

export const createKafkaClient = (config: KafkaClientConfig): Kafka => {
  const threshold = config.logLevel ?? 'warn';
  if (config.brokers.length === 0) throw new Error('createKafkaClient: no Kafka brokers configured');
  return new Kafka({
    clientId: config.clientId,
    brokers: [...config.brokers],
    connectionTimeout: config.connectionTimeoutMs ?? 3_000,
    requestTimeout: config.requestTimeoutMs ?? 30_000,
    retry: { ...DEFAULT_RETRY, ...config.retry },
    logLevel: toKafkaJsLogLevel(threshold),
    logCreator: kafkaLogCreator(config.log ?? stderrKafkaLog, threshold),
    ...(config.ssl === undefined ? {} : { ssl: config.ssl }),
    ...(config.sasl === undefined ? {} : { sasl: config.sasl }),
  });
};
