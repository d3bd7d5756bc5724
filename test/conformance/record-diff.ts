/**
 * Record-for-record comparison of two connectors' output topics (the real Debezium's and ours): records are
 * grouped by topic (the topic prefix replaced by `<prefix>`) and key, kept in offset order within a key (Kafka's
 * only order guarantee), normalised (timing and version fields), and diffed field by field. A difference is a
 * path (`typed {"id":1} #0 value.payload.source.thread`) with the two values; struct schemas are compared by
 * field name, with the order of their fields as one more path (`…fields.$order`).
 */

export interface TopicRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  payload: string | null;
}

export interface Difference {
  path: string;
  reference: unknown;
  ours: unknown;
}

/** Values that differ from run to run or by version string, replaced by a placeholder when present. */
const TIMING_FIELDS = new Set(['ts_ms', 'ts_us', 'ts_ns']);

function isStructSchema(value: unknown): value is { type: 'struct'; fields: { field: string }[] } {
  return (
    typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'struct' && Array.isArray((value as { fields?: unknown }).fields)
  );
}

/** The prefix in topic-derived names (`real.db.t.Value`, `source.name`) becomes `<prefix>`; timing and version become placeholders. */
export function normalise(value: unknown, prefix: string, key?: string): unknown {
  if (typeof value === 'string') {
    if (value === prefix) return '<prefix>';
    if (value.startsWith(`${prefix}.`)) return `<prefix>${value.slice(prefix.length)}`;
    return value;
  }
  if (key !== undefined && TIMING_FIELDS.has(key) && typeof value === 'number') return '<time>';
  if (Array.isArray(value)) return value.map((v) => normalise(v, prefix));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = normalise(v, prefix, k);
  // A snapshot read (op r) carries the binlog position at which its connector's snapshot began: the two
  // connectors snapshot moments apart, and other databases of the same server (the test run's shared MariaDB)
  // write to the one binlog in between, so that position is timing. Streamed changes keep their exact position.
  // The same holds for the schema change events of the snapshot's schema read (a `ddl`, source.snapshot "true").
  const snapshotDdl = 'ddl' in out && (out.source as { snapshot?: unknown } | null)?.snapshot === 'true';
  if ((out.op === 'r' || snapshotDdl) && typeof out.source === 'object' && out.source !== null && 'pos' in out.source) {
    out.source = { ...(out.source as Record<string, unknown>), pos: '<snapshot position>' };
  }
  if (isStructSchema(value)) {
    const fields = out.fields as Record<string, unknown>[];
    out.fields = Object.fromEntries(fields.map((f) => [String(f.field), f]));
    (out.fields as Record<string, unknown>).$order = fields.map((f) => f.field);
  }
  return out;
}

/** Every leaf where `reference` and `ours` differ (a field missing on one side is `undefined` there). */
export function diffValues(reference: unknown, ours: unknown, path: string): Difference[] {
  if (Array.isArray(reference) && Array.isArray(ours)) {
    // A list of names or values (`$order`, enum values) is one difference; a list of structs is compared item by item.
    if ([...reference, ...ours].every((v) => typeof v !== 'object' || v === null)) {
      return JSON.stringify(reference) === JSON.stringify(ours) ? [] : [{ path, reference, ours }];
    }
    const out: Difference[] = [];
    for (let i = 0; i < Math.max(reference.length, ours.length); i++) out.push(...diffValues(reference[i], ours[i], `${path}[${i}]`));
    return out;
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(reference) && isObject(ours)) {
    const keys = [...new Set([...Object.keys(reference), ...Object.keys(ours)])];
    return keys.flatMap((k) => diffValues(reference[k], ours[k], path === '' ? k : `${path}.${k}`));
  }
  return Object.is(reference, ours) ? [] : [{ path, reference, ours }];
}

export interface CompareOptions {
  /** Topic prefix of each side (topic.prefix of its connector). */
  referencePrefix: string;
  oursPrefix: string;
  /** Compare partitions too (only meaningful when both sides' key bytes are equal: schemas disabled). */
  partitions: boolean;
}

interface Side {
  /** `<logical topic> <normalised key>` → records in offset order. */
  byKey: Map<string, { partition: number; key: unknown; value: unknown }[]>;
}

function group(records: TopicRecord[], prefix: string): Side {
  const byKey: Side['byKey'] = new Map();
  const sorted = [...records].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  for (const r of sorted) {
    const topic = String(normalise(r.topic, prefix)).replace(/^<prefix>\./, '');
    const key = r.key === null ? null : normalise(JSON.parse(r.key), prefix);
    const keyPayload = key !== null && typeof key === 'object' && 'payload' in key ? (key as { payload: unknown }).payload : key;
    const id = `${topic} ${JSON.stringify(keyPayload)}`;
    if (!byKey.has(id)) byKey.set(id, []);
    byKey.get(id)!.push({ partition: r.partition, key, value: r.payload === null ? null : normalise(JSON.parse(r.payload), prefix) });
  }
  return { byKey };
}

/** Every difference between the two sides' records, key by key and record by record. */
export function compareRecords(reference: TopicRecord[], ours: TopicRecord[], options: CompareOptions): Difference[] {
  const ref = group(reference, options.referencePrefix);
  const our = group(ours, options.oursPrefix);
  const out: Difference[] = [];
  for (const id of [...new Set([...ref.byKey.keys(), ...our.byKey.keys()])]) {
    const a = ref.byKey.get(id) ?? [];
    const b = our.byKey.get(id) ?? [];
    if (a.length !== b.length) out.push({ path: `${id} count`, reference: a.length, ours: b.length });
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const record = { key: a[i]!.key, value: a[i]!.value, ...(options.partitions ? { partition: a[i]!.partition } : {}) };
      const mine = { key: b[i]!.key, value: b[i]!.value, ...(options.partitions ? { partition: b[i]!.partition } : {}) };
      out.push(...diffValues(record, mine, `${id} #${i}`).map((d) => ({ ...d, path: d.path.replace(/ #(\d+)\./, ' #$1 ') })));
    }
  }
  return out;
}
