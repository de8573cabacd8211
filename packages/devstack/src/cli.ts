import { rm } from 'node:fs/promises';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { KAFKA_VERSION, MONGO_JAVA_SERVER_VERSION } from './embedded/versions.ts';
import { envFilePath, repoRoot } from './paths.ts';
import { commandLine, isAlive, residentKiB, stopProcessGroup } from './process-group.ts';
import { probeKafka, probeMongo } from './readiness.ts';
import { type Stack, startStack } from './stack.ts';
import {
  envFileText,
  readStackState,
  removeStackState,
  type StackState,
  writeEnvFile,
  writeStackState,
} from './stack-state.ts';
import { removeContainers } from './testcontainers-stack.ts';

const USAGE = `Usage: pnpm stack <command>

  up [--foreground]  Start Kafka and a MongoDB-protocol server (Docker if it answers, else embedded
                     java processes), print the endpoints and write them to .env.stack. Returns once
                     they answer and leaves them running; with --foreground, stays until Ctrl-C.
  down               Stop what \`up\` started.
  status             Say what is running (exit code 0 when up, 3 when not).

KAFKA_BROKERS and MONGODB_URI are ignored here: this command is what provides them.
DEVSTACK_SOURCE=embedded|testcontainers forces one way of starting the servers.`;

const STOP_GRACE_MS = 15_000;

// kafkajs 2.2.4 arms its throttle timer with a negative delay when nothing is throttled; Node 24 warns
// and uses 1 ms, as older Node did silently. Nothing to act on, so it stays out of this command's
// output; every other warning is still printed.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'TimeoutNegativeWarning')
    process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { foreground: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, ...extra] = positionals;
  if (values.help === true || command === undefined || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined && values.help !== true ? 2 : 0;
  }
  if (extra.length > 0) return usageError(`unexpected arguments: ${extra.join(' ')}`);
  if (values.foreground && command !== 'up') return usageError('--foreground goes with `up` only');
  switch (command) {
    case 'up':
      return up(values.foreground);
    case 'down':
      return down();
    case 'status':
      return status();
    default:
      return usageError(`unknown command "${command}"`);
  }
}

function usageError(message: string): number {
  process.stderr.write(`pnpm stack: ${message}\n\n${USAGE}\n`);
  return 2;
}

async function up(foreground: boolean): Promise<number> {
  const previous = await readStackState();
  if (previous.found === true) {
    if (await isUp(previous.state)) {
      process.stdout.write(
        `The stack is already up (${describeSource(previous.state)}, since ${previous.state.startedAt}).\n`,
      );
      printEndpoints(previous.state);
      return 0;
    }
    process.stderr.write('A stack recorded earlier no longer answers; cleaning up after it.\n');
    await stopRecorded(previous.state);
  } else if (previous.found === 'unreadable') {
    process.stderr.write(`Ignoring an unreadable stack record (${previous.reason}).\n`);
  }

  const stack = await startStack({ useEnvironment: false, outliveParent: !foreground, handleSignals: false });
  const state: StackState = {
    source: stack.source,
    kafkaBrokers: stack.kafkaBrokers,
    mongodbUri: stack.mongodbUri,
    ownerPid: foreground ? process.pid : null,
    pids: stack.started.pids,
    containerIds: stack.started.containerIds,
    runDir: stack.started.runDir ?? null,
    startedAt: new Date().toISOString(),
  };
  await writeStackState(state);
  await writeEnvFile(stack);
  process.stdout.write(`The stack is up (${describeSource(state)}).\n`);
  printEndpoints(state);
  return foreground ? stayInForeground(stack) : 0;
}

async function stayInForeground(stack: Stack): Promise<number> {
  process.stdout.write('Press Ctrl-C to stop.\n');
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(name, () => resolve(name));
  });
  process.stdout.write(`\n${signal}: stopping the stack…\n`);
  await stack.stop();
  await removeStackState();
  process.stdout.write('The stack is stopped.\n');
  return 0;
}

async function down(): Promise<number> {
  const recorded = await readStackState();
  if (recorded.found !== true) {
    await removeStackState();
    process.stdout.write(
      recorded.found === false
        ? 'The stack is not running (nothing recorded by `pnpm stack up`).\n'
        : `Nothing to stop: ${recorded.reason}; removed it.\n`,
    );
    return 0;
  }
  await stopRecorded(recorded.state);
  process.stdout.write('The stack is stopped.\n');
  return 0;
}

async function stopRecorded(state: StackState): Promise<void> {
  const { ownerPid } = state;
  if (ownerPid !== null && ownerPid !== process.pid && isAlive(ownerPid)) {
    // `up --foreground` owns the servers: ask it to stop them, as Ctrl-C would.
    process.kill(ownerPid, 'SIGTERM');
    const deadline = Date.now() + STOP_GRACE_MS + 5_000;
    while (isAlive(ownerPid) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await Promise.all(
    state.pids
      // A recycled pid belongs to someone else: only stop processes started for this run.
      .filter((pid) => state.runDir !== null && commandLine(pid).includes(`-Ddevstack.run=${state.runDir}`))
      .map((pid) => stopProcessGroup(pid, STOP_GRACE_MS)),
  );
  if (state.containerIds.length > 0) await removeContainers(state.containerIds);
  if (state.runDir !== null) await rm(state.runDir, { recursive: true, force: true });
  await removeStackState();
}

async function status(): Promise<number> {
  const recorded = await readStackState();
  if (recorded.found !== true) {
    process.stdout.write(
      recorded.found === false
        ? 'The stack is not running. Start it with `pnpm stack up`.\n'
        : `The stack record is unreadable (${recorded.reason}).\n`,
    );
    return 3;
  }
  const { state } = recorded;
  const [kafka, mongo] = await Promise.all([probeKafka(state.kafkaBrokers), probeMongo(state.mongodbUri)]);
  const lines = [
    `Source:   ${describeSource(state)}, started ${state.startedAt}${state.ownerPid === null ? '' : ` by pid ${state.ownerPid} (--foreground)`}`,
    `Kafka:    ${state.kafkaBrokers.join(',')}  ${kafka.ok ? 'answers' : `does not answer (${kafka.reason})`}`,
    `MongoDB:  ${state.mongodbUri}  ${mongo.ok ? 'answers' : `does not answer (${mongo.reason})`}`,
    ...state.pids.map((pid) => {
      const rss = residentKiB(pid);
      const alive = isAlive(pid);
      return `Process:  pid ${pid} ${alive ? 'running' : 'gone'}${rss === undefined ? '' : `, RSS ${(rss / 1024).toFixed(0)} MiB`}`;
    }),
    ...state.containerIds.map((id) => `Container: ${id.slice(0, 12)}`),
    ...(state.runDir === null ? [] : [`Logs:     ${relative(repoRoot, state.runDir)}`]),
    `Env file: ${relative(repoRoot, envFilePath)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return kafka.ok && mongo.ok ? 0 : 1;
}

async function isUp(state: StackState): Promise<boolean> {
  if (!state.pids.every(isAlive)) return false;
  const [kafka, mongo] = await Promise.all([probeKafka(state.kafkaBrokers), probeMongo(state.mongodbUri)]);
  return kafka.ok && mongo.ok;
}

function describeSource(state: StackState): string {
  switch (state.source) {
    case 'embedded':
      return `embedded: Apache Kafka ${KAFKA_VERSION} and mongo-java-server ${MONGO_JAVA_SERVER_VERSION} on java`;
    case 'testcontainers':
      return 'containers started with testcontainers';
    case 'environment':
      return 'from the environment';
    default: {
      const never: never = state.source;
      return never;
    }
  }
}

function printEndpoints(state: StackState): void {
  process.stdout.write(envFileText(state));
  process.stdout.write(
    `(also in ${relative(repoRoot, envFilePath)}: load with \`set -a; . ./.env.stack; set +a\`; stop with \`pnpm stack down\`)\n`,
  );
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`pnpm stack: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
