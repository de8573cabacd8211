/**
 * How far a consumer group is behind on a topic, per partition: the partition's end offset minus the
 * group's committed offset (the whole partition when nothing is committed yet). Asked of the broker
 * with the admin client, so it is true whichever instance consumes the partition.
 */
import type { Admin } from 'kafkajs';

export interface PartitionLag {
  readonly partition: number;
  readonly lag: number;
}

export const consumerLag = async (admin: Admin, groupId: string, topic: string): Promise<PartitionLag[]> => {
  const [ends, [committed]] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const committedBy = new Map(
    committed?.partitions.map(({ partition, offset }) => [partition, Number(offset)]),
  );
  return ends.map(({ partition, high, low }) => {
    const at = committedBy.get(partition) ?? -1;
    const from = at < 0 ? Number(low) : at;
    return { partition, lag: Math.max(0, Number(high) - from) };
  });
};
