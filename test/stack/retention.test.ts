/**
 * Retention of the embedded stack's topics comes from config (KAFKA_RETENTION_HOURS, KAFKA_SEGMENT_MB)
 * and is what a Kafka client reads back from the brokers.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/index.ts';
import { retentionDefaults } from '../../stack/embedded-stack.ts';
import { kafkaClient, startTestCluster } from '../support/kafka.ts';

describe('topic retention from config', () => {
  it('defaults to Kafka’s 7 days with 64 MiB segments, and refuses a bad value naming the variable', () => {
    expect(retentionDefaults(loadConfig({}))).toEqual({ 'retention.ms': '604800000', 'segment.bytes': String(64 * 1024 * 1024), 'segment.ms': '604800000' });
    expect(() => loadConfig({ KAFKA_RETENTION_HOURS: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ KAFKA_SEGMENT_MB: 'big' })).toThrow('KAFKA_SEGMENT_MB');
  });

  it('gives every new topic the configured retention; segments roll by then so they can be deleted', async () => {
    const config = loadConfig({ KAFKA_RETENTION_HOURS: '2', KAFKA_SEGMENT_MB: '8' });
    const cluster = await startTestCluster({ topicDefaults: retentionDefaults(config) });
    const admin = kafkaClient(cluster).admin();
    try {
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'kept-briefly', numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: 'kept-briefly', configNames: ['retention.ms', 'segment.bytes', 'segment.ms'] }],
      });
      const entries = Object.fromEntries(described.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
      expect(entries).toEqual({ 'retention.ms': String(2 * 3_600_000), 'segment.bytes': String(8 * 1024 * 1024), 'segment.ms': String(2 * 3_600_000) });
    } finally {
      await admin.disconnect();
      await cluster.stop();
    }
  });
});
