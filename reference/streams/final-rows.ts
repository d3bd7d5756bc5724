/**
 * A table topic's final rows: every record from the beginning to the end offsets, folded per key (the
 * key's bytes, windowed keys included), the last value winning and a tombstone removing the key. This is
 * what a reader of the changelog ends with, whatever intermediate updates each engine emitted.
 */
import { Kafka, logLevel } from 'kafkajs';

export interface FinalRows {
  /** key bytes as hex -> the last value, parsed as JSON */
  rows: Map<string, unknown>;
  /** records read */
  records: number;
  /** of which tombstones */
  tombstones: number;
}

export async function readFinalRows(bootstrap: string, topic: string): Promise<FinalRows> {
  const kafka = new Kafka({ clientId: 'final-rows', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const remaining = new Map(ends.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)]));
  const result: FinalRows = { rows: new Map(), records: 0, tombstones: 0 };
  if (remaining.size === 0) return result;
  const consumer = kafka.consumer({ groupId: `final-rows-${process.pid}-${Date.now()}-${Math.random()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            const end = remaining.get(batch.partition);
            for (const m of batch.messages) {
              if (end === undefined || BigInt(m.offset) >= end) break;
              result.records++;
              const key = m.key?.toString('hex') ?? '';
              if (m.value === null) {
                result.tombstones++;
                result.rows.delete(key);
              } else {
                result.rows.set(key, JSON.parse(m.value.toString('utf8')));
              }
              if (BigInt(m.offset) + 1n >= end) remaining.delete(batch.partition);
            }
            if (remaining.size === 0) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return result;
}
