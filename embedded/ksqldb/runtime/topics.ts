/**
 * Names of the server's internal topics and the small Kafka admin helpers the runtime needs:
 * create missing topics (replication capped at the broker count) and read a topic's end offsets.
 */
import type { Admin } from 'kafkajs';
import { createTopicsAndWait } from '../../common/kafka-retry.ts';

export interface InternalTopics {
  /** statements, in order (1 partition, never compacted) */
  commands: string;
  /** operator state changes + the input offsets they cover (1 partition, compacted) */
  changelog: string;
  /** KSQL_PROCESSING_LOG (JSON) */
  processingLog: string;
  /** consumer group of the persistent queries */
  group: string;
}

/** ksqlDB's names for a service id (default `default_`). */
export function internalTopics(serviceId: string): InternalTopics {
  return {
    commands: `_confluent-ksql-${serviceId}_command_topic`,
    changelog: `_confluent-ksql-${serviceId}query_state-changelog`,
    processingLog: `${serviceId}ksql_processing_log`,
    group: `_confluent-ksql-${serviceId}query_engine`,
  };
}

export interface TopicRequest {
  name: string;
  partitions: number;
  replicas: number;
  configs?: Record<string, string>;
}

/** Creates the topics that do not exist yet; returns the names it created. */
export async function ensureTopics(admin: Admin, brokers: number, wanted: TopicRequest[]): Promise<string[]> {
  if (wanted.length === 0) return [];
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((t) => !existing.has(t.name));
  if (missing.length === 0) return [];
  await createTopicsAndWait(admin, {
    topics: missing.map((t) => ({
      topic: t.name,
      numPartitions: Math.max(1, t.partitions || 1),
      replicationFactor: Math.max(1, Math.min(t.replicas || 1, brokers)),
      configEntries: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
    })),
  });
  return missing.map((t) => t.name);
}

/** High watermark of every partition. */
export async function endOffsets(admin: Admin, topic: string): Promise<Map<number, bigint>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
}
