// The engine's record I/O boundary. A runtime (in-process test driver, kafkajs consumer/producer)
// feeds SourceRecords in and publishes the SinkRecords that come out.

export interface SourceRecord {
  topic: string;
  partition: number;
  offset: number;
  /** event time in epoch ms (the Kafka record timestamp) */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  /** the record's headers, in order (HEADERS and HEADER('k') columns read them) */
  headers?: RecordHeader[];
}

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface SinkRecord {
  topic: string;
  /** partition hint; undefined = let the producer choose (by key) */
  partition?: number;
  /**
   * The bytes the partition is chosen by when they are not the whole key: for a windowed key, the key
   * without its window, as Kafka Streams' WindowedStreamPartitioner does, so every window of a key (a
   * session's tombstone and its grown successor) lands in one partition, in order.
   */
  partitionKey?: Buffer;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  /** headers written with the record */
  headers?: RecordHeader[];
  /**
   * A table's record whose key (and window) had no row before it. The record cache drops a key's
   * tombstone when the first record of that key in the flush was created: its value never left the cache.
   */
  created?: boolean;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  replicas: number;
}
