// Loads ksqlDB query-validation-test (QTT) files into runnable cases.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { testOnlyFunctionIn } from './test-only-functions.ts';

export interface QttRecord {
  topic: string;
  /** record headers, VALUE in base64 */
  headers?: { KEY: string; VALUE: string | null }[];
  key?: unknown;
  value?: unknown;
  timestamp?: number;
  window?: { start: number; end: number; type?: string };
}

export interface QttPostSource {
  name: string;
  type?: string;
  schema?: string;
  keyFormat?: { format?: string; windowType?: string; windowSize?: number | null };
  valueFormat?: string;
  isSource?: boolean;
}

export interface QttTest {
  name: string;
  statements: string[];
  format?: string[];
  properties?: Record<string, unknown>;
  inputs?: QttRecord[];
  outputs?: QttRecord[];
  expectedException?: { type?: string; message?: string };
  topics?: { name: string; partitions?: number; keyFormat?: string; valueFormat?: string }[];
  post?: { sources?: QttPostSource[]; topics?: { blacklist?: string; topics?: unknown[] } };
  enabled?: boolean;
}

export interface QttCase {
  file: string;
  /** "<file stem> - <name>[ - <format>]" */
  fullName: string;
  test: QttTest;
  statements: string[];
  format?: string;
  /** reason the case cannot run on this engine, or undefined */
  skip?: string;
}

export function findTestFiles(paths: string[]): string[] {
  const out: string[] = [];
  const visit = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) visit(join(p, e));
    } else if (p.endsWith('.json')) out.push(p);
  };
  for (const p of paths) visit(p);
  return out;
}

const SUPPORTED_FORMATS = ['JSON', 'KAFKA', 'DELIMITED'];
/** Formats whose serdes need a schema registry (out of scope): cases using them are skipped. */
const SCHEMA_REGISTRY_FORMATS = ['AVRO', 'PROTOBUF', 'JSON_SR', 'PROTOBUF_NOSR'];

/** SQL types the engine does not implement yet: cases declaring or constructing them are skipped. */
const UNSUPPORTED_TYPES: string[] = [];

/** Removes line and block comments outside strings (ksqlDB's loader allows them). */
export function stripJsonComments(text: string): string {
  let out = '';
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inStr) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') {
      inStr = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i += 2;
      while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) i++;
      i++;
    } else out += c;
  }
  return out;
}

export function loadCases(file: string): QttCase[] {
  const doc = JSON.parse(stripJsonComments(readFileSync(file, 'utf8'))) as { tests?: QttTest[]; selection?: { runFormat?: string | null }[] };
  const stem = basename(file, '.json');
  const out: QttCase[] = [];
  (doc.tests ?? []).forEach((test, i) => {
    if (test.enabled === false) return;
    const sel = doc.selection?.[i];
    let format: string | undefined;
    if (sel && sel.runFormat) format = sel.runFormat;
    else if (test.format?.length) format = test.format.find((f) => f === 'JSON') ?? test.format.find((f) => SUPPORTED_FORMATS.includes(f)) ?? test.format[0];
    const statements = test.statements.map((s) => (format ? s.replace(/\{FORMAT\}/g, format) : s));
    const fullName = `${stem} - ${test.name}${format && test.format?.length ? ' - ' + format : ''}`;
    out.push({ file, fullName, test, statements, format, skip: unsupportedFeature(statements, test) });
  });
  return out;
}

/** Names a feature this engine does not implement, so the case is reported as skipped. */
export function unsupportedFeature(statements: string[], test: QttTest): string | undefined {
  const text = statements.join('\n');
  const fmt = /(?:FORMAT|KEY_FORMAT|VALUE_FORMAT)\s*=\s*'([A-Za-z_]+)'/gi;
  for (const m of text.matchAll(fmt)) {
    const f = m[1]!.toUpperCase();
    if (SCHEMA_REGISTRY_FORMATS.includes(f)) return `format ${f}`;
  }
  const testOnly = testOnlyFunctionIn(text);
  if (testOnly) return `test-only function ${testOnly}`;
  const t = `(${UNSUPPORTED_TYPES.join('|')})`;
  const types = new RegExp(`\\b${t}\\s*[<(,)]|\\b${t}\\s+(KEY|PRIMARY)\\b|\\b${t}\\s*\\)`, 'i');
  const tm = UNSUPPORTED_TYPES.length ? types.exec(text.replace(/'[^']*'/g, "''")) : null;
  if (tm) return `type ${(tm[1] ?? tm[2] ?? tm[4])!.toUpperCase()}`;
  if (/\bSCHEMA_ID\b/i.test(text)) return 'schema registry ids';
  // a topic registered with a schema-registry format (its schema given in the case) needs the registry too
  const registered = (test.topics ?? []).flatMap((t) => [t.keyFormat, t.valueFormat]).find((f) => f && SCHEMA_REGISTRY_FORMATS.includes(f.toUpperCase()));
  if (registered) return `format ${registered.toUpperCase()}`;
  return undefined;
}
