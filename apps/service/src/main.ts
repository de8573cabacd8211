/** The service's entry point: configuration, logger, start, and a graceful stop on SIGTERM/SIGINT. */
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { startService } from './service.ts';
import { shutdownTelemetry } from './telemetry-wanted.ts';

if (process.argv.slice(2).some((arg) => arg === '--help' || arg === '-h')) {
  process.stdout.write(
    'usage: node apps/service/src/main.ts (or pnpm --filter @cancel-sync/service start)\n  Runs cancel-sync, configured by environment variables only (the configuration table of the README,\n  .env.example). SIGTERM or SIGINT stops it gracefully.\n',
  );
  process.exit(0);
}

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
    logger.info({ signal, graceMs: config.env.SHUTDOWN_GRACE_MS }, 'stopping: finishing work under way');
    const deadline = setTimeout(() => {
      logger.error(
        { graceMs: config.env.SHUTDOWN_GRACE_MS },
        'graceful stop took longer than SHUTDOWN_GRACE_MS (is Kafka or MongoDB gone?): exiting now; leases of unfinished deliveries run out and another instance takes them over',
      );
      process.exit(1);
    }, config.env.SHUTDOWN_GRACE_MS);
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
