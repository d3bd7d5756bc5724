/**
 * The three compacted topics a distributed Connect worker keeps its state in, with the record formats of
 * Apache Kafka Connect (KafkaConfigBackingStore, KafkaOffsetBackingStore, KafkaStatusBackingStore):
 *
 *   connect-configs  connector-<name> {"properties":{…}} | target-state-<name> {"state":"STARTED|PAUSED"}
 *                    task-<name>-<n> {"properties":{…}} | commit-<name> {"tasks":N}; null value = deleted
 *                    session-key {"key","algorithm","creation-timestamp"} (KIP-507: written by the leader, ours at start
 *                    and every hour; ours signs no inter-worker requests with it, having no other workers)
 *                    restart-connector-<name> {"include-tasks","only-failed"} (KIP-745: a restart with those options)
 *   connect-offsets  ["<name>",{<source partition>}] -> {<source offset>}
 *   connect-status   status-connector-<name> | status-task-<name>-<n> -> {"state","trace","worker_id","generation"}
 *                    status-topic-<topic>:connector-<name> -> {"topic":{"name","connector","task","discoverTimestamp"}}
 *                    (KIP-558: the topics a connector has written to; GET /connectors/{name}/topics)
 */
import { randomBytes } from 'node:crypto';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { createTopicsAndWait } from '../../common/kafka-retry.ts';
import { readRanges, topicRanges, type Range, type TopicMessage } from '../../common/topic-reader.ts';
import type { SourceOffset, SourcePartition } from '../runtime/source-task.ts';

export interface InternalTopicNames {
  configs: string;
  offsets: string;
  status: string;
}

export const DEFAULT_TOPICS: InternalTopicNames = { configs: 'connect-configs', offsets: 'connect-offsets', status: 'connect-status' };

/** Creates missing internal topics (compacted; broker-default replication). */
export async function ensureInternalTopics(admin: Admin, names: InternalTopicNames, partitions = { configs: 1, offsets: 25, status: 5 }): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const wanted = [
    { topic: names.configs, numPartitions: partitions.configs },
    { topic: names.offsets, numPartitions: partitions.offsets },
    { topic: names.status, numPartitions: partitions.status },
  ].filter((t) => !existing.has(t.topic));
  if (wanted.length === 0) return;
  // Another worker may create them meanwhile: "already exists" is fine.
  await createTopicsAndWait(admin, {
    topics: wanted.map((t) => ({ ...t, replicationFactor: -1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] })),
  });
}

export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED';

export interface StoredConnector {
  config: Record<string, string>;
  targetState: TargetState;
  tasks: Record<string, string>[];
}

function json(buffer: Buffer | null): unknown {
  if (buffer === null) return null;
  try {
    return JSON.parse(buffer.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Replays the config topic into the connectors it describes. */
export function replayConfigs(messages: TopicMessage[]): Map<string, StoredConnector> {
  const connectors = new Map<string, StoredConnector>();
  const pendingTasks = new Map<string, Map<number, Record<string, string>>>();
  for (const m of messages) {
    const key = m.key?.toString('utf8') ?? '';
    const value = json(m.value) as Record<string, unknown> | null | undefined;
    if (value === undefined) continue;
    if (key.startsWith('connector-')) {
      const name = key.slice('connector-'.length);
      if (value === null) {
        connectors.delete(name);
        continue;
      }
      const existing = connectors.get(name);
      connectors.set(name, {
        config: value.properties as Record<string, string>,
        targetState: existing?.targetState ?? 'STARTED',
        tasks: existing?.tasks ?? [],
      });
    } else if (key.startsWith('target-state-')) {
      const c = connectors.get(key.slice('target-state-'.length));
      if (c && value !== null) c.targetState = (value.state as TargetState) ?? 'STARTED';
    } else if (key.startsWith('task-')) {
      const rest = key.slice('task-'.length);
      const dash = rest.lastIndexOf('-');
      const name = rest.slice(0, dash);
      const index = Number(rest.slice(dash + 1));
      if (!pendingTasks.has(name)) pendingTasks.set(name, new Map());
      if (value !== null) pendingTasks.get(name)!.set(index, value.properties as Record<string, string>);
    } else if (key.startsWith('commit-')) {
      const name = key.slice('commit-'.length);
      const c = connectors.get(name);
      const count = Number(value?.tasks ?? 0);
      const tasks = pendingTasks.get(name) ?? new Map();
      if (c) c.tasks = Array.from({ length: count }, (_, i) => tasks.get(i) ?? {});
      pendingTasks.delete(name);
    }
  }
  return connectors;
}

/** How long a session key lives before the leader writes a new one (inter.worker.key.ttl.ms, default 1 hour). */
export const SESSION_KEY_TTL_MS = 3_600_000;

const TOPIC_STATUS_PREFIX = 'status-topic-';
const TOPIC_STATUS_SEPARATOR = ':connector-';

export function offsetKey(connector: string, partition: SourcePartition): string {
  return JSON.stringify([connector, partition]);
}

/** The worker's view of the three topics: reads them to the end once, then writes through. */
export class InternalStores {
  readonly offsets = new Map<string, SourceOffset>();
  connectors = new Map<string, StoredConnector>();
  /** connector -> topic -> when a task of it first wrote there (the status topic's status-topic-* records). */
  readonly activeTopics = new Map<string, Map<string, number>>();
  private sessionKeyCreated: number | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly producer: Producer,
    readonly names: InternalTopicNames,
  ) {}

  async load(admin: Admin): Promise<void> {
    const ranges = new Map<string, Map<number, Range>>([
      [this.names.configs, await topicRanges(admin, this.names.configs)],
      [this.names.offsets, await topicRanges(admin, this.names.offsets)],
      [this.names.status, await topicRanges(admin, this.names.status)],
    ]);
    const messages = await readRanges(this.kafka, ranges, 30_000, 'connect');
    const configs = messages.filter((m) => m.topic === this.names.configs);
    this.connectors = replayConfigs(configs);
    for (const m of configs) {
      if (m.key?.toString('utf8') !== 'session-key') continue;
      const created = (json(m.value) as Record<string, unknown> | null | undefined)?.['creation-timestamp'];
      this.sessionKeyCreated = typeof created === 'number' ? created : undefined;
    }
    for (const m of messages) {
      const key = m.key?.toString('utf8') ?? '';
      if (m.topic !== this.names.status || !key.startsWith(TOPIC_STATUS_PREFIX)) continue;
      const at = key.lastIndexOf(TOPIC_STATUS_SEPARATOR);
      if (at < 0) continue;
      const topic = key.slice(TOPIC_STATUS_PREFIX.length, at);
      const connector = key.slice(at + TOPIC_STATUS_SEPARATOR.length);
      const value = json(m.value) as { topic?: { discoverTimestamp?: number } } | null | undefined;
      if (value === null) this.activeTopics.get(connector)?.delete(topic);
      else if (value?.topic !== undefined) {
        if (!this.activeTopics.has(connector)) this.activeTopics.set(connector, new Map());
        this.activeTopics.get(connector)!.set(topic, Number(value.topic.discoverTimestamp ?? 0));
      }
    }
    for (const m of messages) {
      if (m.topic !== this.names.offsets || m.key === null) continue;
      const key = json(m.key);
      if (!Array.isArray(key) || key.length !== 2) continue;
      const canonical = JSON.stringify(key);
      const value = json(m.value);
      if (value === null) this.offsets.delete(canonical);
      else if (value !== undefined) this.offsets.set(canonical, value as SourceOffset);
    }
  }

  private async write(topic: string, records: { key: string; value: unknown }[]): Promise<void> {
    await this.producer.send({
      topic,
      acks: -1,
      messages: records.map((r) => ({ key: r.key, value: r.value === null ? null : JSON.stringify(r.value) })),
    });
  }

  /**
   * The connector's config and task configs. No target-state record, as Connect writes none when a connector is
   * created or its config changes: STARTED when there is none, else the last one putTargetState wrote.
   */
  async putConnector(name: string, config: Record<string, string>, tasks: Record<string, string>[], targetState: TargetState): Promise<void> {
    await this.write(this.names.configs, [
      { key: `connector-${name}`, value: { properties: config } },
      ...tasks.map((t, i) => ({ key: `task-${name}-${i}`, value: { properties: t } })),
      { key: `commit-${name}`, value: { tasks: tasks.length } },
    ]);
    this.connectors.set(name, { config, tasks, targetState });
  }

  async putTargetState(name: string, state: TargetState): Promise<void> {
    await this.write(this.names.configs, [{ key: `target-state-${name}`, value: { state } }]);
    const c = this.connectors.get(name);
    if (c) c.targetState = state;
  }

  async removeConnector(name: string): Promise<void> {
    await this.write(this.names.configs, [
      { key: `connector-${name}`, value: null },
      { key: `target-state-${name}`, value: null },
    ]);
    this.connectors.delete(name);
  }

  /** Writes a new session key when there is none or it is older than SESSION_KEY_TTL_MS (as the leader does). */
  async ensureSessionKey(now = Date.now()): Promise<void> {
    if (this.sessionKeyCreated !== undefined && now - this.sessionKeyCreated < SESSION_KEY_TTL_MS) return;
    await this.write(this.names.configs, [
      {
        key: 'session-key',
        value: { key: randomBytes(32).toString('base64'), algorithm: 'HmacSHA256', 'creation-timestamp': now },
      },
    ]);
    this.sessionKeyCreated = now;
  }

  /** Records a restart request with options, as the REST resource does before the leader acts on it. */
  async putRestartRequest(name: string, includeTasks: boolean, onlyFailed: boolean): Promise<void> {
    await this.write(this.names.configs, [{ key: `restart-connector-${name}`, value: { 'include-tasks': includeTasks, 'only-failed': onlyFailed } }]);
  }

  /** Records that `connector`'s task first wrote to `topic` (once per connector and topic, until reset). */
  async putActiveTopic(connector: string, topic: string, task: number, now = Date.now()): Promise<void> {
    if (this.activeTopics.get(connector)?.has(topic)) return;
    if (!this.activeTopics.has(connector)) this.activeTopics.set(connector, new Map());
    this.activeTopics.get(connector)!.set(topic, now);
    await this.write(this.names.status, [
      {
        key: `${TOPIC_STATUS_PREFIX}${topic}${TOPIC_STATUS_SEPARATOR}${connector}`,
        value: { topic: { name: topic, connector, task, discoverTimestamp: now } },
      },
    ]);
  }

  /** Forgets a connector's active topics (tombstones): on delete and PUT /connectors/{name}/topics/reset. */
  async resetActiveTopics(connector: string): Promise<void> {
    const topics = [...(this.activeTopics.get(connector)?.keys() ?? [])];
    this.activeTopics.delete(connector);
    if (topics.length === 0) return;
    await this.write(
      this.names.status,
      topics.map((topic) => ({ key: `${TOPIC_STATUS_PREFIX}${topic}${TOPIC_STATUS_SEPARATOR}${connector}`, value: null })),
    );
  }

  offset(connector: string, partition: SourcePartition): SourceOffset | undefined {
    return this.offsets.get(offsetKey(connector, partition));
  }

  /** Writes each partition's offset; a null offset is a tombstone (Connect's OffsetStorageWriter writes null values so). */
  async commitOffsets(connector: string, entries: { partition: SourcePartition; offset: SourceOffset | null }[]): Promise<void> {
    if (entries.length === 0) return;
    await this.write(
      this.names.offsets,
      entries.map((e) => ({ key: offsetKey(connector, e.partition), value: e.offset })),
    );
    for (const e of entries) {
      if (e.offset === null) this.offsets.delete(offsetKey(connector, e.partition));
      else this.offsets.set(offsetKey(connector, e.partition), e.offset);
    }
  }

  async putStatus(key: string, status: { state: string; trace: string | null; worker_id: string; generation: number } | null): Promise<void> {
    await this.write(this.names.status, [{ key, value: status }]);
  }
}
