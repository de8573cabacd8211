import { relative } from 'node:path';
import { isOurs, probeServer } from './embedded/kept-stack.ts';
import { KAFKA_VERSION, MONGO_JAVA_SERVER_VERSION } from './embedded/versions.ts';
import { envFilePath, repoRoot, stackServersDir } from './paths.ts';
import { residentKiB } from './process-group.ts';
import { probeKafka, probeMongo } from './readiness.ts';
import { readStackState, SERVER_NAMES, type ServerName, type StackState } from './stack-state.ts';

/** `pnpm stack status`: each server with its pid, port, memory and data folder. */

const env = process.env;

type ServerStatus = {
  name: ServerName;
  pid: number | null;
  running: boolean;
  answers: boolean;
  reason?: string;
  port: number | null;
  ports: number[];
  endpoint: string;
  rssKiB: number | null;
  dataDir: string;
  logFile: string;
};

export async function status(json: boolean): Promise<number> {
  const recorded = await readStackState(env);
  if (recorded.found !== true) {
    if (json) process.stdout.write(`${JSON.stringify({ running: false, servers: [] })}\n`);
    else
      process.stdout.write(
        recorded.found === false
          ? 'The stack is not running. Start it with `pnpm stack up`.\n'
          : `The stack record is unreadable (${recorded.reason}).\n`,
      );
    return 3;
  }
  const { state } = recorded;
  if (state.source !== 'embedded' || state.legacy !== undefined) return containerStatus(state, json);

  const servers: ServerStatus[] = await Promise.all(
    SERVER_NAMES.flatMap((name) => {
      const server = state.servers[name];
      if (server === undefined) return [];
      return [
        (async (): Promise<ServerStatus> => {
          const running = isOurs(server.pid, env);
          const probe = running
            ? await probeServer(name, server.endpoint)
            : { ok: false as const, reason: 'not running' };
          return {
            name,
            pid: running ? server.pid : null,
            running,
            answers: probe.ok,
            ...(probe.ok ? {} : { reason: probe.reason }),
            port: server.ports[0] ?? null,
            ports: server.ports,
            endpoint: server.endpoint,
            rssKiB: running && server.pid !== null ? (residentKiB(server.pid) ?? null) : null,
            dataDir: server.dataDir,
            logFile: server.logFile,
          };
        })(),
      ];
    }),
  );
  const running = servers.some((server) => server.running);
  const code = !running ? 3 : servers.every((server) => server.answers) ? 0 : 1;
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ running, source: state.source, startedAt: state.startedAt, stackDir: stackServersDir(env), envFile: envFilePath(env), servers }, null, 2)}\n`,
    );
    return code;
  }
  const lines = [
    `Source:   ${describeSource(state)}${running ? '' : ' — not running'}`,
    ...servers.map((server) => {
      const ports = server.ports.length > 1 ? ` (controller ${server.ports.slice(1).join(', ')})` : '';
      const process_ = server.running
        ? `pid ${server.pid} running, port ${server.port}${ports}, RSS ${((server.rssKiB ?? 0) / 1024).toFixed(0)} MiB`
        : `stopped, port ${server.port}${ports} when it runs`;
      const answer = server.answers ? `answers at ${server.endpoint}` : `does not answer (${server.reason})`;
      return `${label(server.name).padEnd(9)} ${process_}, data ${server.dataDir}; ${answer}`;
    }),
    `Logs:     ${relative(repoRoot, stackServersDir(env)) || stackServersDir(env)}/<server>/server.log`,
    `Env file: ${running ? relative(repoRoot, envFilePath(env)) : '(none while stopped)'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return code;
}

async function containerStatus(state: StackState, json: boolean): Promise<number> {
  const [kafka, mongo] = await Promise.all([probeKafka(state.kafkaBrokers), probeMongo(state.mongodbUri)]);
  const code = kafka.ok && mongo.ok ? 0 : 1;
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ running: true, source: state.source, state, kafka, mongo }, null, 2)}\n`,
    );
    return code;
  }
  const lines = [
    `Source:   ${describeSource(state)}, started ${state.startedAt}`,
    `Kafka:    ${state.kafkaBrokers.join(',')}  ${kafka.ok ? 'answers' : `does not answer (${kafka.reason})`}`,
    `MongoDB:  ${state.mongodbUri}  ${mongo.ok ? 'answers' : `does not answer (${mongo.reason})`}`,
    ...state.containerIds.map((id) => `Container: ${id.slice(0, 12)}`),
    `Env file: ${relative(repoRoot, envFilePath(env))}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return code;
}

export function label(name: ServerName): string {
  switch (name) {
    case 'kafka':
      return 'Kafka';
    case 'mongodb':
      return 'MongoDB';
    default: {
      const never: never = name;
      return never;
    }
  }
}

export function describeSource(state: StackState): string {
  switch (state.source) {
    case 'embedded':
      return `embedded: Apache Kafka ${KAFKA_VERSION} and mongo-java-server ${MONGO_JAVA_SERVER_VERSION} (H2 files) on java`;
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
