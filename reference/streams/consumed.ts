/**
 * Watching a Kafka Streams application from outside, through its consumer group (the application.id):
 * it has consumed everything when, for every partition it reads (its source topics and its own
 * repartition topics), the offset it committed is the partition's end. With at-least-once processing a
 * commit first flushes what the application produced, so by then its outputs are in Kafka too.
 */
import type { Admin } from 'kafkajs';

/**
 * True when the application has committed the end offset of every non-empty partition of `sourceTopics`
 * and of its repartition topics (`<application.id>-…-repartition`).
 */
export async function streamsConsumedToEnd(admin: Admin, applicationId: string, sourceTopics: readonly string[]): Promise<boolean> {
  const repartition = (await admin.listTopics()).filter((t) => t.startsWith(`${applicationId}-`) && t.endsWith('-repartition'));
  const topics = [...sourceTopics, ...repartition];
  const committed = await admin.fetchOffsets({ groupId: applicationId, topics });
  const at = new Map(committed.flatMap((t) => t.partitions.map((p) => [`${t.topic}/${p.partition}`, BigInt(p.offset)] as const)));
  for (const topic of topics) {
    for (const o of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(o.high) > BigInt(o.low) && (at.get(`${topic}/${o.partition}`) ?? -1n) < BigInt(o.high)) return false;
    }
  }
  return true;
}
