/** Options of an embedded cluster, with Kafka's defaults where Kafka has one. */
export interface KafkaClusterOptions {
  /** Where brokers keep their logs (`broker-<id>/`) and the cluster metadata. Default: a fresh temp dir, removed on stop. */
  dataDir?: string;
  /** Number of brokers, node ids 1..N. Default 3. */
  brokers?: number;
  /** Port of broker 1; broker i listens on firstPort + i - 1. 0 = any free port per broker. Default 9092. */
  firstPort?: number;
  /** Interface to bind and host to advertise. Default 127.0.0.1. */
  host?: string;
  defaultPartitions?: number;
  defaultReplicationFactor?: number;
  minInsyncReplicas?: number;
  autoCreateTopics?: boolean;
  /** Broker-level defaults for topic configs (e.g. {'segment.bytes': '1048576'}). */
  topicDefaults?: Record<string, string>;
  /** group.initial.rebalance.delay.ms; Kafka's default is 3000, ours 0 for quick local starts. */
  groupInitialRebalanceDelayMs?: number;
  /** How often retention and compaction run (log.retention.check.interval.ms). Default 60 s. */
  retentionCheckIntervalMs?: number;
  /** socket.request.max.bytes. Default 100 MiB. */
  maxRequestBytes?: number;
  /**
   * max.connections: connections one broker's listener holds at once; a new one beyond it is closed at
   * once (Kafka keeps it waiting in the accept queue until a slot frees; Node cannot pause accepting, and
   * holding the socket would spend the file descriptor the cap is there to save). Default 1000.
   */
  maxConnections?: number;
  /** max.connections.per.ip: connections one broker holds from one client address; beyond it Kafka closes the new one. Default 1000. */
  maxConnectionsPerIp?: number;
  /** Partitions one topic may have (CreateTopics, CreatePartitions, auto-creation); beyond it INVALID_PARTITIONS. Default 1000. */
  maxPartitionsPerTopic?: number;
  /** Partitions of all topics together; beyond it POLICY_VIOLATION. Default 5000. */
  maxPartitionsTotal?: number;
  /** Open files the partition logs of the whole cluster keep at most (a least-recently-used cache). Default 2048. */
  maxOpenLogFiles?: number;
  /** One line per notable event or problem. Default: silent. */
  log?: (line: string) => void;
  /** The problem lines alone (a disk refusing writes, bad requests, replicas falling behind). Default: `log`. */
  problemLog?: (line: string) => void;
}

export interface ResolvedOptions {
  dataDir: string;
  ownsDataDir: boolean;
  brokers: number;
  firstPort: number;
  host: string;
  defaultPartitions: number;
  defaultReplicationFactor: number;
  minInsyncReplicas: number;
  autoCreateTopics: boolean;
  topicDefaults: Record<string, string>;
  groupInitialRebalanceDelayMs: number;
  retentionCheckIntervalMs: number;
  maxRequestBytes: number;
  maxConnections: number;
  maxConnectionsPerIp: number;
  maxPartitionsPerTopic: number;
  maxPartitionsTotal: number;
  maxOpenLogFiles: number;
  log: (line: string) => void;
  problemLog: (line: string) => void;
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  return value;
}

export function resolveOptions(options: KafkaClusterOptions, tempDir: () => string): ResolvedOptions {
  const brokers = options.brokers ?? 3;
  if (!Number.isInteger(brokers) || brokers < 1) throw new Error(`brokers must be a positive integer, got ${brokers}`);
  const defaultReplicationFactor = options.defaultReplicationFactor ?? Math.min(3, brokers);
  const minInsyncReplicas = options.minInsyncReplicas ?? Math.min(2, defaultReplicationFactor);
  return {
    dataDir: options.dataDir ?? tempDir(),
    ownsDataDir: options.dataDir === undefined,
    brokers,
    firstPort: options.firstPort ?? 9092,
    host: options.host ?? '127.0.0.1',
    defaultPartitions: options.defaultPartitions ?? 5,
    defaultReplicationFactor,
    minInsyncReplicas,
    autoCreateTopics: options.autoCreateTopics ?? true,
    topicDefaults: { 'min.insync.replicas': String(minInsyncReplicas), ...options.topicDefaults },
    groupInitialRebalanceDelayMs: options.groupInitialRebalanceDelayMs ?? 0,
    retentionCheckIntervalMs: options.retentionCheckIntervalMs ?? 60_000,
    maxRequestBytes: options.maxRequestBytes ?? 100 * 1024 * 1024,
    maxConnections: positive('maxConnections', options.maxConnections ?? 1000),
    maxConnectionsPerIp: positive('maxConnectionsPerIp', options.maxConnectionsPerIp ?? 1000),
    maxPartitionsPerTopic: positive('maxPartitionsPerTopic', options.maxPartitionsPerTopic ?? 1000),
    maxPartitionsTotal: positive('maxPartitionsTotal', options.maxPartitionsTotal ?? 5000),
    maxOpenLogFiles: positive('maxOpenLogFiles', options.maxOpenLogFiles ?? 2048),
    log: options.log ?? (() => {}),
    problemLog: options.problemLog ?? options.log ?? (() => {}),
  };
}
