/**
 * Kafka Streams' timestamp-based record selection, for the runtime's one consumer. Fetched records
 * wait here, one queue per input partition; the input partitions with the same partition number form
 * a group (Kafka Streams' task: a join's stream and table partitions are co-partitioned, so they share
 * a number), and within a group the record processed next is always the buffered one with the lowest
 * timestamp (the one the query's timestamp extractor gives: the TIMESTAMP column, else the record's).
 * A table is therefore never behind the stream it is joined with when both have records waiting, and
 * after a restart the table's backlog is applied before the page views that came after it.
 *
 * A group with an empty queue is not processed while that partition has records on the broker that
 * were not fetched yet (its lag is known to be above zero), as `max.task.idle.ms` = 0 (Kafka Streams'
 * and ksqlDB's default) defines: it waits for the fetch. A positive value also waits that long for
 * producers when the partition is caught up; -1 processes whatever is buffered. So that a partition
 * whose data never comes (its leader gone) cannot stop the others for good, a group that waited
 * ENFORCE_AFTER_MS, or a buffer past its cap, is processed anyway ("enforced processing").
 */

import type { RecordHeader } from '../io.ts';

export interface BufferedRecord {
  topic: string;
  partition: number;
  offset: string;
  /** the record's own timestamp (CreateTime/LogAppendTime) */
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: RecordHeader[];
  /** the timestamp records are selected by */
  time: number;
}

interface PartitionQueue {
  topic: string;
  partition: number;
  records: BufferedRecord[];
  head: number;
  /** the next offset the consumer will fetch (one past the last buffered record) */
  fetched: number;
  /** the partition's end offset as last seen (high watermark), -1 unknown */
  end: number;
}

/** How long a group waits for a lagging partition's fetch before it is processed anyway. */
export const ENFORCE_AFTER_MS = 10_000;
/** Records buffered before groups are processed without waiting for lagging partitions. */
export const MAX_BUFFERED = 100_000;

export class RecordSelector {
  private readonly queues = new Map<string, PartitionQueue>();
  private readonly groups = new Map<number, PartitionQueue[]>();
  /** when each group started waiting for a partition (ms) */
  private readonly waitingSince = new Map<number, number>();
  private buffered = 0;
  /** groups processed without waiting, since the selector was created */
  enforced = 0;

  constructor(
    private readonly idleMs = 0,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.buffered;
  }

  /** An input partition and where its consumption starts: `start` is the next offset fetched, `end` its log end. */
  assign(topic: string, partition: number, start: number, end: number): void {
    const key = `${topic}\u0000${partition}`;
    const known = this.queues.get(key);
    if (known) {
      known.end = Math.max(known.end, end);
      return;
    }
    const queue: PartitionQueue = { topic, partition, records: [], head: 0, fetched: start, end };
    this.queues.set(key, queue);
    const group = this.groups.get(partition) ?? [];
    group.push(queue);
    this.groups.set(partition, group);
  }

  /** Fetched records of one partition (in offset order); records before the next expected offset (fetched again) are dropped. */
  add(topic: string, partition: number, records: BufferedRecord[], highWatermark: number): void {
    const key = `${topic}\u0000${partition}`;
    let queue = this.queues.get(key);
    if (!queue) {
      this.assign(topic, partition, Number(records[0]?.offset ?? 0), highWatermark);
      queue = this.queues.get(key)!;
    }
    queue.end = Math.max(queue.end, highWatermark);
    for (const r of records) {
      const offset = Number(r.offset);
      if (offset < queue.fetched) continue;
      queue.records.push(r);
      queue.fetched = offset + 1;
      this.buffered++;
    }
  }

  /**
   * The consumer's position moved past records it does not hand out (control records of transactions,
   * aborted or compacted-away offsets): `next` is its next fetch offset, `highWatermark` the end seen.
   */
  advance(topic: string, partition: number, next: number, highWatermark: number): void {
    const queue = this.queues.get(`${topic}\u0000${partition}`);
    if (!queue) return;
    queue.fetched = Math.max(queue.fetched, next);
    queue.end = Math.max(queue.end, highWatermark);
  }

  /**
   * The record to process next: across the groups that may be processed, the buffered record with the
   * lowest timestamp (ties: the group with the lower partition number, then the earlier queue).
   * Undefined when nothing is buffered or every group with records waits for a fetch.
   */
  next(): BufferedRecord | undefined {
    let best: PartitionQueue | undefined;
    const now = this.now();
    for (const [partition, group] of this.groups) {
      let head: PartitionQueue | undefined;
      let waiting = false;
      for (const q of group) {
        if (q.head < q.records.length) {
          if (!head || q.records[q.head]!.time < head.records[head.head]!.time) head = q;
        } else if (this.mustWaitFor(q)) waiting = true;
      }
      if (!head) {
        this.waitingSince.delete(partition);
        continue;
      }
      if (waiting && !this.enforce(partition, now)) continue;
      if (!waiting) this.waitingSince.delete(partition);
      if (!best || head.records[head.head]!.time < best.records[best.head]!.time) best = head;
    }
    if (!best) return undefined;
    const record = best.records[best.head]!;
    best.records[best.head++] = undefined as unknown as BufferedRecord;
    if (best.head === best.records.length) {
      best.records = [];
      best.head = 0;
    } else if (best.head > 1024 && best.head * 2 > best.records.length) {
      best.records = best.records.slice(best.head);
      best.head = 0;
    }
    this.buffered--;
    return record;
  }

  /** Milliseconds until a waiting group is processed anyway (undefined when none waits). */
  nextEnforcementIn(): number | undefined {
    let soonest: number | undefined;
    for (const since of this.waitingSince.values()) {
      const limit = this.idleMs > 0 ? Math.min(this.idleMs, ENFORCE_AFTER_MS) : ENFORCE_AFTER_MS;
      const left = Math.max(0, since + limit - this.now());
      soonest = soonest === undefined ? left : Math.min(soonest, left);
    }
    return soonest;
  }

  /** Forgets every buffered record and partition (the consumer restarts from the processed positions). */
  clear(): void {
    this.queues.clear();
    this.groups.clear();
    this.waitingSince.clear();
    this.buffered = 0;
  }

  /** An empty partition holds its group back: records on the broker not fetched yet, or (idle > 0) producers may still send. */
  private mustWaitFor(q: PartitionQueue): boolean {
    if (this.idleMs < 0) return false;
    if (q.end > q.fetched) return true;
    return this.idleMs > 0;
  }

  private enforce(partition: number, now: number): boolean {
    const since = this.waitingSince.get(partition);
    if (since === undefined) {
      this.waitingSince.set(partition, now);
      return this.buffered > MAX_BUFFERED;
    }
    // a partition caught up is waited for max.task.idle.ms; one with records not fetched yet until it
    // comes (bounded by ENFORCE_AFTER_MS)
    const lagging = (this.groups.get(partition) ?? []).some((q) => q.head >= q.records.length && q.end > q.fetched);
    const limit = lagging ? ENFORCE_AFTER_MS : this.idleMs;
    if (now - since >= limit || this.buffered > MAX_BUFFERED) {
      this.enforced++;
      return true;
    }
    return false;
  }
}
