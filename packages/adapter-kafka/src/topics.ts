/** Creates the topics the service needs, leaving the ones that exist alone. */
import type { Kafka } from 'kafkajs';

export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions: number;
  /** Default: the broker's `default.replication.factor`. */
  readonly replicationFactor?: number | undefined;
  /** Topic configs such as `retention.ms`, applied only when the topic is created. */
  readonly config?: Readonly<Record<string, string>> | undefined;
}

export interface EnsuredTopics {
  readonly created: readonly string[];
  /** Topics that were there already, with their partition count (which may differ from the spec). */
  readonly existing: readonly { readonly topic: string; readonly numPartitions: number }[];
}

/** Idempotent: run it on every start; concurrent runs from several instances are fine. */
export const ensureTopics = async (
  kafka: Kafka,
  specs: readonly TopicSpec[],
  options: { readonly timeoutMs?: number } = {},
): Promise<EnsuredTopics> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const present = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !present.has(spec.topic));
    if (missing.length > 0) {
      // `false` (rather than an error) when another instance created them in the meantime.
      await admin.createTopics({
        waitForLeaders: true,
        timeout: options.timeoutMs ?? 30_000,
        topics: missing.map((spec) => ({
          topic: spec.topic,
          numPartitions: spec.numPartitions,
          ...(spec.replicationFactor === undefined ? {} : { replicationFactor: spec.replicationFactor }),
          configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    const existingNames = specs.filter((spec) => present.has(spec.topic)).map((spec) => spec.topic);
    const metadata =
      existingNames.length === 0 ? { topics: [] } : await admin.fetchTopicMetadata({ topics: existingNames });
    return {
      created: missing.map((spec) => spec.topic),
      existing: metadata.topics.map((topic) => ({
        topic: topic.name,
        numPartitions: topic.partitions.length,
      })),
    };
  } finally {
    await admin.disconnect();
  }
};
