import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { envFilePath, stackStateFile } from './paths.ts';
import type { StackSource } from './stack.ts';

export const SERVER_NAMES = ['kafka', 'mongodb'] as const;
export type ServerName = (typeof SERVER_NAMES)[number];

/** One embedded server of `pnpm stack`: kept across `up`s, with its ports and its data. */
export type RecordedServer = {
  /** null once it was stopped (`down`), or before its JVM exists. */
  pid: number | null;
  /** The ports it listens on, reused by the next start: Kafka's broker and controller, MongoDB's one. */
  ports: number[];
  /** What a client connects to: `host:port` for Kafka, a `mongodb://` URI for MongoDB. */
  endpoint: string;
  dir: string;
  dataDir: string;
  logFile: string;
};

/** What `pnpm stack up` started, recorded so that later commands can report on it and stop it. */
export type StackState = {
  source: StackSource;
  /** The `pnpm stack up --foreground` process that owns the servers; null when they run on their own. */
  ownerPid: number | null;
  startedAt: string;
  /** Embedded servers, each restarted on its own when it died. Empty for containers. */
  servers: Partial<Record<ServerName, RecordedServer>>;
  /** Containers (testcontainers): endpoints and ids, started and stopped together. */
  kafkaBrokers: string[];
  mongodbUri: string;
  containerIds: string[];
  /** Written by a version of `pnpm stack` whose servers lived in one throw-away run directory. */
  legacy?: { pids: number[]; runDir: string | null };
};

export async function writeStackState(
  state: StackState,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const file = stackStateFile(env);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
}

export type StateRead =
  | { found: true; state: StackState }
  | { found: false }
  | { found: 'unreadable'; reason: string };

export async function readStackState(env: NodeJS.ProcessEnv = process.env): Promise<StateRead> {
  const file = stackStateFile(env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { found: false };
  }
  try {
    const parsed = JSON.parse(text) as Partial<StackState> & { pids?: unknown; runDir?: unknown };
    if (!isSource(parsed.source)) return { found: 'unreadable', reason: `${file} names no known source` };
    const servers: StackState['servers'] = {};
    for (const name of SERVER_NAMES) {
      const server = parsed.servers?.[name];
      if (isRecordedServer(server)) servers[name] = server;
    }
    const pids = Array.isArray(parsed.pids) ? parsed.pids.filter((pid) => typeof pid === 'number') : [];
    return {
      found: true,
      state: {
        source: parsed.source,
        ownerPid: typeof parsed.ownerPid === 'number' ? parsed.ownerPid : null,
        startedAt: typeof parsed.startedAt === 'string' ? parsed.startedAt : '',
        servers,
        kafkaBrokers: Array.isArray(parsed.kafkaBrokers) ? parsed.kafkaBrokers : [],
        mongodbUri: typeof parsed.mongodbUri === 'string' ? parsed.mongodbUri : '',
        containerIds: Array.isArray(parsed.containerIds) ? parsed.containerIds : [],
        ...(pids.length > 0
          ? { legacy: { pids, runDir: typeof parsed.runDir === 'string' ? parsed.runDir : null } }
          : {}),
      },
    };
  } catch (error) {
    return {
      found: 'unreadable',
      reason: `${file}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

function isRecordedServer(value: unknown): value is RecordedServer {
  if (typeof value !== 'object' || value === null) return false;
  const server = value as Record<string, unknown>;
  return (
    (server.pid === null || typeof server.pid === 'number') &&
    Array.isArray(server.ports) &&
    server.ports.every((port) => typeof port === 'number') &&
    typeof server.endpoint === 'string' &&
    typeof server.dir === 'string' &&
    typeof server.dataDir === 'string' &&
    typeof server.logFile === 'string'
  );
}

function isSource(value: unknown): value is StackSource {
  return value === 'environment' || value === 'testcontainers' || value === 'embedded';
}

export async function removeStackState(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await rm(stackStateFile(env), { force: true });
  await removeEnvFile(env);
}

export async function removeEnvFile(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await rm(envFilePath(env), { force: true });
}

export type StackEndpoints = { kafkaBrokers: readonly string[]; mongodbUri: string };

/** `.env.stack`, loadable with `set -a; . ./.env.stack; set +a` or any dotenv reader. */
export async function writeEnvFile(
  endpoints: StackEndpoints,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  await writeFile(envFilePath(env), envFileText(endpoints));
}

export function envFileText(endpoints: StackEndpoints): string {
  return `KAFKA_BROKERS=${endpoints.kafkaBrokers.join(',')}\nMONGODB_URI=${endpoints.mongodbUri}\n`;
}

/** The endpoints a record stands for, whichever way the servers were started. */
export function recordedEndpoints(state: StackState): StackEndpoints {
  return {
    kafkaBrokers: state.servers.kafka === undefined ? state.kafkaBrokers : [state.servers.kafka.endpoint],
    mongodbUri: state.servers.mongodb?.endpoint ?? state.mongodbUri,
  };
}
