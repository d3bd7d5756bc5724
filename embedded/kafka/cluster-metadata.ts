/**
 * The controller's view of the cluster: topics, their partitions' replica lists, leaders and ISRs,
 * and topic configs. Persisted as one JSON file (written atomically) so a restarted cluster keeps
 * its topics and leadership.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface PartitionState {
  partition: number;
  replicas: number[];
  leader: number; // -1 when no in-sync replica is online
  isr: number[];
  leaderEpoch: number;
  /** The ISR just before it last became empty: only these may lead again without losing data. */
  lastInSync?: number[];
}

export interface TopicState {
  name: string;
  topicId: string;
  internal: boolean;
  partitions: PartitionState[];
  configs: Record<string, string>;
}

interface MetadataFile {
  clusterId: string;
  topics: TopicState[];
}

export class ClusterMetadata {
  readonly topics = new Map<string, TopicState>();
  readonly clusterId: string;

  private constructor(
    private readonly file: string | null,
    saved: MetadataFile | null,
  ) {
    this.clusterId = saved?.clusterId ?? randomUUID().replace(/-/g, '').slice(0, 22);
    for (const topic of saved?.topics ?? []) this.topics.set(topic.name, topic);
  }

  static open(dataDir: string | null): ClusterMetadata {
    if (!dataDir) return new ClusterMetadata(null, null);
    const file = path.join(dataDir, 'cluster-metadata.json');
    const saved = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as MetadataFile) : null;
    return new ClusterMetadata(file, saved);
  }

  save(): void {
    if (!this.file) return;
    const body: MetadataFile = { clusterId: this.clusterId, topics: [...this.topics.values()] };
    const tmp = `${this.file}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    fs.writeSync(fd, JSON.stringify(body));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, this.file);
  }

  addTopic(name: string, assignments: number[][], configs: Record<string, string>, internal = false): TopicState {
    const topic: TopicState = {
      name,
      topicId: randomUUID(),
      internal,
      partitions: assignments.map((replicas, partition) => ({
        partition,
        replicas,
        leader: replicas[0],
        isr: [...replicas],
        leaderEpoch: 0,
      })),
      configs,
    };
    this.topics.set(name, topic);
    this.save();
    return topic;
  }

  addPartitions(topic: TopicState, assignments: number[][]): void {
    for (const replicas of assignments) {
      topic.partitions.push({ partition: topic.partitions.length, replicas, leader: replicas[0], isr: [...replicas], leaderEpoch: 0 });
    }
    this.save();
  }

  removeTopic(name: string): void {
    this.topics.delete(name);
    this.save();
  }
}

/**
 * Spreads replicas like Kafka's rack-unaware assignment: partition p's first replica (its preferred
 * leader) is broker (start + p) mod n, and the others follow it in order, so leaders rotate over brokers.
 */
export function assignReplicas(brokerIds: number[], partitions: number, replicationFactor: number, start: number, firstPartition = 0): number[][] {
  const ids = [...brokerIds].sort((a, b) => a - b);
  const out: number[][] = [];
  for (let p = firstPartition; p < firstPartition + partitions; p++) {
    const replicas: number[] = [];
    for (let r = 0; r < replicationFactor; r++) replicas.push(ids[(start + p + r) % ids.length]);
    out.push(replicas);
  }
  return out;
}

/** Kafka's legal topic names. */
export function topicNameProblem(name: string): string | null {
  if (name.length === 0) return "Topic name is illegal, it can't be empty";
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."';
  if (name.length > 249) return `Topic name is illegal, it can't be longer than 249 characters, topic name: ${name}`;
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return null;
}
