/** Reading a topic to its end (with the cluster's own security when it has one), for the end-to-end checks. */
import { Kafka, logLevel } from 'kafkajs';
import { kafkaConfig } from '../../config/kafka-client.ts';
import type { KafkaSecurity } from '../../config/kafka-security.ts';

/** Every value of `topic`, read from the beginning to its end offsets with kafkajs (TLS/SASL as given). */
export async function readTopicValues(brokers: string[], security: KafkaSecurity | undefined, topic: string): Promise<Record<string, unknown>[]> {
  const kafka = new Kafka(kafkaConfig({ brokers, security }, { clientId: 'e2e-reference-read', logLevel: logLevel.NOTHING }));
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const total = ends.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  const values: Record<string, unknown>[] = [];
  if (total === 0) return values;
  const consumer = kafka.consumer({ groupId: `e2e-reference-read-${process.pid}-${Date.now()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          if (message.value) values.push(JSON.parse(message.value.toString()) as Record<string, unknown>);
          if (values.length >= total) resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}
