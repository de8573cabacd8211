/** The service's entry point: configuration, logger, start, and a graceful stop on SIGTERM/SIGINT. */
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { startService } from './service.ts';
import { shutdownTelemetry } from './telemetry-sdk.ts';

const STOP_GRACE_MS = 25_000;

const main = async (): Promise<void> => {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`cancel-sync: ${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  const logger = createLogger(config);
  const service = await startService(config, logger).catch((error: unknown) => {
    logger.fatal({ err: error }, 'cancel-sync could not start');
    process.exit(1);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping: finishing work under way');
    const deadline = setTimeout(() => {
      logger.error('graceful stop took too long: exiting');
      process.exit(1);
    }, STOP_GRACE_MS);
    deadline.unref();
    service.stop().then(
      async () => {
        logger.info('stopped');
        // After the service: the spans of the stop itself are flushed too.
        await shutdownTelemetry();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
};

await main();
