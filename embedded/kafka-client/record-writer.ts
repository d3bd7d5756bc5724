/**
 * Our own Kafka producer (ksqlDB's runtime writes its outputs, changelog and commands with it, Connect's worker its
 * source records over plaintext) with acks=all as
 * an idempotent producer (one producer id, a sequence number per partition), like kafkajs's
 * `producer({ idempotent: true, maxInFlightRequests: 1 })` did, at a fraction of its cost per record:
 * each partition's records become one RecordBatch v2 built in a single pass (embedded/kafka/protocol),
 * one Produce request per leader per round, no per-record objects beyond the caller's.
 *
 * - Partitioning is kafkajs's DefaultPartitioner (Java's murmur2 of the key, positive, modulo the
 *   partition count; keyless records round-robin over the partitions with a leader); a record may name
 *   its partition, or a `partitionKey` to hash instead of its key (windowed keys: Kafka Streams'
 *   WindowedStreamPartitioner hashes the key without its window).
 * - Writes are serialised: a write's batches are all acknowledged before the next write's first one
 *   is sent, so records keep their order per partition across writes.
 * - Retriable failures (leader moved, not enough replicas, a broker's disk full, connection lost,
 *   timeout) re-send the very same batch (same sequence numbers, so a broker that already has it answers
 *   with its offset instead of appending it twice) after refreshing the metadata, until it is
 *   acknowledged: a write still waiting after `deliveryTimeoutMs` is logged and retried on, as Kafka
 *   Streams retries a task whose producer timed out and ksqlDB restarts a failed query, so the queries
 *   carry on by themselves once the cluster takes writes again. Closing the writer ends the retries.
 *   Anything else fails the write: the producer's sequence numbers can no longer be trusted and every
 *   later write fails too (the runtime stops its queries; a restart resumes from the changelog).
 */
import { buildRecordBatch, ErrorCode, partitionFor } from '../kafka/wire.ts';
import { BrokerConnection, ConnectionError } from './broker-connection.ts';

export interface OutgoingRecord {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  /** CreateTime, ms since epoch */
  timestamp: number;
  partition?: number;
  /** hashed for the partition instead of `key` */
  partitionKey?: Buffer;
  headers?: { key: string; value: Buffer | null }[];
}

export interface RecordWriterOptions {
  /** bootstrap brokers, host:port */
  brokers: string[];
  clientId?: string;
  /**
   * a write not acknowledged after this long is reported (a log line, again each time as long again has
   * passed) and retried on (default 120 s, Java's delivery.timeout.ms)
   */
  deliveryTimeoutMs?: number;
  /** one request's answer (default 30 s, Java's request.timeout.ms) */
  requestTimeoutMs?: number;
  /** records of one partition go out in batches of at most this many bytes (default 512 KiB; brokers accept 1 MiB) */
  maxBatchBytes?: number;
  log?: (line: string) => void;
}

/** A write failed for good (see the module comment). */
export class RecordWriteError extends Error {
  override name = 'RecordWriteError';
}

/** Kafka error codes worth a retry of the same batch. */
const RETRIABLE = new Set<number>([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.REQUEST_TIMED_OUT,
  ErrorCode.NETWORK_EXCEPTION,
  ErrorCode.NOT_ENOUGH_REPLICAS,
  ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.FENCED_LEADER_EPOCH,
]);

const PRODUCE_VERSION = 3;
const METADATA_VERSION = 4;
const INIT_PRODUCER_ID_VERSION = 0;
const INT32_MAX = 0x7fffffff;
/** per-record overhead beyond key and value in a batch (length, attributes, deltas, header count), generous */
const RECORD_OVERHEAD = 24;
const RECORD_BATCH_HEADER = 61;

interface TopicLayout {
  /** partition ids, ascending */
  partitions: number[];
  /** partition -> leader node id (-1: none) */
  leaders: Map<number, number>;
  /** round-robin position for keyless records */
  counter: number;
}

interface PendingBatch {
  topic: string;
  partition: number;
  bytes: Buffer;
}

export class RecordWriter {
  private readonly brokers: { host: string; port: number }[];
  private readonly clientId: string;
  private readonly deliveryTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly maxBatchBytes: number;
  private readonly log: (line: string) => void;
  private readonly nodes = new Map<number, { host: string; port: number }>();
  private readonly topics = new Map<string, TopicLayout>();
  private readonly connections = new Map<string, Promise<BrokerConnection>>();
  private readonly sequences = new Map<string, number>();
  private producerId = -1n;
  private producerEpoch = -1;
  private chain: Promise<unknown> = Promise.resolve();
  private broken: Error | undefined;
  private closed = false;

  constructor(opts: RecordWriterOptions) {
    if (opts.brokers.length === 0) throw new Error('RecordWriter: no bootstrap brokers given');
    this.brokers = opts.brokers.map(parseHostPort);
    this.clientId = opts.clientId ?? 'ksqldb-server';
    this.deliveryTimeoutMs = opts.deliveryTimeoutMs ?? 120_000;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    this.maxBatchBytes = opts.maxBatchBytes ?? 512 * 1024;
    this.log = opts.log ?? (() => undefined);
  }

  /** Gets a producer id (InitProducerId), retrying while the cluster is not reachable yet. */
  async connect(): Promise<void> {
    const deadline = Date.now() + this.deliveryTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        const conn = await this.bootstrapConnection();
        const res = await conn.request(22, INIT_PRODUCER_ID_VERSION, { transactionalId: null, transactionTimeoutMs: 60_000 });
        if (res.errorCode !== 0) throw new RetryLater(`InitProducerId failed with error ${res.errorCode}`);
        this.producerId = res.producerId;
        this.producerEpoch = res.producerEpoch;
        return;
      } catch (e) {
        if (!(e instanceof ConnectionError || e instanceof RetryLater) || Date.now() > deadline || this.closed) throw e;
        await sleep(backoff(attempt));
      }
    }
  }

  /**
   * Writes the records (in order per partition) and resolves once every one is acknowledged by all
   * in-sync replicas. Resolves to the offset of the first record written to each `topic\0partition`.
   */
  write(records: readonly OutgoingRecord[]): Promise<Map<string, number>> {
    const run = this.chain.then(() => this.writeNow(records));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Ends the retries: a write being retried fails at its next attempt, later writes fail at once. */
  stopRetrying(): void {
    this.closed = true;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.chain;
    for (const c of this.connections.values())
      void c.then(
        (conn) => conn.close(),
        () => undefined,
      );
    this.connections.clear();
  }

  // ------------------------------------------------------------------ writing

  private async writeNow(records: readonly OutgoingRecord[]): Promise<Map<string, number>> {
    if (this.broken) throw this.broken;
    if (this.closed) throw new RecordWriteError('the producer is closed');
    const offsets = new Map<string, number>();
    if (records.length === 0) return offsets;
    const started = Date.now();
    await this.ensureTopics(new Set(records.map((r) => r.topic)), started + this.deliveryTimeoutMs);
    const queues = this.batchesOf(records);
    let attempt = 0;
    let reportAt = started + this.deliveryTimeoutMs;
    while (queues.size > 0) {
      const byNode = new Map<number, PendingBatch[]>();
      let leaderless = false;
      for (const queue of queues.values()) {
        const head = queue[0]!;
        const leader = this.topics.get(head.topic)?.leaders.get(head.partition) ?? -1;
        if (leader < 0 || !this.nodes.has(leader)) {
          leaderless = true;
          continue;
        }
        let list = byNode.get(leader);
        if (!list) byNode.set(leader, (list = []));
        list.push(head);
      }
      const failures: string[] = [];
      await Promise.all(
        [...byNode].map(async ([node, batches]) => {
          const outcome = await this.produce(node, batches);
          batches.forEach((b, i) => {
            const result = outcome[i]!;
            const id = `${b.topic}\u0000${b.partition}`;
            if (typeof result === 'number') {
              if (!offsets.has(id)) offsets.set(id, result);
              const queue = queues.get(id)!;
              queue.shift();
              if (queue.length === 0) queues.delete(id);
            } else failures.push(result);
          });
        }),
      );
      if (queues.size === 0) break;
      if (failures.length > 0 || leaderless) {
        const why = failures[0] ?? 'waiting for partition leaders';
        if (this.closed) throw new RecordWriteError(`the producer was closed with ${queues.size} partition batch(es) not acknowledged: ${why}`);
        const now = Date.now();
        if (attempt === 0) this.log(`producer: retrying ${queues.size} partition batch(es): ${why}`);
        if (now >= reportAt) {
          this.log(
            `producer: ${queues.size} partition batch(es) not acknowledged after ${Math.round((now - started) / 1000)} s (${why}); retrying until the cluster takes them`,
          );
          reportAt = now + this.deliveryTimeoutMs;
        }
        await sleep(backoff(attempt++));
        await this.refreshMetadata([...new Set([...queues.values()].map((q) => q[0]!.topic))]).catch(() => undefined);
      } else attempt = 0;
    }
    return offsets;
  }

  /**
   * One Produce request with the batches (each a different partition) to a node. Per batch: its base
   * offset, or a retriable failure's description. Fatal errors throw (and break the producer).
   */
  private async produce(node: number, batches: PendingBatch[]): Promise<(number | string)[]> {
    const byTopic = new Map<string, { index: number; records: Buffer }[]>();
    for (const b of batches) {
      let list = byTopic.get(b.topic);
      if (!list) byTopic.set(b.topic, (list = []));
      list.push({ index: b.partition, records: b.bytes });
    }
    let res;
    try {
      const conn = await this.connection(node);
      res = await conn.request(0, PRODUCE_VERSION, {
        transactionalId: null,
        acks: -1,
        timeoutMs: this.requestTimeoutMs,
        topicData: [...byTopic].map(([name, partitionData]) => ({ name, partitionData })),
      });
    } catch (e) {
      if (!(e instanceof ConnectionError)) throw e;
      this.forgetConnection(node);
      return batches.map(() => e.message);
    }
    const results = new Map<string, { errorCode: number; baseOffset: number }>();
    for (const t of res.responses) for (const p of t.partitionResponses) results.set(`${t.name}\u0000${p.index}`, p);
    return batches.map((b) => {
      const r = results.get(`${b.topic}\u0000${b.partition}`);
      if (!r) return `no answer for ${b.topic}-${b.partition} from node ${node}`;
      if (r.errorCode === 0 || r.errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) return r.baseOffset;
      if (RETRIABLE.has(r.errorCode)) {
        this.topics.get(b.topic)?.leaders.set(b.partition, -1);
        return `error ${r.errorCode} (${errorName(r.errorCode)}) writing ${b.topic}-${b.partition} on node ${node}`;
      }
      this.broken = new RecordWriteError(`writing ${b.topic}-${b.partition} failed with Kafka error ${r.errorCode}`);
      throw this.broken;
    });
  }

  /** Per `topic\0partition`, in first-seen order: its records as batches, sequence numbers assigned. */
  private batchesOf(records: readonly OutgoingRecord[]): Map<string, PendingBatch[]> {
    const byTopic = new Map<string, { topic: string; partition: number; records: OutgoingRecord[] }[]>();
    for (const r of records) {
      const partition = this.partitionOf(r);
      let groups = byTopic.get(r.topic);
      if (!groups) byTopic.set(r.topic, (groups = []));
      (groups[partition] ??= { topic: r.topic, partition, records: [] }).records.push(r);
    }
    const queues = new Map<string, PendingBatch[]>();
    for (const group of [...byTopic.values()].flat()) {
      const id = `${group.topic}\u0000${group.partition}`;
      const batches: PendingBatch[] = [];
      let start = 0;
      let bytes = RECORD_BATCH_HEADER;
      const rs = group.records;
      for (let i = 0; i <= rs.length; i++) {
        const size = i < rs.length ? RECORD_OVERHEAD + (rs[i]!.key?.length ?? 0) + (rs[i]!.value?.length ?? 0) + headerBytes(rs[i]!) : 0;
        if (i === rs.length || (i > start && bytes + size > this.maxBatchBytes)) {
          batches.push({ topic: group.topic, partition: group.partition, bytes: this.encodeBatch(id, rs.slice(start, i)) });
          start = i;
          bytes = RECORD_BATCH_HEADER;
        }
        bytes += size;
      }
      queues.set(id, batches);
    }
    return queues;
  }

  private encodeBatch(id: string, records: OutgoingRecord[]): Buffer {
    const baseSequence = this.sequences.get(id) ?? 0;
    const next = baseSequence + records.length;
    this.sequences.set(id, next > INT32_MAX ? next - INT32_MAX - 1 : next);
    return buildRecordBatch(records, { producerId: this.producerId, producerEpoch: this.producerEpoch, baseSequence });
  }

  private partitionOf(r: OutgoingRecord): number {
    if (r.partition !== undefined) return r.partition;
    const layout = this.topics.get(r.topic)!;
    const key = r.partitionKey ?? r.key;
    if (key === null) {
      const available = layout.partitions.filter((p) => (layout.leaders.get(p) ?? -1) >= 0);
      const from = available.length > 0 ? available : layout.partitions;
      layout.counter = (layout.counter + 1) & INT32_MAX;
      return from[layout.counter % from.length]!;
    }
    return partitionFor(key, layout.partitions.length);
  }

  // ------------------------------------------------------------------ metadata and connections

  private async ensureTopics(topics: Set<string>, deadline: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const missing = [...topics].filter((t) => !this.topics.has(t));
      if (missing.length === 0) return;
      try {
        await this.refreshMetadata(missing);
      } catch (e) {
        if (!(e instanceof ConnectionError)) throw e;
      }
      if ([...topics].every((t) => this.topics.has(t))) return;
      if (Date.now() > deadline) throw new RecordWriteError(`no metadata for topic(s) ${missing.join(', ')}: do they exist?`);
      await sleep(backoff(attempt));
    }
  }

  private async refreshMetadata(topics: string[]): Promise<void> {
    const conn = await this.bootstrapConnection();
    const res = await conn.request(3, METADATA_VERSION, { topics: topics.map((name) => ({ name })), allowAutoTopicCreation: false });
    for (const b of res.brokers) {
      const known = this.nodes.get(b.nodeId);
      if (known && (known.host !== b.host || known.port !== b.port)) this.forgetConnection(b.nodeId);
      this.nodes.set(b.nodeId, { host: b.host, port: b.port });
    }
    for (const t of res.topics) {
      if (t.errorCode !== 0 || t.partitions.length === 0) continue;
      const previous = this.topics.get(t.name);
      const leaders = new Map<number, number>();
      for (const p of t.partitions) leaders.set(p.partitionIndex, p.errorCode === 0 ? p.leaderId : -1);
      this.topics.set(t.name, {
        partitions: [...leaders.keys()].sort((a, b) => a - b),
        leaders,
        counter: previous?.counter ?? Math.floor(Math.random() * INT32_MAX),
      });
    }
  }

  /** A connection to any reachable broker: a known node first, else the bootstrap list. */
  private async bootstrapConnection(): Promise<BrokerConnection> {
    const errors: string[] = [];
    for (const node of this.nodes.keys()) {
      try {
        return await this.connection(node);
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    for (const b of this.brokers) {
      try {
        return await this.connectionTo(`bootstrap ${b.host}:${b.port}`, b.host, b.port);
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    throw new ConnectionError(`no broker reachable: ${errors.join('; ')}`);
  }

  private connection(node: number): Promise<BrokerConnection> {
    const address = this.nodes.get(node);
    if (!address) return Promise.reject(new ConnectionError(`unknown broker node ${node}`));
    return this.connectionTo(`node ${node}`, address.host, address.port);
  }

  private connectionTo(id: string, host: string, port: number): Promise<BrokerConnection> {
    const existing = this.connections.get(id);
    if (existing) {
      return existing.then((conn) => {
        if (!conn.closed) return conn;
        if (this.connections.get(id) === existing) this.connections.delete(id);
        return this.connectionTo(id, host, port);
      });
    }
    // the broker answers a produce within its timeoutMs (requestTimeoutMs): allow for the way back
    const opening = BrokerConnection.open(host, port, { clientId: this.clientId, connectTimeoutMs: 3_000, requestTimeoutMs: this.requestTimeoutMs + 5_000 });
    this.connections.set(id, opening);
    opening.catch(() => {
      if (this.connections.get(id) === opening) this.connections.delete(id);
    });
    return opening;
  }

  private forgetConnection(node: number): void {
    const id = `node ${node}`;
    const existing = this.connections.get(id);
    this.connections.delete(id);
    void existing?.then(
      (conn) => conn.close(),
      () => undefined,
    );
  }
}

class RetryLater extends Error {}

function errorName(code: number): string {
  return Object.entries(ErrorCode).find(([, value]) => value === code)?.[0] ?? 'unknown';
}

function parseHostPort(s: string): { host: string; port: number } {
  const i = s.lastIndexOf(':');
  const port = Number(s.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port <= 0) throw new Error(`RecordWriter: bad broker address "${s}", expected host:port`);
  return { host: s.slice(0, i).replace(/^\[|\]$/g, ''), port };
}

function backoff(attempt: number): number {
  return Math.min(1_000, 100 * 2 ** Math.min(attempt, 4));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Bytes a record's headers add to its batch (keys, values and their lengths). */
function headerBytes(r: OutgoingRecord): number {
  let n = 0;
  for (const h of r.headers ?? []) n += 10 + Buffer.byteLength(h.key) + (h.value?.length ?? 0);
  return n;
}
