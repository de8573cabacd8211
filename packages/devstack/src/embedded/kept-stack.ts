import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isPortFree } from '../free-port.ts';
import { stackServersDir } from '../paths.ts';
import { commandLine, isAlive, stopProcessGroup } from '../process-group.ts';
import { progress, secondsSince } from '../progress.ts';
import { type Probe, probeKafka, probeMongo } from '../readiness.ts';
import type { RecordedServer, ServerName } from '../stack-state.ts';
import { resolveKafkaClasspath, resolveMongoClasspath, retryIfPortTaken } from './embedded-stack.ts';
import { checkJava } from './java.ts';
import { startEmbeddedKafka } from './kafka-broker.ts';
import { startEmbeddedMongo } from './mongo-server.ts';

/**
 * The embedded servers of `pnpm stack`, each in its own folder under the stack folder, kept from one
 * `up` to the next: a server that answers is left alone (same pid); one that died is started again
 * on the ports it had, on the data it left.
 */

const STOP_GRACE_MS = 15_000;
/** A live server that does not answer at once may be busy starting or collecting garbage. */
const ANSWER_GRACE_MS = 10_000;

export type KeptServers = Partial<Record<ServerName, RecordedServer>>;

/** What `up` did with one server, for the person who ran it. */
export type UpOutcome =
  | { name: ServerName; outcome: 'kept'; server: RecordedServer }
  | { name: ServerName; outcome: 'started'; server: RecordedServer; seconds: string; note?: string }
  | { name: ServerName; outcome: 'failed'; reason: string };

/** `-Ddevstack.run=<marker>` on a JVM's command line says it is one of this stack's servers. */
export function keptMarker(env: NodeJS.ProcessEnv): string {
  return stackServersDir(env);
}

/** Whether `pid` is still the server that was recorded (a recycled pid belongs to someone else). */
export function isOurs(pid: number | null, env: NodeJS.ProcessEnv): pid is number {
  return pid !== null && isAlive(pid) && commandLine(pid).includes(`-Ddevstack.run=${keptMarker(env)} `);
}

export function probeServer(name: ServerName, endpoint: string): Promise<Probe> {
  switch (name) {
    case 'kafka':
      return probeKafka([endpoint]);
    case 'mongodb':
      return probeMongo(endpoint);
    default: {
      const never: never = name;
      return never;
    }
  }
}

/**
 * Brings every server in `wanted` up. `onChange` is called with the record whenever a pid becomes
 * known, so that an interrupted `up` still leaves a record of what it started.
 */
export async function upKeptServers(options: {
  env: NodeJS.ProcessEnv;
  recorded: KeptServers;
  wanted: readonly ServerName[];
  readyTimeoutMs: number;
  onChange: (servers: KeptServers) => Promise<void>;
}): Promise<{ servers: KeptServers; outcomes: UpOutcome[] }> {
  const { env } = options;
  const servers: KeptServers = { ...options.recorded };
  const toStart: ServerName[] = [];
  const outcomes: UpOutcome[] = [];
  for (const name of options.wanted) {
    const server = servers[name];
    if (server !== undefined && isOurs(server.pid, env)) {
      if (await answersWithin(name, server.endpoint, ANSWER_GRACE_MS)) {
        outcomes.push({ name, outcome: 'kept', server });
        continue;
      }
      progress(`${name} (pid ${server.pid}) runs but does not answer: stopping it to start it again`);
      await stopProcessGroup(server.pid, STOP_GRACE_MS);
    }
    toStart.push(name);
  }
  if (toStart.length === 0) return { servers, outcomes };

  const java = await checkJava();
  if (!java.ok) throw new Error(`Cannot start the embedded servers: ${java.reason}.`);
  // Sequential: both share one Maven repository and lock.
  const classpaths: Partial<Record<ServerName, string[]>> = {};
  for (const name of toStart) classpaths[name] = await resolve(name);

  let written = Promise.resolve();
  const record = (name: ServerName, server: RecordedServer) => {
    servers[name] = server;
    written = written.then(() => options.onChange({ ...servers })).catch(() => undefined);
  };
  const deadline = Date.now() + options.readyTimeoutMs;
  const started = Date.now();
  const results = await Promise.allSettled(
    toStart.map(async (name): Promise<UpOutcome> => {
      const previous = servers[name];
      const kept = previous !== undefined && (await allFree(previous.ports)) ? previous.ports : undefined;
      const note =
        previous !== undefined && kept === undefined
          ? `port(s) ${previous.ports.join(', ')} taken by another process: on new ports`
          : undefined;
      const server = await startOne(name, {
        env,
        ports: kept,
        classpath: classpaths[name] ?? [],
        deadline,
        onSpawn: (partial) => record(name, partial),
      });
      record(name, server);
      return { name, outcome: 'started', server, seconds: secondsSince(started), ...(note ? { note } : {}) };
    }),
  );
  await written;
  results.forEach((result, index) => {
    const name = toStart[index] as ServerName;
    outcomes.push(
      result.status === 'fulfilled'
        ? result.value
        : {
            name,
            outcome: 'failed',
            reason: result.reason instanceof Error ? result.reason.message : String(result.reason),
          },
    );
  });
  return { servers, outcomes };
}

/** Stops every recorded server that is still ours; keeps the record (ports, folders) with no pid. */
export async function stopKeptServers(servers: KeptServers, env: NodeJS.ProcessEnv): Promise<KeptServers> {
  const stopped: KeptServers = {};
  await Promise.all(
    Object.entries(servers).map(async ([name, server]) => {
      if (isOurs(server.pid, env)) await stopProcessGroup(server.pid, STOP_GRACE_MS);
      stopped[name as ServerName] = { ...server, pid: null };
    }),
  );
  return stopped;
}

/** Deletes every server's folder: data, configuration and logs. The servers must be stopped. */
export async function wipeKeptServers(env: NodeJS.ProcessEnv): Promise<string> {
  const dir = stackServersDir(env);
  await rm(dir, { recursive: true, force: true });
  return dir;
}

async function answersWithin(name: ServerName, endpoint: string, graceMs: number): Promise<boolean> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    if ((await probeServer(name, endpoint)).ok) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function allFree(ports: readonly number[]): Promise<boolean> {
  for (const port of ports) if (!(await isPortFree(port))) return false;
  return ports.length > 0;
}

function resolve(name: ServerName): Promise<string[]> {
  switch (name) {
    case 'kafka':
      return resolveKafkaClasspath();
    case 'mongodb':
      return resolveMongoClasspath();
    default: {
      const never: never = name;
      return never;
    }
  }
}

type StartOne = {
  env: NodeJS.ProcessEnv;
  ports: number[] | undefined;
  classpath: readonly string[];
  deadline: number;
  onSpawn: (server: RecordedServer) => void;
};

async function startOne(name: ServerName, options: StartOne): Promise<RecordedServer> {
  const dir = join(stackServersDir(options.env), name);
  const common = {
    dir,
    marker: keptMarker(options.env),
    keepData: true,
    classpath: options.classpath,
    outliveParent: true,
    deadline: options.deadline,
  };
  const logFile = join(dir, 'server.log');
  const dataDir = join(dir, 'data');
  switch (name) {
    case 'kafka': {
      let ports = toPair(options.ports);
      const kafka = await retryIfPortTaken('Kafka', () => {
        const attempt = startEmbeddedKafka({
          ...common,
          ports,
          onSpawn: (pid) => options.onSpawn({ pid, ports: ports ?? [], endpoint: '', dir, dataDir, logFile }),
        });
        ports = undefined; // a second attempt takes new ones
        return attempt;
      });
      return {
        pid: kafka.java.pid,
        ports: kafka.ports,
        endpoint: kafka.brokers[0] ?? '',
        dir,
        dataDir,
        logFile,
      };
    }
    case 'mongodb': {
      let ports: [number] | undefined = options.ports?.[0] === undefined ? undefined : [options.ports[0]];
      const mongo = await retryIfPortTaken('MongoDB', () => {
        const attempt = startEmbeddedMongo({
          ...common,
          ports,
          onSpawn: (pid) => options.onSpawn({ pid, ports: ports ?? [], endpoint: '', dir, dataDir, logFile }),
        });
        ports = undefined;
        return attempt;
      });
      return { pid: mongo.java.pid, ports: mongo.ports, endpoint: mongo.uri, dir, dataDir, logFile };
    }
    default: {
      const never: never = name;
      return never;
    }
  }
}

function toPair(ports: number[] | undefined): [number, number] | undefined {
  const [first, second] = ports ?? [];
  return first === undefined || second === undefined ? undefined : [first, second];
}
