/**
 * The Pinot schemas and table configs: internally consistent, in Pinot's formats, fed by the ksql
 * statement that writes their topic, and loaded with topics and brokers from config.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { describeStatement, renderedStatements } from '../../ksql/statements.ts';
import {
  DOCKER_BROKER_LIST,
  PINOT_TABLE_NAMES,
  PINOT_TABLE_TOPICS,
  pinotTables,
  readPinotSchema,
  readPinotTableConfig,
  schemaColumns,
  type PinotSchema,
} from '../../pinot/tables.ts';
import { scenario as pageview } from '../../scenarios/pageview/index.ts';
import { repoPath } from './helpers.ts';

const config = loadConfig({});
const feeds = pageview.sessionFeeds!(config);

const PRIMARY_KEYS: Record<string, string[]> = {
  pageview_country: ['country'],
  pageview_tumbling: ['source', 'window_start'],
  pageview_hopping: ['source', 'window_start'],
  pageview_session: ['source', 'window_start'],
};

function fieldType(schema: PinotSchema, column: string): string | undefined {
  return [...(schema.dimensionFieldSpecs ?? []), ...(schema.metricFieldSpecs ?? []), ...(schema.dateTimeFieldSpecs ?? [])].find((spec) => spec.name === column)
    ?.dataType;
}

describe('pinot/: files', () => {
  it('has one schema and one table config per table, and nothing else', () => {
    const expected = PINOT_TABLE_NAMES.map((n) => `${n}.json`).sort();
    expect(readdirSync(repoPath('pinot/schemas')).sort()).toEqual(expected);
    expect(readdirSync(repoPath('pinot/tables')).sort()).toEqual(expected);
  });

  for (const name of PINOT_TABLE_NAMES) {
    describe(name, () => {
      const schema = readPinotSchema(name);
      const table = readPinotTableConfig(name);
      const columns = schemaColumns(schema);

      it('names schema and table alike, raw (POST /tables adds _REALTIME)', () => {
        expect(schema.schemaName).toBe(name);
        expect(table.tableName).toBe(name);
        expect(table.tableType).toBe('REALTIME');
        expect(table.segmentsConfig.schemaName).toBe(name);
        expect(new Set(columns).size).toBe(columns.length);
      });

      it('has an epoch-millis time column that the segments use', () => {
        const time = table.segmentsConfig.timeColumnName;
        const spec = schema.dateTimeFieldSpecs?.find((s) => s.name === time);
        expect(spec, `time column ${time}`).toBeDefined();
        for (const s of schema.dateTimeFieldSpecs!) {
          expect(s.dataType).toBe('LONG');
          expect(s.format).toBe('1:MILLISECONDS:EPOCH');
          expect(s.granularity).toBe('1:MILLISECONDS');
        }
        expect(table.segmentsConfig.replication).toBe('1');
      });

      it('is an upsert (FULL) table on its key, with strict replica-group routing', () => {
        expect(schema.primaryKeyColumns).toEqual(PRIMARY_KEYS[name]);
        for (const key of schema.primaryKeyColumns!) expect(columns).toContain(key);
        expect(table.upsertConfig?.mode).toBe('FULL');
        for (const column of table.upsertConfig?.comparisonColumns ?? []) {
          expect(columns).toContain(column);
          expect(['INT', 'LONG', 'FLOAT', 'DOUBLE']).toContain(fieldType(schema, column));
        }
        expect(table.routing?.instanceSelectorType).toBe('strictReplicaGroup');
      });

      it('consumes its Kafka topic with the lowlevel consumer, JSON decoder, from the smallest offset', () => {
        const stream = table.tableIndexConfig.streamConfigs;
        expect(stream.streamType).toBe('kafka');
        expect(stream['stream.kafka.consumer.type']).toBe('lowlevel');
        expect(stream['stream.kafka.decoder.class.name']).toBe('org.apache.pinot.plugin.stream.kafka.KafkaJSONMessageDecoder');
        expect(stream['stream.kafka.consumer.factory.class.name']).toBe('org.apache.pinot.plugin.stream.kafka20.KafkaConsumerFactory');
        expect(stream['stream.kafka.consumer.prop.auto.offset.reset']).toBe('smallest');
        expect(stream['stream.kafka.topic.name']).toBe(config.topics[PINOT_TABLE_TOPICS[name]]);
        expect(stream['stream.kafka.broker.list']).toBe(DOCKER_BROKER_LIST);
        for (const [key, value] of Object.entries(stream)) expect(typeof value, key).toBe('string');
      });

      it('reads exactly the value columns the ksql statement writing its topic produces (through its session feed), with matching types', () => {
        const read = config.topics[PINOT_TABLE_TOPICS[name]];
        const feed = feeds.find((f) => f.target === read);
        const topic = feed?.source ?? read;
        const writers = renderedStatements(config)
          .map(describeStatement)
          .filter((d) => d?.query && d.topic === topic);
        expect(writers).toHaveLength(1);
        const writer = writers[0]!;
        // A session feed adds its delete column, which Pinot's upsert takes as deleteRecordColumn.
        const written = columns.filter((c) => c !== feed?.deleteColumn);
        if (feed) {
          expect(fieldType(schema, feed.deleteColumn)).toBe('BOOLEAN');
          expect(table.upsertConfig).toMatchObject({ mode: 'FULL', comparisonColumns: [feed.windowEndColumn], deleteRecordColumn: feed.deleteColumn });
          expect([feed.keyColumn, feed.windowStartColumn]).toEqual(schema.primaryKeyColumns);
          expect([writer.expressions[feed.windowStartColumn], writer.expressions[feed.windowEndColumn]]).toEqual(['WINDOWSTART', 'WINDOWEND']);
        }
        expect([...writer.valueColumns].sort()).toEqual([...written].sort());
        for (const column of written) {
          const expression = writer.expressions[column]!;
          const expected = /^AS_VALUE\(/.test(expression)
            ? 'STRING'
            : /^AVG\(/.test(expression)
              ? 'DOUBLE'
              : /^(COUNT|COUNT_DISTINCT|MAX)\(|^WINDOW(START|END)$/.test(expression)
                ? 'LONG'
                : undefined;
          expect(fieldType(schema, column), `${column} = ${expression}`).toBe(expected);
        }
        // The upsert key must travel with the Kafka key so that one partition holds all versions of a row.
        const grouping = writer.keyColumns.map((k) => writer.expressions[k]);
        const copied = schema
          .primaryKeyColumns!.filter((k) => /^AS_VALUE\(/.test(writer.expressions[k]!))
          .map((k) => /^AS_VALUE\((.*)\)$/.exec(writer.expressions[k]!)![1]);
        expect(copied).toEqual(grouping);
      });
    });
  }
});

describe('pinot/tables.ts: pinotTables(config)', () => {
  it('returns the four tables in pipeline order with their config topics', () => {
    const tables = pinotTables(config);
    expect(tables.map((t) => t.name)).toEqual([...PINOT_TABLE_NAMES]);
    expect(tables.map((t) => t.topic)).toEqual(['topic5', 'topic6', 'topic7', 'topic8_pinot']);
    for (const t of tables) {
      expect(t.schema.schemaName).toBe(t.name);
      expect(t.tableConfig.tableName).toBe(t.name);
      expect(t.tableConfig.tableIndexConfig.streamConfigs['stream.kafka.topic.name']).toBe(t.topic);
    }
  });

  it('substitutes topic names and the broker list from config', () => {
    const custom = loadConfig({
      TOPIC_PAGEVIEW_COUNTRY: 'by_country',
      TOPIC_PAGEVIEW_SESSION_FEED: 'sessions_out',
      KAFKA_BOOTSTRAP_SERVERS: '10.0.0.1:9092,10.0.0.2:9092',
    });
    const tables = pinotTables(custom);
    expect(tables.map((t) => t.topic)).toEqual(['by_country', 'topic6', 'topic7', 'sessions_out']);
    for (const t of tables) {
      const stream = t.tableConfig.tableIndexConfig.streamConfigs;
      expect(stream['stream.kafka.topic.name']).toBe(t.topic);
      expect(stream['stream.kafka.broker.list']).toBe('10.0.0.1:9092,10.0.0.2:9092');
    }
    expect(pinotTables(config)[0]!.tableConfig.tableIndexConfig.streamConfigs['stream.kafka.broker.list']).toBe('127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094');
  });

  it('takes an explicit broker list for the compose network', () => {
    for (const t of pinotTables(config, { brokerList: DOCKER_BROKER_LIST })) {
      expect(t.tableConfig.tableIndexConfig.streamConfigs['stream.kafka.broker.list']).toBe(DOCKER_BROKER_LIST);
    }
  });

  it('returns fresh objects, so a caller can change one without touching the next call', () => {
    const first = pinotTables(config);
    first[0]!.tableConfig.tableIndexConfig.streamConfigs['stream.kafka.topic.name'] = 'mutated';
    first[0]!.schema.schemaName = 'mutated';
    const second = pinotTables(config);
    expect(second[0]!.topic).toBe('topic5');
    expect(second[0]!.schema.schemaName).toBe('pageview_country');
    expect(readPinotTableConfig('pageview_country').tableIndexConfig.streamConfigs['stream.kafka.topic.name']).toBe('topic5');
  });
});
