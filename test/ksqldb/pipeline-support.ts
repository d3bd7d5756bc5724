/** Shared pieces of the ksqlDB server tests: config with small windows, REST calls, topic reads with kcat. */
import { loadConfig, type AppConfig } from '../../config/index.ts';
import { renderedStatements } from '../../ksql/statements.ts';
import type { Kafka } from 'kafkajs';
import { run, waitFor } from '../support/kafka.ts';
import { readRanges, topicRanges } from '../../embedded/common/topic-reader.ts';
import type { KsqlDbHandle } from '../../embedded/ksqldb/index.ts';

/** Tumbling 10 s, hopping 20 s by 10 s, session gap 5 s; 2 partitions, 1 replica. */
export function smallConfig(): AppConfig {
  return loadConfig({
    KAFKA_BROKERS: '1',
    KAFKA_PARTITIONS: '2',
    KAFKA_REPLICATION_FACTOR: '1',
    WINDOW_TUMBLING_SECONDS: '10',
    WINDOW_HOPPING_SECONDS: '20',
    WINDOW_HOPPING_ADVANCE_SECONDS: '10',
    WINDOW_SESSION_GAP_SECONDS: '5',
  });
}

export function pipelineStatements(config: AppConfig = smallConfig()): string[] {
  return renderedStatements(config);
}

export async function postJson(
  url: string,
  body: unknown,
  accept = 'application/json',
): Promise<{ status: number; type: string | null; text: string; json: () => unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', accept },
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), text, json: () => JSON.parse(text) as unknown };
}

/** Applies statements through /ksql, one request each (as ksql/apply does), reading from earliest. */
export async function applyStatements(server: KsqlDbHandle, statements: string[]): Promise<void> {
  for (const ksql of statements) {
    const r = await postJson(`${server.url}/ksql`, { ksql, streamsProperties: { 'ksql.streams.auto.offset.reset': 'earliest' } });
    if (r.status !== 200) throw new Error(`${r.status} ${r.text}`);
  }
}

export interface TopicRecord {
  key: string | null;
  value: string | null;
  partition: number;
  offset: number;
}

/** Every record of a topic, read with kcat (-e: stop at the end). */
export async function readTopic(bootstrap: string, topic: string): Promise<TopicRecord[]> {
  const r = await run('kcat', ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-J']);
  if (r.code !== 0) throw new Error(`kcat failed: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const j = JSON.parse(l) as { key: string | null; payload: string | null; partition: number; offset: number };
      return { key: j.key, value: j.payload, partition: j.partition, offset: j.offset };
    });
}

/** Latest value per key (partition + key bytes), tombstones removing the key. */
export function latestByKey(records: TopicRecord[]): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const r of [...records].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
    const k = `${r.partition}/${r.key}`;
    if (r.value === null || r.value === '') out.delete(k);
    else out.set(k, JSON.parse(r.value) as Record<string, unknown>);
  }
  return out;
}

export async function caughtUp(server: KsqlDbHandle, timeoutMs = 20_000): Promise<void> {
  await waitFor('queries to catch up', async () => ((await server.runtime.caughtUp()) ? true : undefined), timeoutMs, 50);
}

/** Sorted "source window_start view_count user_count" lines of a windowed table's final rows. */
export function windowRows(rows: Map<string, Record<string, unknown>>, t0: number): string[] {
  return [...rows.values()]
    .map((v) => `${v.source} ${(Number(v.window_start) - t0) / 1000} ${(Number(v.window_end) - t0) / 1000} views=${v.view_count} users=${v.user_count}`)
    .sort();
}

/** Every record of a topic with exact key/value bytes (kafkajs), keyed by hex key: latest value wins. */
export async function latestByKeyBytes(
  kafka: Kafka,
  topic: string,
): Promise<{ count: number; latest: Map<string, string | null>; records: { key: string; value: string | null }[] }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const msgs = await readRanges(kafka, new Map([[topic, await topicRanges(admin, topic)]]));
    const latest = new Map<string, string | null>();
    const records = msgs.map((m) => ({ key: m.key?.toString('hex') ?? '', value: m.value?.toString('utf8') ?? null }));
    for (const r of records) latest.set(r.key, r.value);
    return { count: msgs.length, latest, records };
  } finally {
    await admin.disconnect();
  }
}
