import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { envFilePath, stackStateFile } from './paths.ts';
import type { StackSource } from './stack.ts';

/** What `pnpm stack up` started, recorded so that later commands can report on it and stop it. */
export type StackState = {
  source: StackSource;
  kafkaBrokers: string[];
  mongodbUri: string;
  /** The `pnpm stack up --foreground` process that owns the servers; null when they run on their own. */
  ownerPid: number | null;
  pids: number[];
  containerIds: string[];
  runDir: string | null;
  startedAt: string;
};

export async function writeStackState(state: StackState): Promise<void> {
  await mkdir(dirname(stackStateFile), { recursive: true });
  await writeFile(stackStateFile, `${JSON.stringify(state, null, 2)}\n`);
}

export type StateRead =
  | { found: true; state: StackState }
  | { found: false }
  | { found: 'unreadable'; reason: string };

export async function readStackState(): Promise<StateRead> {
  let text: string;
  try {
    text = await readFile(stackStateFile, 'utf8');
  } catch {
    return { found: false };
  }
  try {
    const parsed = JSON.parse(text) as Partial<StackState>;
    if (
      isSource(parsed.source) &&
      Array.isArray(parsed.kafkaBrokers) &&
      typeof parsed.mongodbUri === 'string' &&
      Array.isArray(parsed.pids) &&
      Array.isArray(parsed.containerIds)
    ) {
      return {
        found: true,
        state: {
          source: parsed.source,
          kafkaBrokers: parsed.kafkaBrokers,
          mongodbUri: parsed.mongodbUri,
          ownerPid: typeof parsed.ownerPid === 'number' ? parsed.ownerPid : null,
          pids: parsed.pids,
          containerIds: parsed.containerIds,
          runDir: typeof parsed.runDir === 'string' ? parsed.runDir : null,
          startedAt: typeof parsed.startedAt === 'string' ? parsed.startedAt : '',
        },
      };
    }
    return { found: 'unreadable', reason: `${stackStateFile} does not have the expected fields` };
  } catch (error) {
    return {
      found: 'unreadable',
      reason: `${stackStateFile}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

function isSource(value: unknown): value is StackSource {
  return value === 'environment' || value === 'testcontainers' || value === 'embedded';
}

export async function removeStackState(): Promise<void> {
  await rm(stackStateFile, { force: true });
  await rm(envFilePath, { force: true });
}

/** `.env.stack`, loadable with `set -a; . ./.env.stack; set +a` or any dotenv reader. */
export async function writeEnvFile(endpoints: {
  kafkaBrokers: readonly string[];
  mongodbUri: string;
}): Promise<void> {
  await writeFile(envFilePath, envFileText(endpoints));
}

export function envFileText(endpoints: { kafkaBrokers: readonly string[]; mongodbUri: string }): string {
  return `KAFKA_BROKERS=${endpoints.kafkaBrokers.join(',')}\nMONGODB_URI=${endpoints.mongodbUri}\n`;
}
