/** The service's pino logger: JSON lines, secrets redacted, the active trace named on every line. */
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.ts';
import { currentTraceIds } from './tracing.ts';

export const REDACTED_PATHS = [
  '*.password',
  '*.accessToken',
  '*.apiKey',
  '*.apikey',
  '*.securityKey',
  '*.securitykey',
  '*.UC_SECURITY_KEY',
  '*.headers.apikey',
  '*.headers.securitykey',
];

export const createLogger = (
  config: Pick<Config, 'instanceId' | 'env'>,
  destination?: DestinationStream,
): Logger =>
  pino(
    {
      level: config.env.LOG_LEVEL,
      base: { service: 'cancel-sync', instance: config.instanceId },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Every line written inside a span names it, so logs and traces open each other.
      mixin: currentTraceIds,
    },
    destination,
  );
