/**
 * The embedded cluster: N brokers in one process, each with its own listener and data directory,
 * sharing one controller (topic metadata, leaders, ISRs) and one group coordinator. All state is
 * owned by the Node event loop, so there are no races to reason about: a produce appends to the
 * leader and copies to every in-sync follower before it is acknowledged.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Broker } from './broker.ts';
import { assignReplicas, ClusterMetadata, topicNameProblem, type PartitionState, type TopicState } from './cluster-metadata.ts';
import { DataWaiters, partitionKey } from './data-waiters.ts';
import { DescriptorWatch, logFileBudget } from './descriptor-watch.ts';
import { ErrorCode as Err } from './protocol/errors.ts';
import { GroupCoordinator, FileOffsetStore } from './groups/index.ts';
import { CorruptRecordError, OffsetOutOfRangeError, OpenFileCache, PartitionLog, RecordTooLargeError } from './log/index.ts';
import type { Replica } from './replica.ts';
import { resolveOptions, type KafkaClusterOptions, type ResolvedOptions } from './options.ts';
import { parseBatchHeaders } from './batch-headers.ts';
import { effectiveConfig, logSettings, topicConfigProblem } from './topic-configs.ts';
import { diskError, StorageHealth } from './storage.ts';

export interface ProduceResult {
  errorCode: number;
  errorMessage?: string;
  baseOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
}

export interface FetchResult {
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  records: Buffer | null;
}

export interface TopicCreation {
  name: string;
  numPartitions: number; // -1 = default
  replicationFactor: number; // -1 = default
  assignments: { partitionIndex: number; brokerIds: number[] }[];
  configs: Record<string, string | null>;
}

export interface AdminResult {
  errorCode: number;
  errorMessage: string | null;
}

const ok: AdminResult = { errorCode: Err.NONE, errorMessage: null };
/** How often followers outside the ISR are checked for catching up (they rejoin as soon as they can write). */
const ISR_CHECK_INTERVAL_MS = 1_000;
const BURST_LOG_INTERVAL_MS = 10_000;

export class KafkaCluster {
  readonly brokers = new Map<number, Broker>();
  readonly waiters = new DataWaiters();
  /** Writes the disks refused, per broker (see storage.ts): answered KAFKA_STORAGE_ERROR, logged once. */
  readonly storage = new StorageHealth((line) => this.countProblem('storage', line));
  private isrTimer: NodeJS.Timeout | undefined;
  private metadataUnsaved = false;
  readonly groups: GroupCoordinator;
  private maintenanceTimer: NodeJS.Timeout | undefined;
  private maintenance: Promise<void> | undefined;
  private stopping = false;
  private nextProducerId = Date.now() % 1_000_000;
  /** Counters of problems answered, by kind (one log line each). */
  readonly problems = new Map<string, number>();
  private readonly burstLogged = new Map<string, { at: number; count: number }>();
  /** The descriptors of every replica's log files, bounded by maxOpenLogFiles. */
  readonly openFiles: OpenFileCache;
  private readonly descriptorWatch = new DescriptorWatch((code) =>
    this.countBurst(
      'out-of-descriptors',
      `the process is out of file descriptors (${code}): new connections are dropped (accepted and closed by libuv) and log files cannot open; ` +
        'lower KAFKA_MAX_CONNECTIONS / KAFKA_MAX_OPEN_LOG_FILES or raise the open-file limit (ulimit -n)',
    ),
  );

  private constructor(
    readonly options: ResolvedOptions,
    readonly metadata: ClusterMetadata,
  ) {
    const budget = logFileBudget(options.maxOpenLogFiles);
    this.openFiles = new OpenFileCache(budget);
    if (budget < options.maxOpenLogFiles) {
      options.log(
        `log files: at most ${budget} open at once, a quarter of this process's open-file limit (KAFKA_MAX_OPEN_LOG_FILES is ${options.maxOpenLogFiles})`,
      );
    }
    fs.mkdirSync(path.join(options.dataDir, 'group-offsets'), { recursive: true });
    this.groups = new GroupCoordinator({
      store: new FileOffsetStore(path.join(options.dataDir, 'group-offsets')),
      initialRebalanceDelayMs: options.groupInitialRebalanceDelayMs,
    });
    for (let id = 1; id <= options.brokers; id++) {
      const port = options.firstPort === 0 ? 0 : options.firstPort + id - 1;
      this.brokers.set(id, new Broker(this, id, port, path.join(options.dataDir, `broker-${id}`)));
    }
  }

  static async start(input: KafkaClusterOptions = {}): Promise<KafkaCluster> {
    const options = resolveOptions(input, () => fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-kafka-')));
    fs.mkdirSync(options.dataDir, { recursive: true });
    const cluster = new KafkaCluster(options, ClusterMetadata.open(options.dataDir));
    cluster.noteTopicsOverLimits();
    try {
      for (const broker of cluster.brokers.values()) broker.openReplicas();
      for (const broker of cluster.brokers.values()) broker.online = true;
      for (const topic of cluster.metadata.topics.values()) {
        for (const p of topic.partitions) cluster.reconcilePartition(topic, p);
      }
      cluster.metadata.save();
      for (const broker of cluster.brokers.values()) await broker.listen();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    cluster.maintenanceTimer = setInterval(() => cluster.runMaintenance(), options.retentionCheckIntervalMs);
    cluster.maintenanceTimer.unref();
    cluster.descriptorWatch.start();
    cluster.isrTimer = setInterval(() => cluster.inTimer('ISR check', () => cluster.rejoinFollowers()), ISR_CHECK_INTERVAL_MS);
    cluster.isrTimer.unref();
    return cluster;
  }

  // ---- who is who --------------------------------------------------------------------------

  onlineBrokers(): Broker[] {
    return [...this.brokers.values()].filter((b) => b.online);
  }

  bootstrap(): string {
    return this.onlineBrokers()
      .map((b) => `${this.options.host}:${b.port}`)
      .join(',');
  }

  /** The controller is the lowest online broker id, as a KRaft quorum would elect one. */
  controllerId(): number {
    return this.onlineBrokers()[0]?.id ?? -1;
  }

  /** A stable coordinator per group or transactional id, moving to the next online broker on failure. */
  coordinatorFor(key: string): number {
    const ids = [...this.brokers.keys()].sort((a, b) => a - b);
    let hash = 0;
    for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) | 0;
    const start = Math.abs(hash) % ids.length;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[(start + i) % ids.length];
      if (this.brokers.get(id)!.online) return id;
    }
    return -1;
  }

  allocateProducerId(): number {
    return this.nextProducerId++;
  }

  countProblem(kind: string, line: string): void {
    this.problems.set(kind, (this.problems.get(kind) ?? 0) + 1);
    this.options.problemLog(line);
  }

  /**
   * A problem that comes in floods (refused connections, failed accepts): every one is counted, but a line
   * is logged at most every BURST_LOG_INTERVAL_MS per kind, saying how many were not logged since.
   */
  countBurst(kind: string, line: string, now = Date.now()): void {
    const count = (this.problems.get(kind) ?? 0) + 1;
    this.problems.set(kind, count);
    const last = this.burstLogged.get(kind);
    if (last && now - last.at < BURST_LOG_INTERVAL_MS) return;
    const unlogged = last ? count - last.count - 1 : 0;
    this.burstLogged.set(kind, { at: now, count });
    this.options.problemLog(unlogged > 0 ? `${line} (and ${unlogged} more like it since the last such line)` : line);
  }

  // ---- topics ------------------------------------------------------------------------------

  topic(name: string): TopicState | undefined {
    return this.metadata.topics.get(name);
  }

  createTopic(request: TopicCreation, validateOnly = false): AdminResult {
    const nameProblem = topicNameProblem(request.name);
    if (nameProblem) return { errorCode: Err.INVALID_TOPIC_EXCEPTION, errorMessage: nameProblem };
    if (this.metadata.topics.has(request.name)) {
      return { errorCode: Err.TOPIC_ALREADY_EXISTS, errorMessage: `Topic '${request.name}' already exists.` };
    }
    const configProblem = topicConfigProblem(request.configs);
    if (configProblem) return { errorCode: Err.INVALID_CONFIG, errorMessage: configProblem };
    const online = this.onlineBrokers().map((b) => b.id);
    let assignments: number[][];
    if (request.assignments.length > 0) {
      if ((request.numPartitions !== -1 && request.numPartitions !== 0) || (request.replicationFactor !== -1 && request.replicationFactor !== 0)) {
        return {
          errorCode: Err.INVALID_REQUEST,
          errorMessage: 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
        };
      }
      const sorted = [...request.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
      const bad = sorted.find(
        (a, i) =>
          a.partitionIndex !== i ||
          a.brokerIds.length === 0 ||
          new Set(a.brokerIds).size !== a.brokerIds.length ||
          a.brokerIds.some((id) => !this.brokers.has(id)),
      );
      if (bad) return { errorCode: Err.INVALID_REPLICA_ASSIGNMENT, errorMessage: `Invalid replica assignment for partition ${bad.partitionIndex}` };
      const tooMany = this.partitionLimitProblem(sorted.length, 0);
      if (tooMany) return tooMany;
      assignments = sorted.map((a) => a.brokerIds);
    } else {
      const partitions = request.numPartitions === -1 ? this.options.defaultPartitions : request.numPartitions;
      const rf = request.replicationFactor === -1 ? this.options.defaultReplicationFactor : request.replicationFactor;
      if (partitions <= 0) return { errorCode: Err.INVALID_PARTITIONS, errorMessage: 'Number of partitions must be larger than 0.' };
      if (rf <= 0) return { errorCode: Err.INVALID_REPLICATION_FACTOR, errorMessage: 'Replication factor must be larger than 0.' };
      if (rf > online.length) {
        return { errorCode: Err.INVALID_REPLICATION_FACTOR, errorMessage: `Replication factor: ${rf} larger than available brokers: ${online.length}.` };
      }
      const tooMany = this.partitionLimitProblem(partitions, 0);
      if (tooMany) return tooMany;
      assignments = assignReplicas(online, partitions, rf, this.metadata.topics.size);
    }
    if (validateOnly) return ok;
    const configs = Object.fromEntries(Object.entries(request.configs).filter((e): e is [string, string] => e[1] !== null));
    const topic = this.metadata.addTopic(request.name, assignments, configs, request.name.startsWith('__'));
    for (const p of topic.partitions) this.openPartitionReplicas(topic, p);
    this.metadata.save();
    this.options.log(`created topic ${request.name} with ${assignments.length} partitions, replication factor ${assignments[0].length}`);
    return ok;
  }

  /** Auto-creation on Metadata or Produce for an unknown topic, with the broker defaults; a refusal is logged. */
  autoCreate(name: string): boolean {
    if (!this.options.autoCreateTopics || topicNameProblem(name)) return false;
    const rf = Math.min(this.options.defaultReplicationFactor, this.onlineBrokers().length);
    const result = this.createTopic({ name, numPartitions: this.options.defaultPartitions, replicationFactor: rf, assignments: [], configs: {} });
    if (result.errorCode === Err.INVALID_PARTITIONS || result.errorCode === Err.POLICY_VIOLATION) {
      this.countProblem('partition-limit', `could not auto-create topic ${name}: ${result.errorMessage}`);
    }
    return result.errorCode === Err.NONE;
  }

  /**
   * A data directory made before the partition caps (or with higher ones) is served as it is, with one line
   * per cap it exceeds; only new topics and partitions are refused. Its files go through the open-file cache.
   */
  private noteTopicsOverLimits(): void {
    const { maxPartitionsPerTopic, maxPartitionsTotal } = this.options;
    const big = [...this.metadata.topics.values()].filter((t) => t.partitions.length > maxPartitionsPerTopic);
    for (const topic of big) {
      this.countProblem(
        'partition-limit',
        `topic ${topic.name} has ${topic.partitions.length} partitions, over the limit of ${maxPartitionsPerTopic} per topic ` +
          '(KAFKA_MAX_PARTITIONS_PER_TOPIC): served as it is; delete it or raise the limit to silence this line',
      );
    }
    const total = this.totalPartitions();
    if (total > maxPartitionsTotal) {
      this.countProblem(
        'partition-limit',
        `the data directory holds ${total} partitions, over the limit of ${maxPartitionsTotal} (KAFKA_MAX_PARTITIONS_TOTAL): ` +
          'served as they are, but no topic or partition can be added until some topics are deleted or the limit is raised',
      );
    }
  }

  /**
   * A timer's work, whose exception would otherwise end the process (and the whole stack with it): e.g.
   * EMFILE opening a checkpoint when the process is out of descriptors. Counted, logged now and then.
   */
  private inTimer(what: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.countBurst('timer', `${what} failed: ${(error as Error).message}; retried on the next tick`);
    }
  }

  /** Partitions of every topic together. */
  totalPartitions(): number {
    let total = 0;
    for (const topic of this.metadata.topics.values()) total += topic.partitions.length;
    return total;
  }

  /**
   * A topic growing from `current` to `count` partitions beyond the caps (each partition costs open files
   * and memory on every replica): INVALID_PARTITIONS for one topic, POLICY_VIOLATION for the cluster.
   */
  private partitionLimitProblem(count: number, current: number): AdminResult | null {
    const { maxPartitionsPerTopic, maxPartitionsTotal } = this.options;
    if (count > maxPartitionsPerTopic) {
      return {
        errorCode: Err.INVALID_PARTITIONS,
        errorMessage:
          `Number of partitions ${count} exceeds the limit of ${maxPartitionsPerTopic} partitions per topic ` +
          '(set by KAFKA_MAX_PARTITIONS_PER_TOPIC, or the maxPartitionsPerTopic option of the embedded cluster); ask for fewer partitions or raise the limit.',
      };
    }
    const total = this.totalPartitions() + count - current;
    if (total > maxPartitionsTotal) {
      return {
        errorCode: Err.POLICY_VIOLATION,
        errorMessage:
          `${count - current} more partitions would make ${total} in the cluster, over the limit of ${maxPartitionsTotal} ` +
          '(set by KAFKA_MAX_PARTITIONS_TOTAL, or the maxPartitionsTotal option of the embedded cluster); delete unused topics or raise the limit.',
      };
    }
    return null;
  }

  deleteTopic(name: string): AdminResult {
    const topic = this.metadata.topics.get(name);
    if (!topic) return { errorCode: Err.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'This server does not host this topic-partition.' };
    for (const broker of this.brokers.values()) broker.dropTopic(name);
    this.metadata.removeTopic(name);
    for (const p of topic.partitions) this.waiters.notify(partitionKey(name, p.partition));
    this.options.log(`deleted topic ${name}`);
    return ok;
  }

  createPartitions(name: string, count: number, assignments: number[][] | null, validateOnly: boolean): AdminResult {
    const topic = this.metadata.topics.get(name);
    if (!topic) return { errorCode: Err.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `The topic '${name}' does not exist.` };
    const current = topic.partitions.length;
    if (count <= current) {
      return { errorCode: Err.INVALID_PARTITIONS, errorMessage: `Topic currently has ${current} partitions, which is higher than the requested ${count}.` };
    }
    const tooMany = this.partitionLimitProblem(count, current);
    if (tooMany) return tooMany;
    const rf = topic.partitions[0].replicas.length;
    const online = this.onlineBrokers().map((b) => b.id);
    let added: number[][];
    if (assignments) {
      if (assignments.length !== count - current || assignments.some((a) => a.length !== rf || a.some((id) => !this.brokers.has(id)))) {
        return {
          errorCode: Err.INVALID_REPLICA_ASSIGNMENT,
          errorMessage: `Increasing the number of partitions by ${count - current} but ${assignments.length} assignments provided.`,
        };
      }
      added = assignments;
    } else {
      if (rf > online.length)
        return { errorCode: Err.INVALID_REPLICATION_FACTOR, errorMessage: `Replication factor: ${rf} larger than available brokers: ${online.length}.` };
      added = assignReplicas(online, count - current, rf, 0, current);
    }
    if (validateOnly) return ok;
    this.metadata.addPartitions(topic, added);
    for (const p of topic.partitions.slice(current)) this.openPartitionReplicas(topic, p);
    this.metadata.save();
    return ok;
  }

  topicConfig(topic: TopicState): Record<string, string> {
    return effectiveConfig(topic.configs, this.options.topicDefaults);
  }

  alterTopicConfig(topic: TopicState, configs: Record<string, string | null>, validateOnly: boolean): AdminResult {
    const problem = topicConfigProblem(configs);
    if (problem) return { errorCode: Err.INVALID_CONFIG, errorMessage: problem };
    if (validateOnly) return ok;
    // AlterConfigs (non-incremental) replaces the whole set of overrides.
    topic.configs = Object.fromEntries(Object.entries(configs).filter((e): e is [string, string] => e[1] !== null));
    this.metadata.save();
    return ok;
  }

  private openPartitionReplicas(topic: TopicState, p: PartitionState): void {
    const settings = logSettings(this.topicConfig(topic));
    for (const id of p.replicas) {
      const broker = this.brokers.get(id);
      if (broker?.online) broker.openReplica(topic.name, p.partition, settings);
    }
    p.isr = p.replicas.filter((id) => this.brokers.get(id)?.online);
    p.leader = p.isr[0] ?? -1;
  }

  // ---- produce / fetch / offsets -----------------------------------------------------------

  /** Validates the request against this broker's leadership and appends with the given acks. */
  produce(brokerId: number, topicName: string, partition: number, records: Buffer | null, acks: number): ProduceResult {
    const fail = (errorCode: number, errorMessage?: string): ProduceResult => ({
      errorCode,
      errorMessage,
      baseOffset: -1,
      logAppendTimeMs: -1,
      logStartOffset: -1,
    });
    const topic = this.metadata.topics.get(topicName);
    const state = topic?.partitions[partition];
    if (!topic || !state) return fail(Err.UNKNOWN_TOPIC_OR_PARTITION);
    if (state.leader !== brokerId) return fail(Err.NOT_LEADER_OR_FOLLOWER);
    if (acks !== 0 && acks !== 1 && acks !== -1) return fail(Err.INVALID_REQUIRED_ACKS);
    const leader = this.brokers.get(brokerId)!.replica(topicName, partition);
    if (!leader) return fail(Err.NOT_LEADER_OR_FOLLOWER);
    if (!records || records.length === 0) return fail(Err.CORRUPT_MESSAGE, 'empty record set');
    const config = this.topicConfig(topic);
    const minIsr = Number(config['min.insync.replicas']);
    if (acks === -1 && state.isr.length < minIsr) {
      return fail(
        Err.NOT_ENOUGH_REPLICAS,
        `The size of the current ISR [${state.isr.join(', ')}] is insufficient to satisfy the min.isr requirement of ${minIsr} for partition ${topicName}-${partition}`,
      );
    }

    let headers;
    try {
      headers = parseBatchHeaders(records);
    } catch (error) {
      this.countProblem('corrupt-batch', `broker ${brokerId}: rejected produce to ${topicName}-${partition}: ${(error as Error).message}`);
      return fail(Err.CORRUPT_MESSAGE, (error as Error).message);
    }
    // Idempotence: a retried batch is answered with its first offset, never written twice.
    let firstOffset = -1;
    const fresh: Buffer[] = [];
    for (const header of headers) {
      const verdict = leader.producers.check(header);
      // Rejected by the partition's log (sequence/epoch checks): Kafka still reports its log start offset.
      if (verdict.kind === 'error') return { ...fail(verdict.errorCode, verdict.message), logStartOffset: leader.log.logStartOffset };
      if (verdict.kind === 'duplicate') {
        if (firstOffset < 0) firstOffset = verdict.firstOffset;
        continue;
      }
      fresh.push(header.bytes);
    }
    const logAppendTime = config['message.timestamp.type'] === 'LogAppendTime' ? Date.now() : -1;
    if (fresh.length > 0) {
      let appended;
      const bytes = fresh.length === 1 ? fresh[0] : Buffer.concat(fresh);
      try {
        appended = leader.log.append(bytes);
      } catch (error) {
        if (error instanceof CorruptRecordError) {
          this.countProblem('corrupt-batch', `broker ${brokerId}: rejected produce to ${topicName}-${partition}: ${error.message}`);
          return fail(Err.CORRUPT_MESSAGE, error.message);
        }
        if (error instanceof RecordTooLargeError) return fail(Err.MESSAGE_TOO_LARGE, error.message);
        const disk = diskError(error);
        // Nothing of the batch stays in the log (the segment cuts a partial write): the client may retry.
        if (disk) return fail(Err.KAFKA_STORAGE_ERROR, this.storage.refused(`broker ${brokerId}`, this.brokers.get(brokerId)!.dir, disk));
        throw error;
      }
      this.storage.succeeded(`broker ${brokerId}`);
      if (firstOffset < 0) firstOffset = appended.firstOffset;
      // append() stamped the offsets into `bytes`, which are now exactly what followers must store.
      leader.recordBatches(appended.batches);
      this.replicate(topic, state, brokerId, appended.firstOffset, bytes);
      // A follower that could not store the batch left the ISR: acks=all is not met (Kafka's answer; the
      // producer's retry is a duplicate the leader answers once the followers caught up).
      if (acks === -1 && state.isr.length < minIsr) {
        return fail(
          Err.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
          `The size of the current ISR [${state.isr.join(', ')}] is insufficient to satisfy the min.isr requirement of ${minIsr} for partition ${topicName}-${partition}`,
        );
      }
    }
    return { errorCode: Err.NONE, baseOffset: firstOffset, logAppendTimeMs: logAppendTime, logStartOffset: leader.log.logStartOffset };
  }

  /** Copies what the leader appended from `fromOffset` to every in-sync follower, then advances the HWM. */
  private replicate(topic: TopicState, state: PartitionState, leaderId: number, fromOffset: number, bytes: Buffer): void {
    const leader = this.brokers.get(leaderId)!.replica(topic.name, state.partition)!;
    let shrunk = false;
    for (const id of state.isr) {
      if (id === leaderId) continue;
      const follower = this.brokers.get(id)?.replica(topic.name, state.partition);
      try {
        if (!follower) throw new Error('replica not open');
        if (follower.log.logEndOffset === fromOffset) {
          follower.recordBatches(follower.log.appendAsFollower(bytes, { trustedCrc: true }).batches);
        } else {
          this.copyFromLeader(leader.log, follower, fromOffset);
        }
        this.storage.succeeded(`broker ${id}`);
      } catch (error) {
        this.followerFailed(id, `fell out of the ISR of ${topic.name}-${state.partition}`, error);
        state.isr = state.isr.filter((x) => x !== id);
        shrunk = true;
      }
    }
    this.advanceHighWatermark(topic, state);
    if (shrunk) this.saveMetadata();
  }

  /** A follower's write failed: a refused disk is logged once (storage.ts), anything else each time. */
  private followerFailed(id: number, what: string, error: unknown): void {
    const disk = diskError(error);
    if (disk) this.storage.refused(`broker ${id}`, this.brokers.get(id)!.dir, disk);
    else this.countProblem('replication', `broker ${id}: ${what}: ${(error as Error).message}`);
  }

  /** Saves the metadata; a disk that refuses is noted and the save retried by the next ISR check. */
  private saveMetadata(): void {
    try {
      this.metadata.save();
      this.metadataUnsaved = false;
      this.storage.succeeded('cluster metadata');
    } catch (error) {
      const disk = diskError(error);
      if (!disk) throw error;
      this.metadataUnsaved = true;
      this.storage.refused('cluster metadata', this.options.dataDir, disk);
    }
  }

  /**
   * Online followers outside the ISR (a write their disk refused, say) catch up from the leader and
   * rejoin it, as Kafka's followers do by fetching, so a disk that has room again needs no restart.
   */
  private rejoinFollowers(): void {
    if (this.stopping) return;
    let changed = false;
    for (const topic of this.metadata.topics.values()) {
      for (const p of topic.partitions) {
        if (p.leader === -1 || p.replicas.every((id) => p.isr.includes(id) || !this.brokers.get(id)?.online)) continue;
        const before = p.isr.length;
        this.reconcilePartition(topic, p);
        if (p.isr.length !== before) changed = true;
      }
    }
    if (changed || this.metadataUnsaved) this.saveMetadata();
  }

  private copyFromLeader(leaderLog: PartitionLog, follower: Replica, fromOffset: number): void {
    let offset = Math.max(fromOffset, follower.log.logEndOffset);
    while (offset < leaderLog.logEndOffset) {
      const chunk = leaderLog.read(offset, 4 * 1024 * 1024, leaderLog.logEndOffset);
      if (chunk.length === 0) break;
      const info = follower.log.appendAsFollower(chunk, { trustedCrc: true });
      follower.recordBatches(info.batches);
      offset = info.lastOffset + 1;
    }
  }

  private advanceHighWatermark(topic: TopicState, state: PartitionState): void {
    const leader = this.brokers.get(state.leader)?.replica(topic.name, state.partition);
    if (!leader) return;
    let hwm = leader.log.logEndOffset;
    for (const id of state.isr) {
      const r = this.brokers.get(id)?.replica(topic.name, state.partition);
      if (r) hwm = Math.min(hwm, r.log.logEndOffset);
    }
    if (hwm !== leader.log.highWatermark) {
      for (const id of state.isr) this.brokers.get(id)?.replica(topic.name, state.partition)?.log.setHighWatermark(hwm);
      this.waiters.notify(partitionKey(topic.name, state.partition));
    }
  }

  fetch(brokerId: number, topicName: string, partition: number, offset: number, maxBytes: number): FetchResult {
    const fail = (errorCode: number): FetchResult => ({ errorCode, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: null });
    const state = this.metadata.topics.get(topicName)?.partitions[partition];
    if (!state) return fail(Err.UNKNOWN_TOPIC_OR_PARTITION);
    if (state.leader !== brokerId) return fail(Err.NOT_LEADER_OR_FOLLOWER);
    const replica = this.brokers.get(brokerId)!.replica(topicName, partition);
    if (!replica) return fail(Err.NOT_LEADER_OR_FOLLOWER);
    const log = replica.log;
    const hwm = log.highWatermark;
    const base = { errorCode: Err.NONE, highWatermark: hwm, lastStableOffset: hwm, logStartOffset: log.logStartOffset };
    // Kafka answers an out-of-range fetch with -1 for the watermarks (FetchResponse.partitionResponse(tp, error)).
    if (offset < log.logStartOffset || offset > hwm) return fail(Err.OFFSET_OUT_OF_RANGE);
    if (offset === hwm) return { ...base, records: Buffer.alloc(0) };
    try {
      return { ...base, records: log.read(offset, Math.max(1, maxBytes), hwm) };
    } catch (error) {
      if (error instanceof OffsetOutOfRangeError) return fail(Err.OFFSET_OUT_OF_RANGE);
      throw error;
    }
  }

  listOffset(brokerId: number, topicName: string, partition: number, timestamp: number): { errorCode: number; offset: number; timestamp: number } {
    const state = this.metadata.topics.get(topicName)?.partitions[partition];
    if (!state) return { errorCode: Err.UNKNOWN_TOPIC_OR_PARTITION, offset: -1, timestamp: -1 };
    if (state.leader !== brokerId) return { errorCode: Err.NOT_LEADER_OR_FOLLOWER, offset: -1, timestamp: -1 };
    const log = this.brokers.get(brokerId)!.replica(topicName, partition)!.log;
    if (timestamp === -2) return { errorCode: Err.NONE, offset: log.logStartOffset, timestamp: -1 };
    if (timestamp === -1) return { errorCode: Err.NONE, offset: log.highWatermark, timestamp: -1 };
    const found = log.offsetForTimestamp(timestamp);
    if (!found || found.offset >= log.highWatermark) return { errorCode: Err.NONE, offset: -1, timestamp: -1 };
    return { errorCode: Err.NONE, offset: found.offset, timestamp: found.timestamp };
  }

  deleteRecords(topicName: string, partition: number, offset: number): { errorCode: number; lowWatermark: number } {
    const state = this.metadata.topics.get(topicName)?.partitions[partition];
    if (!state) return { errorCode: Err.UNKNOWN_TOPIC_OR_PARTITION, lowWatermark: -1 };
    const leader = this.brokers.get(state.leader)?.replica(topicName, partition);
    if (!leader) return { errorCode: Err.LEADER_NOT_AVAILABLE, lowWatermark: -1 };
    const target = offset === -1 ? leader.log.highWatermark : offset;
    if (target < 0 || target > leader.log.highWatermark) return { errorCode: Err.OFFSET_OUT_OF_RANGE, lowWatermark: -1 };
    for (const id of state.isr) this.brokers.get(id)?.replica(topicName, partition)?.log.deleteRecordsBefore(target);
    return { errorCode: Err.NONE, lowWatermark: leader.log.logStartOffset };
  }

  // ---- broker failure and recovery ---------------------------------------------------------

  /**
   * Brings one partition in line with which brokers are online: offline replicas leave the ISR,
   * leadership moves to an in-sync online replica (never an out-of-sync one: no unclean election),
   * and online replicas outside the ISR catch up from the leader and rejoin it.
   */
  private reconcilePartition(topic: TopicState, p: PartitionState): void {
    const isOnline = (id: number) => this.brokers.get(id)?.online === true;
    const before = JSON.stringify([p.leader, p.isr]);
    p.isr = p.isr.filter(isOnline);
    if (!isOnline(p.leader) || !p.isr.includes(p.leader)) {
      // Prefer the preferred replica order among in-sync online replicas.
      p.leader = p.replicas.find((id) => p.isr.includes(id)) ?? -1;
      if (p.leader === -1 && p.isr.length === 0) {
        // Every in-sync replica went away; the last one to come back leads (it holds all acknowledged data).
        const candidate = p.replicas.find(isOnline);
        if (candidate !== undefined && this.wasLastInSync(topic, p, candidate)) {
          p.leader = candidate;
          p.isr = [candidate];
        }
      }
    }
    if (p.leader !== -1) {
      const leader = this.brokers.get(p.leader)!.replica(topic.name, p.partition)!;
      for (const id of p.replicas) {
        if (id === p.leader || !isOnline(id) || p.isr.includes(id)) continue;
        const follower = this.brokers.get(id)!.replica(topic.name, p.partition);
        if (!follower) continue;
        try {
          const copied = this.catchUp(leader.log, follower);
          if (copied) this.storage.succeeded(`broker ${id}`);
          p.isr.push(id);
        } catch (error) {
          this.followerFailed(id, `could not catch up ${topic.name}-${p.partition}`, error);
        }
      }
      p.isr.sort((a, b) => p.replicas.indexOf(a) - p.replicas.indexOf(b));
      this.advanceHighWatermark(topic, p);
    }
    if (JSON.stringify([p.leader, p.isr]) !== before) {
      p.leaderEpoch++;
      p.lastInSync = p.isr.length > 0 ? [...p.isr] : p.lastInSync;
      this.waiters.notify(partitionKey(topic.name, p.partition));
    }
  }

  private wasLastInSync(_topic: TopicState, p: PartitionState, id: number): boolean {
    return (p.lastInSync ?? p.replicas).includes(id);
  }

  /** A returning follower drops anything past its last known high watermark and copies the rest; true if it copied any. */
  private catchUp(leaderLog: PartitionLog, follower: Replica): boolean {
    const safePoint = Math.min(follower.log.highWatermark, follower.log.logEndOffset, leaderLog.logEndOffset);
    if (follower.log.logEndOffset > safePoint) {
      follower.log.truncateTo(safePoint);
      follower.rebuildProducerState();
    }
    if (follower.log.logEndOffset < leaderLog.logStartOffset) follower.log.truncateFullyAndStartAt(leaderLog.logStartOffset);
    const before = follower.log.logEndOffset;
    this.copyFromLeader(leaderLog, follower, follower.log.logEndOffset);
    follower.log.setHighWatermark(Math.min(leaderLog.highWatermark, follower.log.logEndOffset));
    return follower.log.logEndOffset > before;
  }

  private reconcileAll(): void {
    for (const topic of this.metadata.topics.values()) {
      for (const p of topic.partitions) this.reconcilePartition(topic, p);
    }
    this.metadata.save();
  }

  async stopBroker(id: number): Promise<void> {
    const broker = this.brokers.get(id);
    if (!broker) throw new Error(`no broker ${id}; brokers are ${[...this.brokers.keys()].join(', ')}`);
    if (!broker.online) return;
    broker.online = false;
    this.reconcileAll();
    await broker.close();
    this.options.log(`broker ${id} stopped`);
  }

  async startBroker(id: number): Promise<void> {
    const broker = this.brokers.get(id);
    if (!broker) throw new Error(`no broker ${id}; brokers are ${[...this.brokers.keys()].join(', ')}`);
    if (broker.online) return;
    broker.openReplicas();
    broker.online = true;
    this.reconcileAll();
    await broker.listen();
    this.options.log(`broker ${id} started on ${this.options.host}:${broker.port}`);
  }

  /** Retention and compaction of every replica; a tick while the last run is still cleaning is skipped. */
  private runMaintenance(): void {
    if (this.maintenance) return;
    this.maintenance = this.maintain().finally(() => {
      this.maintenance = undefined;
    });
  }

  private async maintain(): Promise<void> {
    for (const broker of this.onlineBrokers()) {
      for (const replica of broker.replicas.values()) {
        if (this.stopping || !broker.online) return;
        const topic = this.metadata.topics.get(replica.topic);
        if (!topic) continue;
        const policy = this.topicConfig(topic)['cleanup.policy'];
        try {
          if (policy.includes('delete')) replica.log.enforceRetention(Date.now());
          if (policy.includes('compact')) await replica.log.compactInSlices(cleaningThrottle());
        } catch (error) {
          if (this.stopping) return;
          this.countProblem('maintenance', `broker ${broker.id}: maintenance of ${replica.topic}-${replica.partition} failed: ${(error as Error).message}`);
        }
      }
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.maintenanceTimer);
    this.descriptorWatch.stop();
    clearInterval(this.isrTimer);
    this.stopping = true;
    await this.maintenance;
    this.groups.close();
    await Promise.all(
      [...this.brokers.values()].map(async (b) => {
        b.online = false;
        await b.close();
      }),
    );
    if (this.options.ownsDataDir) fs.rmSync(this.options.dataDir, { recursive: true, force: true });
  }
}

/**
 * Compaction is throttled (as Kafka's log.cleaner.io.max.bytes.per.second does): after each slice of
 * a few milliseconds it waits four times as long, so cleaning takes at most a fifth of this thread,
 * which the brokers and the rest of the stack share. Cleaning a 64 MB changelog segment on 3 replicas
 * costs ~2 s of CPU: at full speed it stalled the stack for that long (then, sliced but not throttled,
 * slowed it for as long), which the pipeline bench saw as a freshness p99 of ~1.5 s.
 */
function cleaningThrottle(): () => Promise<void> {
  let sliceStarted = performance.now();
  return async () => {
    const worked = performance.now() - sliceStarted;
    await new Promise((resolve) => setTimeout(resolve, Math.max(2, worked * 4)));
    sliceStarted = performance.now();
  };
}
