import { Kafka, logLevel } from 'kafkajs';
import { kafkaConfig } from '../config/kafka-client.ts';
import type { KafkaSecurity } from '../config/kafka-security.ts';

/** Total records on a topic (sum of high watermarks), through the Kafka admin API; 0 when it is missing. */
export async function topicEndOffset(brokers: string[], topic: string, security?: KafkaSecurity): Promise<number> {
  const admin = new Kafka(kafkaConfig({ brokers, security }, { clientId: 'stack-status', logLevel: logLevel.NOTHING })).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((n, o) => n + Number(o.high), 0);
  } catch {
    return 0;
  } finally {
    await admin.disconnect();
  }
}

/**
 * True when ksqlDB's persistent queries have read `topics` to their current ends: for each topic,
 * one of ksqlDB's consumer groups (`_confluent-ksql-<service id>query_…`: one per query on real
 * ksqlDB, one for every query in the embedded one) has committed the end offset of every partition
 * that holds records. ksqlDB commits an offset once the outputs of what it read are written, so a
 * table read by a join is then in the join's state.
 */
export async function ksqlConsumedToEnd(brokers: string[], topics: string[], security?: KafkaSecurity): Promise<boolean> {
  const admin = new Kafka(kafkaConfig({ brokers, security }, { clientId: 'stack-status', logLevel: logLevel.NOTHING })).admin();
  try {
    await admin.connect();
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => /^_confluent-ksql-.*query_/.test(id));
    for (const topic of topics) {
      const ends = (await admin.fetchTopicOffsets(topic)).filter((o) => Number(o.high) > Number(o.low));
      if (ends.length === 0) continue;
      let read = false;
      for (const groupId of groups) {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
        if (ends.every((o) => (at.get(o.partition) ?? -1) >= Number(o.high))) {
          read = true;
          break;
        }
      }
      if (!read) return false;
    }
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect();
  }
}
