import { mkdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { stopKeptServers, upKeptServers, wipeKeptServers } from './embedded/kept-stack.ts';
import { withFileLock } from './file-lock.ts';
import { envFilePath, repoRoot, stackHome } from './paths.ts';
import { commandLine, isAlive, stopProcessGroup } from './process-group.ts';
import { probeKafka, probeMongo } from './readiness.ts';
import { chooseStartedSource, startStack } from './stack.ts';
import {
  envFileText,
  readStackState,
  recordedEndpoints,
  removeEnvFile,
  removeStackState,
  SERVER_NAMES,
  type StackState,
  writeEnvFile,
  writeStackState,
} from './stack-state.ts';
import { describeSource, label, status } from './stack-status.ts';
import { removeContainers } from './testcontainers-stack.ts';

const COMMON = `KAFKA_BROKERS and MONGODB_URI are ignored here: this command is what provides them.
DEVSTACK_SOURCE=embedded|testcontainers forces one way of starting the servers; DEVSTACK_HOME moves
the stack folder (default .devstack/), DEVSTACK_ENV_FILE the endpoints file (default .env.stack).`;

const HELP: Record<'stack' | Command, string> = {
  stack: `Usage: pnpm stack <command> [--help]

  up [--foreground]  Start what is not running, keep what is, print the endpoints, write .env.stack.
  status [--json]    Each server with its pid, port, memory and data folder.
  down               Stop the servers; their data stays for the next \`up\`.
  reset              Stop the servers and delete their data: the one way to start from empty.

\`pnpm stack <command> --help\` says more about each.

${COMMON}`,
  up: `Usage: pnpm stack up [--foreground]

Starts Kafka and a MongoDB-protocol server (embedded java processes, or containers when a Docker
engine answers), prints the endpoints and writes them to .env.stack. A server that already answers
is left running (same pid); one that died is started again on the ports it had, with the data it
had (MongoDB's databases, collections and indexes; Kafka's topics and committed offsets). Returns
once they answer and leaves them running; with --foreground, stays until Ctrl-C and then stops them.

${COMMON}`,
  status: `Usage: pnpm stack status [--json]

Names each server with its pid, whether it runs and answers, its port, its memory (RSS) and its data
folder. Exit code 0 when every server answers, 1 when one does not, 3 when nothing runs. --json
prints the same as one JSON object.`,
  down: `Usage: pnpm stack down

Stops what \`pnpm stack up\` started; no java process is left. The data stays where status shows
it, and the next \`up\` starts on the same ports with it. \`pnpm stack reset\` deletes it.`,
  reset: `Usage: pnpm stack reset

Stops the servers (as \`down\` does) and deletes their folders under the stack folder: every
database, topic and log. The next \`up\` starts from empty.`,
};

type Command = 'up' | 'down' | 'status' | 'reset';
const COMMANDS: readonly Command[] = ['up', 'down', 'status', 'reset'];

const STOP_GRACE_MS = 15_000;
const env = process.env;

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
    options: {
      foreground: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [word, ...extra] = positionals;
  const command = COMMANDS.find((known) => known === word);
  if (word === undefined || word === 'help') {
    process.stdout.write(`${HELP.stack}\n`);
    return word === undefined && values.help !== true ? 2 : 0;
  }
  if (command === undefined) return usageError(`unknown command "${word}"`);
  if (values.help === true) {
    process.stdout.write(`${HELP[command]}\n`);
    return 0;
  }
  if (extra.length > 0) return usageError(`unexpected arguments: ${extra.join(' ')}`, command);
  if (values.foreground && command !== 'up') return usageError('--foreground goes with `up` only', command);
  if (values.json && command !== 'status') return usageError('--json goes with `status` only', command);
  switch (command) {
    case 'up': {
      // The lock is let go before waiting in the foreground, so that `down` elsewhere can stop it.
      let stop: (() => Promise<number>) | undefined;
      const code = await locked(async () => {
        const result = await up(values.foreground);
        stop = result.stop;
        return result.code;
      });
      return code === 0 && values.foreground && stop !== undefined ? stayInForeground(stop) : code;
    }
    case 'down':
      return locked(() => down());
    case 'reset':
      return locked(() => reset());
    case 'status':
      return status(values.json);
    default: {
      const never: never = command;
      return never;
    }
  }
}

function usageError(message: string, command?: Command): number {
  process.stderr.write(`pnpm stack: ${message}\n\n${HELP[command ?? 'stack']}\n`);
  return 2;
}

/** Two `up`s at once (two terminals) would start two of each server on the same ports. */
async function locked(work: () => Promise<number>): Promise<number> {
  const home = stackHome(env);
  await mkdir(home, { recursive: true });
  return withFileLock(
    join(home, 'stack.lock'),
    {
      staleAfterMs: 30 * 60_000,
      onWait: (holder) => process.stderr.write(`Waiting for another \`pnpm stack\` (${holder}).\n`),
    },
    work,
  );
}

type UpResult = { code: number; stop?: () => Promise<number> };

async function up(foreground: boolean): Promise<UpResult> {
  const previous = await readStackState(env);
  if (previous.found === 'unreadable')
    process.stderr.write(`Ignoring an unreadable stack record (${previous.reason}).\n`);
  let recorded = previous.found === true ? previous.state : undefined;
  if (recorded !== undefined && (recorded.legacy !== undefined || recorded.source === 'testcontainers')) {
    if (recorded.source === 'testcontainers' && (await containersAnswer(recorded))) {
      process.stdout.write(`The stack is already up (containers, since ${recorded.startedAt}).\n`);
      printEndpoints(recorded);
      return { code: 0 };
    }
    process.stderr.write('A stack recorded earlier is not running whole; stopping what is left of it.\n');
    await stopContainersOrLegacy(recorded);
    recorded = undefined;
  }

  const source = recorded?.source === 'embedded' ? 'embedded' : await chooseStartedSource(env);
  if (source === 'testcontainers') return upContainers(foreground);

  const state: StackState = {
    source: 'embedded',
    ownerPid: foreground ? process.pid : liveOwner(recorded?.ownerPid ?? null),
    startedAt: recorded?.startedAt || new Date().toISOString(),
    servers: recorded?.servers ?? {},
    kafkaBrokers: [],
    mongodbUri: '',
    containerIds: [],
  };
  const { servers, outcomes } = await upKeptServers({
    env,
    recorded: state.servers,
    wanted: SERVER_NAMES,
    readyTimeoutMs: 120_000,
    onChange: (changed) => writeStackState({ ...state, servers: changed }, env),
  });
  state.servers = servers;
  await writeStackState(state, env);

  const failed = outcomes.filter((outcome) => outcome.outcome === 'failed');
  for (const outcome of outcomes) {
    switch (outcome.outcome) {
      case 'kept':
        process.stdout.write(
          `${label(outcome.name)} already running (pid ${outcome.server.pid}): left as it is.\n`,
        );
        break;
      case 'started':
        process.stdout.write(
          `${label(outcome.name)} started (pid ${outcome.server.pid}) in ${outcome.seconds} s${outcome.note ? `; ${outcome.note}` : ''}.\n`,
        );
        break;
      case 'failed':
        process.stderr.write(`${label(outcome.name)} did not start: ${outcome.reason}\n`);
        break;
      default: {
        const never: never = outcome;
        return never;
      }
    }
  }
  if (failed.length > 0) {
    await removeEnvFile(env);
    return { code: 1 };
  }
  if (outcomes.every((outcome) => outcome.outcome === 'kept'))
    process.stdout.write('The stack is already up.\n');
  else process.stdout.write(`The stack is up (${describeSource(state)}).\n`);
  await writeEnvFile(recordedEndpoints(state), env);
  printEndpoints(state);
  return { code: 0, stop: down };
}

async function upContainers(foreground: boolean): Promise<UpResult> {
  const stack = await startStack({
    useEnvironment: false,
    source: 'testcontainers',
    outliveParent: !foreground,
    handleSignals: false,
  });
  const state: StackState = {
    source: stack.source,
    ownerPid: foreground ? process.pid : null,
    startedAt: new Date().toISOString(),
    servers: {},
    kafkaBrokers: stack.kafkaBrokers,
    mongodbUri: stack.mongodbUri,
    containerIds: stack.started.containerIds,
  };
  await writeStackState(state, env);
  await writeEnvFile(stack, env);
  process.stdout.write(`The stack is up (${describeSource(state)}).\n`);
  printEndpoints(state);
  return {
    code: 0,
    stop: async () => {
      await stack.stop();
      await removeStackState(env);
      return 0;
    },
  };
}

async function stayInForeground(stop: () => Promise<number>): Promise<number> {
  process.stdout.write('Press Ctrl-C to stop.\n');
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(name, () => resolve(name));
  });
  process.stdout.write(`\n${signal}: stopping the stack…\n`);
  await stop();
  process.stdout.write('The stack is stopped (its data is kept).\n');
  return 0;
}

async function down(): Promise<number> {
  const recorded = await readStackState(env);
  if (recorded.found !== true) {
    await removeEnvFile(env);
    process.stdout.write(
      recorded.found === false
        ? 'The stack is not running (nothing recorded by `pnpm stack up`).\n'
        : `Nothing to stop: ${recorded.reason}.\n`,
    );
    return 0;
  }
  await stopRecorded(recorded.state);
  process.stdout.write('The stack is stopped; its data is kept for the next `pnpm stack up`.\n');
  return 0;
}

async function reset(): Promise<number> {
  const recorded = await readStackState(env);
  if (recorded.found === true) await stopRecorded(recorded.state);
  await removeStackState(env);
  const dir = await wipeKeptServers(env);
  process.stdout.write(`The stack is stopped and its data deleted (${dir}).\n`);
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
  if (state.source === 'embedded' && state.legacy === undefined) {
    const servers = await stopKeptServers(state.servers, env);
    await writeStackState({ ...state, ownerPid: null, servers }, env);
    await removeEnvFile(env);
    return;
  }
  await stopContainersOrLegacy(state);
}

async function stopContainersOrLegacy(state: StackState): Promise<void> {
  const legacy = state.legacy;
  if (legacy !== undefined) {
    await Promise.all(
      legacy.pids
        // A recycled pid belongs to someone else: only stop processes started for that run.
        .filter(
          (pid) => legacy.runDir !== null && commandLine(pid).includes(`-Ddevstack.run=${legacy.runDir}`),
        )
        .map((pid) => stopProcessGroup(pid, STOP_GRACE_MS)),
    );
    if (legacy.runDir !== null) await rm(legacy.runDir, { recursive: true, force: true });
  }
  if (state.containerIds.length > 0) await removeContainers(state.containerIds);
  await removeStackState(env);
}

/** The `up --foreground` that still owns the servers, if it is still there. */
function liveOwner(pid: number | null): number | null {
  return pid !== null && pid !== process.pid && isAlive(pid) ? pid : null;
}

async function containersAnswer(state: StackState): Promise<boolean> {
  const [kafka, mongo] = await Promise.all([probeKafka(state.kafkaBrokers), probeMongo(state.mongodbUri)]);
  return kafka.ok && mongo.ok;
}

function printEndpoints(state: StackState): void {
  process.stdout.write(envFileText(recordedEndpoints(state)));
  process.stdout.write(
    `(also in ${relative(repoRoot, envFilePath(env))}: load with \`set -a; . ./.env.stack; set +a\`; stop with \`pnpm stack down\`)\n`,
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
