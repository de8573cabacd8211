import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { freePortPair } from '../free-port.ts';
import { logTail } from '../log-tail.ts';
import { probeKafka, waitUntilReady, warmUpGroupCoordinator } from '../readiness.ts';
import { describeExit, quickStartJvmFlags, type RunningJava, runJava, spawnJava } from './java.ts';
import { logShowsPortTaken, PortTakenError } from './port-taken.ts';
import { KAFKA_VERSION } from './versions.ts';

export type EmbeddedKafka = {
  java: RunningJava;
  brokers: string[];
  ports: [number, number];
  dataDir: string;
};

export type EmbeddedServerOptions<Ports> = {
  /** The server's own folder: configuration, data and log. */
  dir: string;
  /**
   * Marks the JVM's command line (`-Ddevstack.run=<marker>`), so that a recorded pid is only ever
   * stopped while it is still our server.
   */
  marker: string;
  /** Keep what `dir` holds from an earlier start (`pnpm stack`); otherwise start from nothing. */
  keepData: boolean;
  /** Ports to listen on; free ones when absent. */
  ports?: Ports | undefined;
  classpath: readonly string[];
  outliveParent: boolean;
  deadline: number;
  onSpawn: (pid: number) => void;
};

/**
 * One Kafka node that is both broker and KRaft controller, listening on 127.0.0.1 only, with the
 * replication settings a single node needs. Resolves once kafkajs gets metadata from it. Storage
 * formatted by an earlier start (with `keepData`) is reused, with its topics and committed offsets.
 */
export async function startEmbeddedKafka(
  options: EmbeddedServerOptions<[number, number]>,
): Promise<EmbeddedKafka> {
  const { dir } = options;
  if (!options.keepData) await rm(dir, { recursive: true, force: true }); // left by an attempt that lost its port
  const dataDir = join(dir, 'data');
  await mkdir(dataDir, { recursive: true });
  const [brokerPort, controllerPort] = options.ports ?? (await freePortPair());
  const properties = join(dir, 'server.properties');
  await writeFile(properties, serverProperties(dataDir, brokerPort, controllerPort));
  const log4j = join(dir, 'log4j2.properties');
  await writeFile(log4j, LOG4J2_PROPERTIES);

  const common = [
    ...quickStartJvmFlags,
    `-Dlog4j2.configurationFile=${log4j}`,
    // Marks the process as ours for the clean-up of runs that ended without stopping it.
    `-Ddevstack.run=${options.marker}`,
    '-cp',
    options.classpath.join(delimiter),
  ];

  // KRaft storage must be formatted before the first start, and only then.
  const formattedBefore = await readClusterId(dataDir);
  const clusterId = formattedBefore ?? randomClusterId();
  const formatLog = join(dir, 'format.log');
  const formatted =
    formattedBefore !== undefined
      ? 0
      : await runJava(
          [
            ...common,
            '-Xmx256m',
            'kafka.tools.StorageTool',
            'format',
            '-t',
            clusterId,
            '-c',
            properties,
            '--standalone',
          ],
          { cwd: dir, logFile: formatLog, timeoutMs: 120_000 },
        );
  if (formatted !== 0) {
    throw new Error(
      `Kafka's storage tool failed (exit code ${formatted}) formatting ${join(dir, 'data')}.\n` +
        `End of ${formatLog}:\n${await logTail(formatLog)}`,
    );
  }

  const logFile = join(dir, 'server.log');
  const java = await spawnJava([...common, '-Xms128m', '-Xmx512m', 'kafka.Kafka', properties], {
    cwd: dir,
    logFile,
    outliveParent: options.outliveParent,
  });
  options.onSpawn(java.pid);
  const brokers = [`127.0.0.1:${brokerPort}`];
  try {
    await waitUntilReady(() => probeKafka(brokers, { expectedClusterId: clusterId }), {
      what: `Kafka ${KAFKA_VERSION} (pid ${java.pid})`,
      deadline: options.deadline,
      gaveUp: () => {
        const exit = java.exit();
        return exit === undefined ? undefined : describeExit(exit);
      },
    });
    await warmUpGroupCoordinator(brokers);
  } catch (error) {
    await java.stop(5_000);
    const reason = error instanceof Error ? error.message : String(error);
    const message = `${reason}\nEnd of ${logFile}:\n${await logTail(logFile)}`;
    throw (await logShowsPortTaken(logFile)) ? new PortTakenError(message) : new Error(message);
  }
  return { java, brokers, ports: [brokerPort, controllerPort], dataDir };
}

/** The cluster id that `kafka-storage format` wrote into `meta.properties`, if it ran there. */
async function readClusterId(dataDir: string): Promise<string | undefined> {
  try {
    const text = await readFile(join(dataDir, 'meta.properties'), 'utf8');
    return /^cluster\.id=(.+)$/m.exec(text)?.[1]?.trim();
  } catch {
    return undefined;
  }
}

/**
 * 16 random bytes in URL-safe base64, as `kafka-storage random-uuid` makes them (minus one JVM
 * start). Like Kafka's own Uuid.randomUuid(), never one starting with '-', which the storage tool's
 * argument parser would take for an option (1 start in 64 would fail).
 */
export function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(dataDir: string, brokerPort: number, controllerPort: number): string {
  return `# Written by packages/devstack at each start: a single-node Kafka for tests and development.
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${brokerPort}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}
log.dirs=${dataDir}

# One node: every internal topic has one replica.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# Tests create topics by producing to them and expect a group to form at once.
auto.create.topics.enable=true
num.partitions=3
group.initial.rebalance.delay.ms=0

# Restarted after a kill, the node waits for its own previous incarnation's session to expire
# before it unfences itself: 9 s by default, 3 s here (one node on 127.0.0.1 needs no slack).
broker.session.timeout.ms=3000
broker.heartbeat.interval.ms=1000

# A 2-core machine: fewer threads than the defaults made for big brokers.
num.network.threads=2
num.io.threads=2
background.threads=2
num.recovery.threads.per.data.dir=1
`;
}

const LOG4J2_PROPERTIES = `status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = out
logger.request.name = kafka.request.logger
logger.request.level = warn
`;
