import { probeDocker } from './docker-probe.ts';
import { type EmbeddedServer, startEmbedded } from './embedded/embedded-stack.ts';
import { readEnvironmentEndpoints } from './environment-endpoints.ts';
import { progress } from './progress.ts';
import { startContainers } from './testcontainers-stack.ts';

export type StackSource = 'environment' | 'testcontainers' | 'embedded';

export type Endpoints = { kafkaBrokers: string[]; mongodbUri: string };

export type Stack = Endpoints & {
  /**
   * Where the endpoints come from. When only one of KAFKA_BROKERS and MONGODB_URI is set, this names
   * the way the other server was started; `sources` tells each apart.
   */
  source: StackSource;
  sources: { kafka: StackSource; mongodb: StackSource };
  /** What this start left running, for `pnpm stack` to record and stop later. */
  started: { pids: number[]; containerIds: string[]; runDir?: string; servers: EmbeddedServer[] };
  /** Stops whatever this start started (nothing for endpoints from the environment). Idempotent. */
  stop(): Promise<void>;
};

export type StartStackOptions = {
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Take KAFKA_BROKERS / MONGODB_URI from `env` when set. Default true. */
  useEnvironment?: boolean;
  /**
   * Force one way of starting servers instead of "Docker if it answers, else embedded". Defaults to
   * DEVSTACK_SOURCE from `env` (`testcontainers`, `embedded` or `auto`).
   */
  source?: 'auto' | 'testcontainers' | 'embedded';
  /** Leave the servers running when this process ends (`pnpm stack up`). Default false. */
  outliveParent?: boolean;
  /** Stop the servers on SIGINT/SIGTERM/SIGHUP before the signal takes effect. Default true. */
  handleSignals?: boolean;
  /** How long servers may take to answer once started, downloads not counted. Default 120 s. */
  readyTimeoutMs?: number;
};

/**
 * Finds or starts a Kafka broker and a MongoDB-protocol server, in this order:
 * 1. KAFKA_BROKERS and MONGODB_URI from the environment, used as they are;
 * 2. containers through testcontainers, if a Docker engine answers;
 * 3. embedded: Apache Kafka and mongo-java-server run with the local `java`, resolved from Maven
 *    Central on first use.
 * Only what the environment does not provide is started.
 */
export async function startStack(options: StartStackOptions = {}): Promise<Stack> {
  const env = options.env ?? process.env;
  const fromEnvironment =
    options.useEnvironment === false ? { ok: true as const, endpoints: {} } : readEnvironmentEndpoints(env);
  if (!fromEnvironment.ok) throw new Error(fromEnvironment.error);
  const { kafkaBrokers: givenBrokers, mongodbUri: givenUri } = fromEnvironment.endpoints;

  if (givenBrokers !== undefined && givenUri !== undefined) {
    progress('using KAFKA_BROKERS and MONGODB_URI from the environment');
    return {
      kafkaBrokers: givenBrokers,
      mongodbUri: givenUri,
      source: 'environment',
      sources: { kafka: 'environment', mongodb: 'environment' },
      started: { pids: [], containerIds: [], servers: [] },
      stop: async () => undefined,
    };
  }
  const need = { kafka: givenBrokers === undefined, mongodb: givenUri === undefined };
  if (!need.kafka) progress('using KAFKA_BROKERS from the environment');
  if (!need.mongodb) progress('using MONGODB_URI from the environment');

  const source = await chooseSource(options.source ?? parseSource(env.DEVSTACK_SOURCE));
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  const outliveParent = options.outliveParent ?? false;
  const sources = {
    kafka: need.kafka ? source : 'environment',
    mongodb: need.mongodb ? source : 'environment',
  } as const;

  switch (source) {
    case 'testcontainers': {
      const containers = await startContainers({
        ...need,
        outliveParent,
        // Image pulls count against this deadline, hence the extra time.
        deadline: Date.now() + readyTimeoutMs + 180_000,
      });
      return {
        kafkaBrokers: givenBrokers ?? required(containers.kafkaBrokers, 'Kafka'),
        mongodbUri: givenUri ?? required(containers.mongodbUri, 'MongoDB'),
        source,
        sources,
        started: { pids: [], containerIds: containers.containerIds, servers: [] },
        stop: containers.stop,
      };
    }
    case 'embedded': {
      const embedded = await startEmbedded({
        ...need,
        outliveParent,
        handleSignals: options.handleSignals ?? true,
        readyTimeoutMs,
      });
      return {
        kafkaBrokers: givenBrokers ?? required(embedded.kafkaBrokers, 'Kafka'),
        mongodbUri: givenUri ?? required(embedded.mongodbUri, 'MongoDB'),
        source,
        sources,
        started: {
          pids: embedded.servers.map((server) => server.pid),
          containerIds: [],
          runDir: embedded.runDir,
          servers: embedded.servers,
        },
        stop: embedded.stop,
      };
    }
    default:
      return assertNever(source);
  }
}

export type StartedSource = 'testcontainers' | 'embedded';

/** How servers get started when they must be: DEVSTACK_SOURCE, else Docker when it answers. */
export function chooseStartedSource(env: NodeJS.ProcessEnv = process.env): Promise<StartedSource> {
  return chooseSource(parseSource(env.DEVSTACK_SOURCE));
}

async function chooseSource(wanted: 'auto' | StartedSource): Promise<StartedSource> {
  switch (wanted) {
    case 'embedded':
      progress('DEVSTACK_SOURCE=embedded: not looking for Docker');
      return 'embedded';
    case 'testcontainers': {
      const docker = await probeDocker();
      if (!docker.available)
        throw new Error(`DEVSTACK_SOURCE=testcontainers, but no Docker engine answers: ${docker.reason}`);
      return 'testcontainers';
    }
    case 'auto': {
      const docker = await probeDocker();
      if (docker.available) {
        progress('a Docker engine answers: starting containers with testcontainers');
        return 'testcontainers';
      }
      progress(`no Docker engine (${docker.reason}): starting embedded servers with java`);
      return 'embedded';
    }
    default:
      return assertNever(wanted);
  }
}

function parseSource(value: string | undefined): 'auto' | StartedSource {
  switch (value) {
    case undefined:
    case '':
    case 'auto':
      return 'auto';
    case 'testcontainers':
    case 'embedded':
      return value;
    default:
      throw new Error(`DEVSTACK_SOURCE must be "auto", "testcontainers" or "embedded"; got "${value}"`);
  }
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`internal error: ${what} was started but gave no endpoint`);
  return value;
}

function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}
