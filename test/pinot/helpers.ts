/** Test helpers for the embedded Pinot: a private instance on free ports, HTTP shortcuts, schema/table fixtures. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPinot, type PinotHandle, type PinotOptions } from '../../embedded/pinot/index.ts';
export { waitFor } from '../support/wait.ts';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

export interface TestPinot extends PinotHandle {
  logs: string[];
}

/** Starts Pinot on free ports; by default with an unreachable Kafka (tests feed rows through the ingestion hook). */
export async function startTestPinot(options: PinotOptions = {}): Promise<TestPinot> {
  const logs: string[] = [];
  const pinot = await startPinot({
    controllerPort: 0,
    brokerPort: 0,
    kafkaBootstrap: '127.0.0.1:1',
    retryMs: 60_000,
    log: (line) => logs.push(line),
    ...options,
  });
  return Object.assign(pinot, { logs });
}

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

export async function http<T = any>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const response = await fetch(url, init);
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** POST /query/sql on the broker. */
export async function query(pinot: PinotHandle, sql: string, extra: Record<string, unknown> = {}): Promise<any> {
  const result = await http('POST', `${pinot.brokerUrl}/query/sql`, { sql, ...extra });
  if (result.status !== 200) throw new Error(`broker answered ${result.status}: ${result.text}`);
  return result.json;
}

export function eventsSchema(name = 'events', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemaName: name,
    dimensionFieldSpecs: [
      { name: 'id', dataType: 'STRING' },
      { name: 'source', dataType: 'STRING' },
      { name: 'n', dataType: 'INT' },
      { name: 'flag', dataType: 'BOOLEAN' },
      { name: 'tags', dataType: 'STRING', singleValueField: false },
      { name: 'label', dataType: 'STRING', defaultNullValue: 'none' },
    ],
    metricFieldSpecs: [
      { name: 'views', dataType: 'LONG' },
      { name: 'score', dataType: 'DOUBLE' },
    ],
    dateTimeFieldSpecs: [{ name: 'ts', dataType: 'LONG', format: '1:MILLISECONDS:EPOCH', granularity: '1:MILLISECONDS' }],
    ...extra,
  };
}

export function realtimeTable(
  name: string,
  topic: string,
  extra: Record<string, unknown> = {},
  brokerList = 'kafka1:29092,kafka2:29092,kafka3:29092',
): Record<string, unknown> {
  return {
    tableName: name,
    tableType: 'REALTIME',
    segmentsConfig: { schemaName: name, timeColumnName: 'ts', timeType: 'MILLISECONDS', replication: '1', replicasPerPartition: '1' },
    tenants: {},
    tableIndexConfig: {
      loadMode: 'MMAP',
      streamConfigs: {
        streamType: 'kafka',
        'stream.kafka.consumer.type': 'lowlevel',
        'stream.kafka.topic.name': topic,
        'stream.kafka.broker.list': brokerList,
        'stream.kafka.decoder.class.name': 'org.apache.pinot.plugin.stream.kafka.KafkaJSONMessageDecoder',
        'stream.kafka.consumer.factory.class.name': 'org.apache.pinot.plugin.stream.kafka20.KafkaConsumerFactory',
        'stream.kafka.consumer.prop.auto.offset.reset': 'smallest',
      },
    },
    metadata: { customConfigs: {} },
    ...extra,
  };
}

/** Feeds JSON messages (objects are stringified, strings sent raw) into a table through the ingestion path. */
export async function feed(pinot: PinotHandle, table: string, partition: number, firstOffset: number, values: unknown[]): Promise<void> {
  await pinot.services.ingestion.ingestMessages(
    `${table}_REALTIME`,
    partition,
    values.map((v, i) => ({ offset: BigInt(firstOffset + i), value: v === null ? null : typeof v === 'string' ? v : JSON.stringify(v) })),
  );
}

/** Makes the storage of `table` reject rows with views >= `limit` (a stand-in for any row-level database failure). */
export async function rejectViewsFrom(pinot: PinotHandle, table: string, limit: number): Promise<void> {
  const entry = pinot.services.tables.find(table)[0]!;
  const sqlType = (col: (typeof entry.schema.columns)[number]) =>
    col.singleValue
      ? (({ INT: 'INTEGER', LONG: 'BIGINT', DOUBLE: 'DOUBLE', BOOLEAN: 'BOOLEAN' } as Record<string, string>)[col.dataType] ?? 'VARCHAR')
      : 'VARCHAR[]';
  const columns = entry.schema.columns.map((col) => `"${col.name}" ${sqlType(col)}`);
  await pinot.services.db.write((tx) => tx.run(`CREATE OR REPLACE TABLE "${entry.dataTable}" (${columns.join(', ')}, CHECK ("views" < ${limit}))`));
}
