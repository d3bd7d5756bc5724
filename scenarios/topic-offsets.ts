import { Kafka, logLevel } from 'kafkajs';

/** Total records on a topic (sum of high watermarks), through the Kafka admin API; 0 when it is missing. */
export async function topicEndOffset(brokers: string[], topic: string): Promise<number> {
  const admin = new Kafka({ clientId: 'stack-status', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((n, o) => n + Number(o.high), 0);
  } catch {
    return 0;
  } finally {
    await admin.disconnect();
  }
}
