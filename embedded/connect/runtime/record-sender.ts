/**
 * How a source task's records reach Kafka: an idempotent producer with acks=all whose send resolves once every
 * record is acknowledged by all in-sync replicas, as Connect's worker producer (acks=all, one request in flight,
 * delivery.timeout.ms = Integer.MAX_VALUE: a record is retried until the cluster takes it).
 *
 * Over a plaintext listener it is the embedded stack's own producer (RecordWriter, shared with the ksqlDB
 * runtime): each partition's records go out as one RecordBatch built in a single pass, at a fraction of
 * kafkajs's CPU per record. With TLS or SASL, which RecordWriter does not speak, it is kafkajs's producer.
 */
import type { Kafka, Message, Producer } from 'kafkajs';
import { RecordWriter, type OutgoingRecord } from '../../kafka-client/record-writer.ts';

export type { OutgoingRecord };

export interface RecordSender {
  connect(): Promise<void>;
  /** Resolves once every record is acknowledged (acks=all); records keep their order per partition. */
  send(records: readonly OutgoingRecord[]): Promise<void>;
  /** Ends a send still retrying (it fails) and closes the connections. */
  close(): Promise<void>;
}

export interface RecordSenderOptions {
  kafka: Kafka;
  brokers: string[];
  /** The listener uses TLS or SASL: kafkajs's producer then. */
  secured: boolean;
  log: (line: string) => void;
}

export function createRecordSender(o: RecordSenderOptions): RecordSender {
  return o.secured ? new KafkajsSender(o.kafka) : new OwnSender(o.brokers, o.log);
}

class OwnSender implements RecordSender {
  private readonly writer: RecordWriter;

  constructor(brokers: string[], log: (line: string) => void) {
    this.writer = new RecordWriter({ brokers, clientId: 'connect-worker', log });
  }

  connect(): Promise<void> {
    return this.writer.connect();
  }

  async send(records: readonly OutgoingRecord[]): Promise<void> {
    await this.writer.write(records);
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}

class KafkajsSender implements RecordSender {
  private readonly producer: Producer;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  async send(records: readonly OutgoingRecord[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const r of records) {
      let messages = byTopic.get(r.topic);
      if (!messages) byTopic.set(r.topic, (messages = []));
      const headers: Record<string, Buffer> = {};
      for (const h of r.headers ?? []) if (h.value !== null) headers[h.key] = h.value;
      messages.push({ key: r.key, value: r.value, partition: r.partition, timestamp: String(r.timestamp), headers });
    }
    if (byTopic.size === 0) return;
    await this.producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })), acks: -1 });
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}
