/**
 * `pnpm start`: runs the service for development with everything it needs. Kafka and MongoDB come
 * from KAFKA_BROKERS / MONGODB_URI, else Docker (testcontainers), else embedded servers; Uniware
 * from UC_BASE_URL, else the sandbox (apps/uc-sandbox) on port 8089. What this starts, it stops.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startStack } from '@cancel-sync/devstack';
import { startSandbox } from '@cancel-sync/uc-sandbox';
import { serviceCommand } from '../apps/service/src/service-command.ts';
import { seedDemo, tryIt } from './demo.ts';
import { readEnvStack } from './env-stack.ts';

if (process.argv.slice(2).some((arg) => arg === '--help' || arg === '-h')) {
  process.stdout.write(
    'usage: pnpm start\n  Runs the service with Kafka, MongoDB (from KAFKA_BROKERS/MONGODB_URI, .env.stack, Docker, else embedded)\n  and the Uniware sandbox on SANDBOX_PORT (8089) unless UC_BASE_URL is set; on an empty database it puts a\n  demo seller and orders in place and prints a try-it. Every service variable applies (see the README).\n  Ctrl-C stops everything it started.\n',
  );
  process.exit(0);
}

const root = fileURLToPath(new URL('..', import.meta.url));
// Endpoints of a stack started with `pnpm stack up` are used as if they were in the environment.
const fromStackFile = readEnvStack();
const stack = await startStack({ handleSignals: false, env: { ...fromStackFile, ...process.env } });
// A local trace viewer (`pnpm stack up` starts Zipkin) gets the traces unless an exporter is chosen.
const zipkin = process.env.ZIPKIN_URL ?? fromStackFile.ZIPKIN_URL;
const tracing =
  zipkin === undefined ||
  process.env.OTEL_TRACES_EXPORTER !== undefined ||
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined
    ? {}
    : { OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: `${zipkin}/api/v2/spans` };
const env: NodeJS.ProcessEnv = {
  ...process.env,
  ...tracing,
  KAFKA_BROKERS: stack.kafkaBrokers.join(','),
  MONGODB_URI: stack.mongodbUri,
  HTTP_HOST: process.env.HTTP_HOST ?? '127.0.0.1',
};

let sandbox: Awaited<ReturnType<typeof startSandbox>> | undefined;
if (process.env.UC_BASE_URL === undefined) {
  sandbox = await startSandbox({ port: Number(process.env.SANDBOX_PORT ?? 8089), logLevel: 'warn' });
  Object.assign(env, {
    UC_BASE_URL: sandbox.url,
    UC_CLIENT_ID: 'sandbox-client',
    UC_SECURITY_KEY: 'sandbox-security-key',
  });
}

process.stderr.write(
  [
    '',
    `  Kafka:     ${stack.kafkaBrokers.join(',')} (${stack.sources.kafka})`,
    `  MongoDB:   ${stack.mongodbUri} (${stack.sources.mongodb})`,
    `  Uniware:   ${env.UC_BASE_URL}${sandbox === undefined ? '' : ' (sandbox: calls at /__sandbox/calls)'}`,
    `  API:       http://${env.HTTP_HOST}:${env.HTTP_PORT ?? 8080}  (docs at /docs)`,
    ...(zipkin === undefined || tracing.OTEL_TRACES_EXPORTER === undefined
      ? []
      : [`  Traces:    ${zipkin}/zipkin/  (search by tag cancel_sync.order_id=<order id>)`]),
    '',
    '',
  ].join('\n'),
);

const command = serviceCommand();
const service = spawn(process.execPath, [...command.args], {
  cwd: `${root}apps/service`,
  env: { ...command.env, ...env },
  stdio: 'inherit',
});

/** Once the service answers: on an empty database, the demo seller and orders, then "try it". */
const api = `http://${env.HTTP_HOST}:${env.HTTP_PORT ?? 8080}`;
const showTryIt = async () => {
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
    const ready = await fetch(`${api}/readyz`).then(
      (answer) => answer.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const seeded = await seedDemo({
    mongodbUri: stack.mongodbUri,
    database: env.MONGODB_DATABASE ?? 'cancel_sync',
    kafkaBrokers: stack.kafkaBrokers,
    lifecycleTopic: env.TOPIC_ORDER_LIFECYCLE ?? 'order.lifecycle',
  });
  const lines = seeded ? tryIt(api, sandbox?.url, env.TOPIC_ORDER_CANCELLED ?? 'order.cancelled') : [];
  process.stderr.write(
    `\n${[...lines, '', '  Ctrl-C stops the service and everything this command started.', ''].join('\n')}\n`,
  );
};
showTryIt().catch((error: unknown) => process.stderr.write(`could not seed the demo: ${String(error)}\n`));

const stopEverything = async () => {
  await sandbox?.close();
  await stack.stop();
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => service.kill(signal));
}
service.on('exit', (code, signal) => {
  stopEverything().finally(() => process.exit(code ?? (signal === null ? 0 : 1)));
});
