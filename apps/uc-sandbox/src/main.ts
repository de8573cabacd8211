/** `pnpm sandbox`: runs the sandbox from `SANDBOX_*` variables until SIGINT or SIGTERM. */
import { optionsFromEnv, SandboxConfigError } from './env-options.ts';
import { startSandbox } from './start-sandbox.ts';

if (process.argv.slice(2).some((arg) => arg === '--help' || arg === '-h')) {
  process.stdout.write(
    'usage: pnpm sandbox\n  Runs the fake Uniware cancel endpoint, configured by SANDBOX_* variables (see apps/uc-sandbox/README.md),\n  until SIGINT or SIGTERM.\n',
  );
  process.exit(0);
}

const CLOSE_GRACE_MS = 10_000;

const options = (() => {
  try {
    return optionsFromEnv(process.env);
  } catch (error) {
    if (!(error instanceof SandboxConfigError)) throw error;
    process.stderr.write(`uc-sandbox: bad configuration: ${error.message}\n`);
    process.exit(2);
  }
})();

const sandbox = await startSandbox(options);
// One line whatever the log level: whoever started the sandbox needs to know where it is.
process.stdout.write(`uc-sandbox listening on ${sandbox.url}\n`);

let closing = false;
const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
  if (closing) return;
  closing = true;
  sandbox.app.log.info({ signal }, 'closing');
  const force = setTimeout(() => {
    process.stderr.write('uc-sandbox: close took too long, exiting\n');
    process.exit(1);
  }, CLOSE_GRACE_MS);
  force.unref();
  try {
    await sandbox.close();
  } catch (error) {
    process.stderr.write(`uc-sandbox: error while closing: ${String(error)}\n`);
    process.exitCode = 1;
  }
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
