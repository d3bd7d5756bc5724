// Runs a QTT case in-process: statements into a fresh engine, inputs through the queries
// (outputs that feed other queries are looped back), outputs compared topic by topic.
import { KsqlEngine } from '../engine.ts';
import { KsqlError } from '../errors.ts';
import { Decimal } from '../expr/decimal.ts';
import { stringifyJson } from '../expr/long.ts';
import { decodeWindowedKey, encodeWindowedKey, getFormat } from '../formats/index.ts';
import type { SinkRecord } from '../io.ts';
import type { DataSource } from '../metastore.ts';
import { parseStatements } from '../parser/parser.ts';
import { schemaToString, type Column } from '../types.ts';
import { recordMismatch, type ComparableRecord } from './compare.ts';
import type { QttCase, QttRecord, QttTest } from './loader.ts';

export interface CaseResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  reason?: string;
  detail?: string;
}

function sourceForTopic(engine: KsqlEngine, topic: string, preferSink = false): DataSource | undefined {
  const all = [...engine.metastore.sources.values()].filter((s) => s.topic === topic);
  if (preferSink) return all.find((s) => s.writeQueries.length) ?? all[0];
  return all.find((s) => !s.writeQueries.length) ?? all[0];
}

function encodePart(v: unknown, format: string, cols: Column[], isKey: boolean): Buffer | null {
  if (v === null || v === undefined) return null;
  const f = format.toUpperCase();
  if (f === 'JSON') return Buffer.from(typeof v === 'string' && !isKey && cols.length > 1 ? v : JSON.stringify(v));
  if (f === 'DELIMITED') return Buffer.from(String(v));
  if (f === 'NONE') return null;
  return getFormat(f)!.serialize([v], cols, isKey);
}

function decodePart(b: Buffer | null, format: string, cols: Column[], isKey: boolean): unknown {
  if (b === null) return null;
  const f = format.toUpperCase();
  if (f === 'JSON') {
    if (b.length === 0) return null;
    try {
      return withDecimals(JSON.parse(b.toString('utf8')), cols, isKey);
    } catch {
      return b.toString('utf8');
    }
  }
  if (f === 'DELIMITED') {
    return b.length === 0 && isKey ? null : b.toString('utf8');
  }
  if (f === 'NONE') return null;
  if (isKey && b.length === 0 && cols[0]?.type.base !== 'STRING') return null;
  return getFormat(f)!.deserialize(b, cols, isKey)[0] ?? null;
}

/**
 * A JSON record's DECIMAL columns as DECIMAL values at their column's scale: ksqlDB's harness reads
 * outputs with the sink's schema, so an expected "3.40" (text) is compared with the DECIMAL 3.40.
 */
function withDecimals(v: unknown, cols: Column[], isKey: boolean): unknown {
  const asDecimal = (x: unknown, c: Column) => (typeof x === 'number' ? Decimal.fromNumber(x).setScale(c.type.scale!) : x);
  if (cols.length === 1 && (isKey || v === null || typeof v !== 'object' || Array.isArray(v)))
    return cols[0]!.type.base === 'DECIMAL' ? asDecimal(v, cols[0]!) : v;
  if (v === null || typeof v !== 'object' || Array.isArray(v) || !cols.some((c) => c.type.base === 'DECIMAL')) return v;
  const out = { ...(v as Record<string, unknown>) };
  for (const c of cols) if (c.type.base === 'DECIMAL' && c.name in out) out[c.name] = asDecimal(out[c.name], c);
  return out;
}

export function runCase(c: QttCase): CaseResult {
  const name = c.fullName;
  if (c.skip) return { name, status: 'skipped', reason: c.skip };
  const t = c.test;
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(t.properties ?? {})) config[k] = String(v);
  const engine = new KsqlEngine({ config });
  const expectErr = t.expectedException;
  const produced: SinkRecord[] = [];
  try {
    runStatementsAndInputs(engine, c, produced);
  } catch (e) {
    if (expectErr) {
      const msg = e instanceof KsqlError ? e.message : (e as Error).message;
      return { name, status: 'passed', detail: expectErr.message && !msg.includes(expectErr.message) ? `(message differs: ${msg.split('\n')[0]})` : undefined };
    }
    const msg = e instanceof KsqlError ? e.describe() : ((e as Error).stack ?? String(e));
    return { name, status: 'failed', reason: `unexpected error: ${msg.split('\n')[0]}`, detail: msg };
  }
  if (expectErr)
    return { name, status: 'failed', reason: 'expected exception not thrown', detail: `expected ${expectErr.type ?? 'exception'}: ${expectErr.message ?? ''}` };
  const failure = outputMismatch(engine, t, produced) ?? postConditionMismatch(engine, t);
  return failure ? { name, ...failure } : { name, status: 'passed' };
}

/** A failed case's reason and detail. */
type Failure = { status: 'failed'; reason: string; detail?: string };

/**
 * Runs the case's statements, then feeds its inputs; every record produced (the inputs included) goes
 * to `produced`, and records written to a topic some query reads are fed back in.
 */
function runStatementsAndInputs(engine: KsqlEngine, c: QttCase, produced: SinkRecord[]): void {
  const offsets = new Map<string, number>();
  const feed = (rec: SinkRecord) => {
    produced.push(rec);
    const offset = offsets.get(rec.topic) ?? 0;
    offsets.set(rec.topic, offset + 1);
    const outs = engine.process({ topic: rec.topic, partition: 0, offset, timestamp: rec.timestamp, key: rec.key, value: rec.value, headers: rec.headers });
    for (const o of outs) feed(o);
  };
  for (const s of c.statements) {
    for (const st of parseStatements(s, engine.metastore.types)) {
      const r = engine.executeStatement(st);
      for (const p of r.produced) feed(p);
    }
  }
  for (const input of c.test.inputs ?? []) {
    const src = sourceForTopic(engine, input.topic);
    if (!src) throw new Error(`No source is declared on input topic ${input.topic}`);
    let key = src.schema.key.length
      ? encodePart(input.key ?? null, src.keyFormat, src.schema.key, true)
      : input.key === undefined || input.key === null
        ? null
        : encodePart(input.key, 'JSON', [], true);
    if (src.windowType && input.window) key = encodeWindowedKey(key ?? Buffer.alloc(0), input.window, src.windowType);
    const value = encodePart(input.value ?? null, src.valueFormat, src.schema.value, false);
    const headers = (input.headers ?? []).map((h) => ({
      key: h.KEY,
      value: h.VALUE === null || h.VALUE === undefined ? null : Buffer.from(h.VALUE, 'base64'),
    }));
    feed({ topic: input.topic, timestamp: input.timestamp ?? 0, key, value, headers });
  }
}

/** The expected outputs compared topic by topic with the records queries wrote, decoded with the sink's formats. */
function outputMismatch(engine: KsqlEngine, t: QttTest, produced: SinkRecord[]): Failure | undefined {
  const expected = t.outputs ?? [];
  const topics = [...new Set(expected.map((o) => o.topic))];
  for (const topic of topics) {
    const exp = expected.filter((o) => o.topic === topic);
    const sink = sourceForTopic(engine, topic, true);
    // only records written by queries or INSERT VALUES into this topic (not the test inputs)
    const inputCount = (t.inputs ?? []).filter((i) => i.topic === topic).length;
    const act = produced.filter((p) => p.topic === topic).slice(inputCount);
    const decoded = act.map((r) => decodeOutput(r, sink));
    const show = (r: ComparableRecord | QttRecord) =>
      stringifyJson({
        key: r.key ?? null,
        value: r.value ?? null,
        timestamp: r.timestamp,
        ...(r.window ? { window: r.window } : {}),
        ...(r.headers?.length ? { headers: r.headers } : {}),
      });
    const mismatch = (): string | undefined => {
      if (decoded.length !== exp.length) return `topic ${topic}: expected ${exp.length} records, got ${decoded.length}`;
      for (let i = 0; i < exp.length; i++) {
        const m = recordMismatch(exp[i]!, decoded[i]!);
        if (m) return `topic ${topic}: record ${i} ${m} differs`;
      }
      return undefined;
    };
    const m = mismatch();
    if (m) {
      const lines = [`  expected (${topic}):`, ...exp.map((r) => '    ' + show(r)), `  actual (${topic}):`, ...decoded.map((r) => '    ' + show(r))];
      return { status: 'failed', reason: m, detail: lines.join('\n') };
    }
  }
  return undefined;
}

/** A produced record as the harness compares it: key and value decoded with the sink's formats, the window split from the key. */
function decodeOutput(r: SinkRecord, sink: DataSource | undefined): ComparableRecord {
  if (!sink) return { key: r.key?.toString(), value: r.value?.toString(), timestamp: r.timestamp };
  let keyBytes = r.key;
  let window: ComparableRecord['window'];
  if (sink.windowType && keyBytes) {
    const d = decodeWindowedKey(keyBytes, sink.windowType, sink.windowSize);
    keyBytes = d.inner.length ? d.inner : null;
    window = { ...d.window, type: sink.windowType === 'SESSION' ? 'session' : 'time' };
  }
  return {
    key: sink.schema.key.length ? decodePart(keyBytes, sink.keyFormat, sink.schema.key, true) : null,
    value: decodePart(r.value, sink.valueFormat, sink.schema.value, false),
    timestamp: r.timestamp,
    window,
    ...(r.headers?.length ? { headers: r.headers.map((h) => ({ KEY: h.key, VALUE: h.value === null ? null : h.value.toString('base64') })) } : {}),
  };
}

/** The sources the case expects after it ran: each one's type, schema, key and value formats. */
function postConditionMismatch(engine: KsqlEngine, t: QttTest): Failure | undefined {
  for (const ps of t.post?.sources ?? []) {
    const src = engine.metastore.get(ps.name);
    if (!src) return { status: 'failed', reason: `post: source ${ps.name} missing` };
    if (ps.type && ps.type.toUpperCase() !== src.type) return { status: 'failed', reason: `post: ${ps.name} type ${src.type} != ${ps.type}` };
    if (ps.schema) {
      const norm = (s: string) =>
        s
          .replace(/`/g, '')
          .replace(/\bINT\b/g, 'INTEGER')
          .replace(/\bVARCHAR\b/g, 'STRING')
          .replace(/\bPRIMARY KEY\b/gi, 'KEY')
          .replace(/\s+/g, ' ')
          .replace(/\s*,\s*/g, ', ')
          .trim()
          .toUpperCase();
      const actual = schemaToString(src.schema);
      if (norm(actual) !== norm(ps.schema))
        return { status: 'failed', reason: `post: ${ps.name} schema differs`, detail: `  expected: ${ps.schema}\n  actual:   ${actual}` };
    }
    if (ps.keyFormat) {
      if (ps.keyFormat.format && ps.keyFormat.format.toUpperCase() !== src.keyFormat)
        return { status: 'failed', reason: `post: ${ps.name} key format ${src.keyFormat} != ${ps.keyFormat.format}` };
      if (ps.keyFormat.windowType !== undefined && (ps.keyFormat.windowType ?? undefined) !== src.windowType)
        return { status: 'failed', reason: `post: ${ps.name} window type ${src.windowType} != ${ps.keyFormat.windowType}` };
      if (ps.keyFormat.windowSize !== undefined && (ps.keyFormat.windowSize ?? undefined) !== src.windowSize)
        return { status: 'failed', reason: `post: ${ps.name} window size ${src.windowSize} != ${ps.keyFormat.windowSize}` };
    }
    if (ps.valueFormat && ps.valueFormat.toUpperCase() !== src.valueFormat)
      return { status: 'failed', reason: `post: ${ps.name} value format ${src.valueFormat} != ${ps.valueFormat}` };
  }
  return undefined;
}
