import { KAFKA_VERSION } from './embedded/versions.ts';
import { progress, secondsSince } from './progress.ts';
import { probeKafka, waitUntilReady, warmUpGroupCoordinator } from './readiness.ts';

/** The same Kafka as the embedded path, from the Apache project's own image. */
const KAFKA_IMAGE = `apache/kafka:${KAFKA_VERSION}`;
const MONGODB_IMAGE = 'mongo:7';

export type ContainerStack = {
  kafkaBrokers?: string[];
  mongodbUri?: string;
  containerIds: string[];
  stop(): Promise<void>;
};

/**
 * Starts what is asked for in containers. With `outliveParent` (for `pnpm stack up`) testcontainers'
 * reaper is turned off, so the containers stay when this process ends and `pnpm stack down` removes
 * them by id; otherwise the reaper removes them even if this process dies.
 */
export async function startContainers(options: {
  kafka: boolean;
  mongodb: boolean;
  outliveParent: boolean;
  deadline: number;
}): Promise<ContainerStack> {
  if (options.outliveParent) process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  const started = Date.now();
  progress(
    `starting containers: ${[options.kafka && KAFKA_IMAGE, options.mongodb && MONGODB_IMAGE].filter(Boolean).join(', ')}`,
  );
  const [kafka, mongo] = await Promise.allSettled([
    options.kafka ? startKafkaContainer(options.deadline) : undefined,
    options.mongodb ? startMongoContainer() : undefined,
  ]);
  const stops: Array<() => Promise<void>> = [];
  const containerIds: string[] = [];
  for (const result of [kafka, mongo]) {
    if (result.status === 'fulfilled' && result.value !== undefined) {
      stops.push(result.value.stop);
      containerIds.push(result.value.id);
    }
  }
  const stop = async () => {
    await Promise.all(stops.map((stopOne) => stopOne()));
  };
  const failures = [kafka, mongo].flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
  if (failures.length > 0) {
    await stop();
    const reasons = failures.map((reason) => (reason instanceof Error ? reason.message : String(reason)));
    throw new Error(`Containers did not start:\n${reasons.join('\n\n')}`);
  }
  const kafkaBrokers = kafka.status === 'fulfilled' ? kafka.value?.brokers : undefined;
  const mongodbUri = mongo.status === 'fulfilled' ? mongo.value?.uri : undefined;
  progress(`containers ready in ${secondsSince(started)} s`);
  return { kafkaBrokers, mongodbUri, containerIds, stop };
}

type StartedOne<T> = T & { id: string; stop(): Promise<void> };

const KAFKA_PORT = 9092;
const STARTER_SCRIPT = '/tmp/devstack-start.sh';
const STARTER_READY = '/tmp/devstack-start.ready';
const WAITING_MESSAGE = 'devstack: waiting for the start script';

/**
 * @testcontainers/kafka's KafkaContainer drives Confluent images (it runs /etc/confluent/docker/run),
 * so the apache/kafka image is started as a generic container instead. The broker must advertise
 * the host port Docker maps, which is only known once the container runs: the container waits for
 * a start script, which is copied in once the port is known (as testcontainers-java does). The
 * script is followed by a separate marker file so that the shell never executes a half-written file.
 */
async function startKafkaContainer(deadline: number): Promise<StartedOne<{ brokers: string[] }>> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(KAFKA_IMAGE)
    .withExposedPorts(KAFKA_PORT)
    .withEnvironment({
      CLUSTER_ID: '4L6g3nShT-eMCtK--X86sw',
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${KAFKA_PORT},BROKER://0.0.0.0:9093,CONTROLLER://0.0.0.0:9094`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'BROKER',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9094',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'true',
      KAFKA_NUM_PARTITIONS: '3',
    })
    .withCommand([
      'sh',
      '-c',
      `echo '${WAITING_MESSAGE}'; while [ ! -f ${STARTER_READY} ]; do sleep 0.1; done; exec ${STARTER_SCRIPT}`,
    ])
    .withWaitStrategy(Wait.forLogMessage(WAITING_MESSAGE))
    .withStartupTimeout(Math.max(deadline - Date.now(), 10_000))
    .start();
  const stop = async () => {
    await container.stop();
  };
  try {
    const bootstrap = `${container.getHost()}:${container.getMappedPort(KAFKA_PORT)}`;
    const script =
      '#!/bin/bash\n' +
      `export KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://${bootstrap},BROKER://${container.getHostname()}:9093\n` +
      'exec /etc/kafka/docker/run\n';
    await container.copyContentToContainer([{ content: script, target: STARTER_SCRIPT, mode: 0o755 }]);
    await container.copyContentToContainer([{ content: '', target: STARTER_READY }]);
    const brokers = [bootstrap];
    await waitUntilReady(() => probeKafka(brokers), { what: `Kafka in ${KAFKA_IMAGE}`, deadline });
    await warmUpGroupCoordinator(brokers);
    return { brokers, id: container.getId(), stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/** `mongo:7` as a single-node replica set, so that transactions and change streams work. */
async function startMongoContainer(): Promise<StartedOne<{ uri: string }>> {
  const { MongoDBContainer } = await import('@testcontainers/mongodb');
  const container = await new MongoDBContainer(MONGODB_IMAGE).start();
  // The member is known by its container hostname, which the host cannot resolve: talk to it directly.
  const uri = `${container.getConnectionString()}/?directConnection=true`;
  return {
    uri,
    id: container.getId(),
    stop: async () => {
      await container.stop();
    },
  };
}

/** Stops and removes containers left running by `pnpm stack up`, by id. */
export async function removeContainers(ids: readonly string[]): Promise<void> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  const client = await getContainerRuntimeClient();
  await Promise.all(
    ids.map(async (id) => {
      const container = client.container.getById(id);
      await client.container.stop(container, { timeout: 10 }).catch(() => undefined);
      await client.container.remove(container, { removeVolumes: true }).catch(() => undefined);
    }),
  );
}
