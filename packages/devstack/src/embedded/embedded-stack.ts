import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { repoRoot } from '../paths.ts';
import { stopProcessGroupsSync } from '../process-group.ts';
import { progress, secondsSince } from '../progress.ts';
import { checkJava, type RunningJava } from './java.ts';
import { startEmbeddedKafka } from './kafka-broker.ts';
import { resolveClasspath } from './maven-classpath.ts';
import { startEmbeddedMongo } from './mongo-server.ts';
import { PortTakenError } from './port-taken.ts';
import { createRunDir, reapAbandonedRuns, writeOwner } from './run-dir.ts';
import { KAFKA_VERSION, kafkaArtifacts, MONGO_JAVA_SERVER_VERSION, mongoArtifacts } from './versions.ts';

export type EmbeddedOptions = {
  kafka: boolean;
  mongodb: boolean;
  /** Leave the servers running when this Node process ends (`pnpm stack up`). */
  outliveParent: boolean;
  /**
   * Stop the servers on SIGINT, SIGTERM and SIGHUP, then let the signal take its course. Callers that
   * handle those signals themselves (the CLI in the foreground) turn this off.
   */
  handleSignals: boolean;
  /** How long the servers may take to answer once started (the first download is not counted). */
  readyTimeoutMs: number;
};

export type EmbeddedServer = {
  name: 'kafka' | 'mongodb';
  pid: number;
  logFile: string;
  startupSeconds: number;
};

export type EmbeddedStack = {
  kafkaBrokers?: string[];
  mongodbUri?: string;
  runDir: string;
  servers: EmbeddedServer[];
  stop(): Promise<void>;
};

/** Kafka takes a few seconds for a controlled shutdown; past this it is killed. */
const STOP_GRACE_MS = 15_000;

export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedStack> {
  const java = await checkJava();
  if (!java.ok) {
    throw new Error(
      `Cannot start the embedded servers: ${java.reason}.\n` +
        'Alternatives: set KAFKA_BROKERS and MONGODB_URI to servers you run, or run a Docker engine.',
    );
  }
  await reapAbandonedRuns();

  // Resolution is sequential: both share one Maven repository and lock.
  const kafkaClasspath = options.kafka ? await resolveKafkaClasspath() : undefined;
  const mongoClasspath = options.mongodb ? await resolveMongoClasspath() : undefined;

  const runDir = await createRunDir(options.outliveParent);
  const ownerPid = options.outliveParent ? null : process.pid;
  const startedAt = new Date().toISOString();
  // Known from the moment each JVM exists, so that an interrupted start-up still stops them.
  const pids: number[] = [];
  let ownerWritten = Promise.resolve(); // one write at a time
  const onSpawn = (pid: number) => {
    pids.push(pid);
    // Best effort: the record only serves to clean up after a run that gets killed.
    ownerWritten = ownerWritten
      .then(() => writeOwner(runDir, { ownerPid, pids, startedAt }))
      .catch(() => undefined);
  };
  const cleanup = options.outliveParent ? undefined : installCleanup(pids, runDir, options.handleSignals);
  const deadline = Date.now() + options.readyTimeoutMs;
  // A test run starts from nothing and its run directory (MongoDB's H2 file included) goes at stop.
  const common = { marker: runDir, keepData: false, outliveParent: options.outliveParent, deadline, onSpawn };
  const started = Date.now();
  progress(`starting embedded servers (logs in ${relative(repoRoot, runDir) || runDir})`);

  // The two JVMs start in parallel; each promise resolves when its server answers.
  const [kafka, mongo] = await Promise.allSettled([
    kafkaClasspath === undefined
      ? undefined
      : retryIfPortTaken('Kafka', () =>
          startEmbeddedKafka({ ...common, dir: join(runDir, 'kafka'), classpath: kafkaClasspath }),
        ).then((value) => ({
          ...value,
          seconds: secondsSince(started),
        })),
    mongoClasspath === undefined
      ? undefined
      : retryIfPortTaken('MongoDB', () =>
          startEmbeddedMongo({ ...common, dir: join(runDir, 'mongodb'), classpath: mongoClasspath }),
        ).then((value) => ({
          ...value,
          seconds: secondsSince(started),
        })),
  ]);

  const running: RunningJava[] = [];
  if (kafka.status === 'fulfilled' && kafka.value !== undefined) running.push(kafka.value.java);
  if (mongo.status === 'fulfilled' && mongo.value !== undefined) running.push(mongo.value.java);
  const failures = [kafka, mongo].flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
  if (failures.length > 0) {
    await Promise.all(running.map((server) => server.stop(STOP_GRACE_MS)));
    cleanup?.uninstall();
    const reasons = failures.map((reason) => (reason instanceof Error ? reason.message : String(reason)));
    throw new Error(`Embedded servers did not start (logs kept in ${runDir}):\n${reasons.join('\n\n')}`);
  }

  const servers: EmbeddedServer[] = [];
  if (kafka.status === 'fulfilled' && kafka.value !== undefined) {
    const { java: server, brokers, seconds } = kafka.value;
    progress(`Kafka ${KAFKA_VERSION} ready at ${brokers.join(',')} in ${seconds} s (pid ${server.pid})`);
    servers.push({
      name: 'kafka',
      pid: server.pid,
      logFile: server.logFile,
      startupSeconds: Number(seconds),
    });
  }
  if (mongo.status === 'fulfilled' && mongo.value !== undefined) {
    const { java: server, uri, seconds } = mongo.value;
    progress(
      `MongoDB-protocol server (mongo-java-server) ready at ${uri} in ${seconds} s (pid ${server.pid})`,
    );
    servers.push({
      name: 'mongodb',
      pid: server.pid,
      logFile: server.logFile,
      startupSeconds: Number(seconds),
    });
  }
  await ownerWritten;

  let stopping: Promise<void> | undefined;
  return {
    kafkaBrokers: kafka.status === 'fulfilled' ? kafka.value?.brokers : undefined,
    mongodbUri: mongo.status === 'fulfilled' ? mongo.value?.uri : undefined,
    runDir,
    servers,
    stop: () => {
      stopping ??= (async () => {
        cleanup?.uninstall();
        await Promise.all(running.map((server) => server.stop(STOP_GRACE_MS)));
        await rm(runDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

export function resolveKafkaClasspath(): Promise<string[]> {
  return resolveClasspath({
    name: `kafka-${KAFKA_VERSION}`,
    label: `Apache Kafka ${KAFKA_VERSION}`,
    artifacts: kafkaArtifacts,
  });
}

export function resolveMongoClasspath(): Promise<string[]> {
  return resolveClasspath({
    // Not the name of the in-memory-only classpath, which older checkouts still resolve there.
    name: `mongo-java-server-${MONGO_JAVA_SERVER_VERSION}-h2`,
    label: `mongo-java-server ${MONGO_JAVA_SERVER_VERSION}`,
    artifacts: mongoArtifacts,
  });
}

/**
 * A free port is free when the OS names it, not necessarily a few seconds later when the JVM binds
 * it: another start on the same machine may have taken it. Such a start is tried once more on new
 * ports; any other failure is final.
 */
export async function retryIfPortTaken<T>(what: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (!(error instanceof PortTakenError)) throw error;
    progress(`${what} lost its port to another process before binding it; trying other ports`);
    return start();
  }
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * The servers run in their own process groups, so nothing stops them when this process ends unless
 * we do. Vitest exits on Ctrl-C without running global teardowns; an `exit` handler cannot wait for
 * anything. Both therefore stop the servers synchronously.
 */
function installCleanup(
  pids: readonly number[],
  runDir: string,
  handleSignals: boolean,
): { uninstall(): void } {
  const stopAll = () => {
    stopProcessGroupsSync(pids, STOP_GRACE_MS);
    rmSync(runDir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    uninstall();
    stopAll();
    // With no other listener left, re-raise so that the signal does what it would have done.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const uninstall = () => {
    process.off('exit', stopAll);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  process.on('exit', stopAll);
  if (handleSignals) for (const signal of SIGNALS) process.on(signal, onSignal);
  return { uninstall };
}
