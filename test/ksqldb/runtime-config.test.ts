/** Runtime settings checked when the server is built, before it touches Kafka. */
import { describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { KsqlRuntime } from '../../embedded/ksqldb/index.ts';

const kafka = new Kafka({ clientId: 'config-test', brokers: ['127.0.0.1:1'], logLevel: logLevel.NOTHING });

describe('ksql.streams.commit.interval.ms', () => {
  it('is refused with a message naming it when it is not a number of milliseconds >= 0', () => {
    for (const bad of ['soon', '-5']) {
      expect(() => new KsqlRuntime({ kafka, brokers: ['127.0.0.1:1'], config: { 'ksql.streams.commit.interval.ms': bad } })).toThrow(
        `ksql.streams.commit.interval.ms must be a number of milliseconds >= 0, got "${bad}"`,
      );
    }
    expect(() => new KsqlRuntime({ kafka, brokers: ['127.0.0.1:1'], config: { 'ksql.streams.commit.interval.ms': '2000' } })).not.toThrow();
  });
});
