import type { MavenArtifact } from './maven-classpath.ts';

/**
 * Apache Kafka 4.4.0, the newest release when this was written.
 *
 * Why 4.x and not 3.9: Kafka 4.0 dropped the oldest request versions (KIP-896), so every client had
 * to be checked. kafkajs 2.2.4 negotiates request versions with ApiVersions and uses ones that 4.x
 * still serves: consumer-group join, produce, fetch, offset commit and fetch, and admin createTopics /
 * fetchTopicMetadata were verified against this broker (packages/devstack/test/kafka.test.ts does so
 * on every run). Running what production runs (4.x, KRaft only) beats running a line that is out of
 * support. The Docker path uses the apache/kafka image of the same version.
 */
export const KAFKA_VERSION = '4.4.0';

/**
 * Kafka 4.x logs through SLF4J 1.7 and ships Log4j 2 as its binding; the same binding is used here
 * so that Kafka's own logger names and levels behave as in the distribution.
 */
const LOG4J_VERSION = '2.26.1';

export const kafkaArtifacts: readonly MavenArtifact[] = [
  { groupId: 'org.apache.kafka', artifactId: 'kafka_2.13', version: KAFKA_VERSION },
  { groupId: 'org.apache.logging.log4j', artifactId: 'log4j-slf4j-impl', version: LOG4J_VERSION },
  { groupId: 'org.apache.logging.log4j', artifactId: 'log4j-core', version: LOG4J_VERSION },
];

/**
 * mongo-java-server with its H2 backend, which stores everything in one file and reopens databases,
 * collections and indexes after a restart (checked: documents, a unique index still refusing a
 * duplicate with code 11000, and `findOneAndUpdate` compare-and-set with one winner of 20, before and
 * after a restart). The in-memory backend comes with the aggregate artifact.
 */
export const MONGO_JAVA_SERVER_VERSION = '1.47.0';

export const mongoArtifacts: readonly MavenArtifact[] = [
  { groupId: 'de.bwaldvogel', artifactId: 'mongo-java-server', version: MONGO_JAVA_SERVER_VERSION },
  {
    groupId: 'de.bwaldvogel',
    artifactId: 'mongo-java-server-h2-backend',
    version: MONGO_JAVA_SERVER_VERSION,
  },
  // mongo-java-server logs through SLF4J 2; the simple binding writes to stderr, i.e. the log file.
  { groupId: 'org.slf4j', artifactId: 'slf4j-simple', version: '2.0.17' },
];
