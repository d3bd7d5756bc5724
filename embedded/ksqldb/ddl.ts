// CREATE STREAM / TABLE (with columns): builds and validates a DataSource.
import { KsqlError } from './errors.ts';
import { getFormat, KNOWN_UNSUPPORTED_FORMATS, parseDelimiter, type WindowType } from './formats/index.ts';
import type { DataSource } from './metastore.ts';
import type { ColumnDef, Props, Statement } from './parser/ast.ts';
import { HEADERS_TYPE, RESERVED_COLUMNS, T, payloadColumns, typeEquals, typeToString, type Column, type SqlType } from './types.ts';

export const SOURCE_PROPS = [
  'KAFKA_TOPIC',
  'KEY_FORMAT',
  'VALUE_FORMAT',
  'FORMAT',
  'PARTITIONS',
  'REPLICAS',
  'TIMESTAMP',
  'TIMESTAMP_FORMAT',
  'WINDOW_TYPE',
  'WINDOW_SIZE',
  'VALUE_DELIMITER',
  'KEY_DELIMITER',
  'WRAP_SINGLE_VALUE',
  'KEY_SCHEMA_ID',
  'VALUE_SCHEMA_ID',
  'KEY_SCHEMA_FULL_NAME',
  'VALUE_SCHEMA_FULL_NAME',
  'VALUE_AVRO_SCHEMA_FULL_NAME',
  'RETENTION_MS',
  'CLEANUP_POLICY',
];

export function prop(props: Props, name: string): string | undefined {
  const p = props[name];
  if (!p || p.value === null) return undefined;
  return String(p.value);
}

export function checkProps(props: Props): void {
  for (const [k, v] of Object.entries(props)) {
    if (!SOURCE_PROPS.includes(k)) throw new KsqlError(`Invalid config variable(s) in the WITH clause: ${k}`, { pos: v.pos });
  }
}

/** Resolve KEY/VALUE formats from FORMAT / KEY_FORMAT / VALUE_FORMAT with defaults. */
export function resolveFormats(props: Props, defaults: { key?: string; value?: string }): { key: string; value: string } {
  const format = prop(props, 'FORMAT')?.toUpperCase();
  const kf = prop(props, 'KEY_FORMAT')?.toUpperCase();
  const vf = prop(props, 'VALUE_FORMAT')?.toUpperCase();
  if (format && (kf || vf))
    throw new KsqlError(`Cannot supply both 'FORMAT' and '${kf ? 'KEY_FORMAT' : 'VALUE_FORMAT'}' properties, as 'FORMAT' sets both key and value formats.`);
  const key = format ?? kf ?? defaults.key;
  const value = format ?? vf ?? defaults.value;
  if (!value) throw new KsqlError('Missing required property "VALUE_FORMAT" which has no default value.');
  for (const f of [key ?? 'KAFKA', value]) {
    if (!getFormat(f)) {
      if (KNOWN_UNSUPPORTED_FORMATS.includes(f)) throw new KsqlError(`Format not supported by this engine: ${f}`);
      throw new KsqlError(`Unknown format: ${f}`);
    }
  }
  return { key: key ?? 'KAFKA', value };
}

/** Schema-registry only properties are rejected for formats that have no schema registry. */
export function checkSchemaNames(props: Props, formats: { key: string; value: string }): void {
  for (const [p, f] of [
    ['VALUE_SCHEMA_FULL_NAME', formats.value],
    ['VALUE_AVRO_SCHEMA_FULL_NAME', formats.value],
    ['KEY_SCHEMA_FULL_NAME', formats.key],
  ] as const) {
    if (props[p] && !['AVRO', 'PROTOBUF', 'JSON_SR'].includes(f))
      throw new KsqlError(`${f} does not support the following configs: [fullSchemaName]`, { pos: props[p]!.pos });
  }
}

/** KEY_DELIMITER / VALUE_DELIMITER, only valid with DELIMITED; undefined when not given. */
export function resolveDelimiters(props: Props, formats: { key: string; value: string }): { key?: string; value?: string } {
  const out: { key?: string; value?: string } = {};
  for (const [p, f, k] of [
    ['KEY_DELIMITER', formats.key, 'key'],
    ['VALUE_DELIMITER', formats.value, 'value'],
  ] as const) {
    const v = props[p];
    if (!v || v.value === null) continue;
    if (f !== 'DELIMITED') throw new KsqlError(`${f} does not support the following configs: [delimiter]`, { pos: v.pos });
    try {
      out[k] = parseDelimiter(p, String(v.value));
    } catch (e) {
      throw new KsqlError((e as Error).message, { pos: v.pos });
    }
  }
  return out;
}

/** WRAP_SINGLE_VALUE from the WITH clause (undefined when not given), validated against the value schema. */
export function resolveWrapping(props: Props, valueFormat: string, valueColumns: number): boolean | undefined {
  const p = props['WRAP_SINGLE_VALUE'];
  if (!p || p.value === null) return undefined;
  const v = typeof p.value === 'boolean' ? p.value : String(p.value).toLowerCase() === 'true';
  if (valueFormat === 'KAFKA' && v) throw new KsqlError("Format 'KAFKA' does not support 'WRAP_SINGLE_VALUE' set to 'true'.", { pos: p.pos });
  if (valueFormat === 'DELIMITED' && v) throw new KsqlError("Format 'DELIMITED' does not support 'WRAP_SINGLE_VALUE' set to 'true'.", { pos: p.pos });
  if (valueColumns !== 1) throw new KsqlError("'WRAP_SINGLE_VALUE' is only valid for single-field value schemas", { pos: p.pos });
  return v;
}

function containsMap(t: SqlType): boolean {
  if (t.base === 'MAP') return true;
  if (t.base === 'ARRAY') return containsMap(t.item!);
  if (t.base === 'STRUCT') return t.fields!.some((f) => containsMap(f.type));
  return false;
}

export function validateFormats(keyFormat: string, valueFormat: string, key: Column[], value: Column[]): void {
  value = payloadColumns(value);
  const mapKey = key.find((c) => containsMap(c.type));
  if (mapKey) {
    throw new KsqlError(
      `Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: \`${mapKey.name}\`. Column type: ${typeToString(mapKey.type)}. See https://github.com/confluentinc/ksql/issues/6621 for more.`,
    );
  }
  // ksqlDB names the columns as its Persistence schema prints them
  const persistence = (cols: Column[], suffix: string) =>
    `Persistence{columns=[${cols.map((c) => `\`${c.name}\` ${typeToString(c.type)}${suffix}`).join(', ')}], features=[]}`;
  const kErr = getFormat(keyFormat)!.validate(key, true);
  if (kErr) throw new KsqlError(`Key format does not support schema.\nformat: ${keyFormat}\nschema: ${persistence(key, ' KEY')}\nreason: ${kErr}`);
  const vErr = getFormat(valueFormat)!.validate(value, false);
  if (vErr) throw new KsqlError(`Value format does not support schema.\nformat: ${valueFormat}\nschema: ${persistence(value, '')}\nreason: ${vErr}`);
}

export function parseWindowSize(text: string): number | undefined {
  const m = /^\s*(\d+)\s*([A-Za-z]+)\s*$/.exec(text);
  if (!m) return undefined;
  const units: Record<string, number> = {
    MILLISECOND: 1,
    MILLISECONDS: 1,
    SECOND: 1000,
    SECONDS: 1000,
    MINUTE: 60000,
    MINUTES: 60000,
    HOUR: 3600000,
    HOURS: 3600000,
    DAY: 86400000,
    DAYS: 86400000,
  };
  const u = units[m[2]!.toUpperCase()];
  return u === undefined ? undefined : Number(m[1]) * u;
}

export function validateTimestampColumn(name: string | undefined, cols: Column[], format?: string): string | undefined {
  if (name === undefined) return undefined;
  const col = cols.find((c) => c.name === name) ?? cols.find((c) => c.name === name.toUpperCase());
  if (!col) throw new KsqlError(`The TIMESTAMP column set in the WITH clause does not exist in the schema: '${name.toUpperCase()}'`);
  if (col.type.base === 'BIGINT' || col.type.base === 'TIMESTAMP') return col.name;
  if (col.type.base === 'STRING' && format) return col.name;
  throw new KsqlError(`Timestamp column, \`${col.name}\`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified.`);
}

/** A HEADERS column is ARRAY<STRUCT<KEY STRING, VALUE BYTES>>, a HEADER('k') column BYTES. */
function checkHeaderColumn(c: ColumnDef): void {
  const all = c.header!.key === undefined;
  const expected = all ? HEADERS_TYPE : T.BYTES;
  if (!typeEquals(c.type, expected)) {
    throw new KsqlError(
      `Invalid type for ${all ? 'HEADERS' : `HEADER('${c.header!.key}')`} column: expected ${typeToString(expected)}, got ${typeToString(c.type)}`,
      { pos: c.pos },
    );
  }
}

export function buildSource(st: Extract<Statement, { kind: 'createSource' }>, config: Record<string, string> = {}): DataSource {
  checkProps(st.props);
  const topic = prop(st.props, 'KAFKA_TOPIC');
  if (!topic) throw new KsqlError('Missing required property "KAFKA_TOPIC" which has no default value.', { pos: st.pos });
  const isTable = st.sourceType === 'TABLE';
  const key: Column[] = [];
  const value: Column[] = [];
  const seen = new Set<string>();
  for (const c of st.columns) {
    if (seen.has(c.name)) throw new KsqlError(`Duplicate column names: ${c.name}`, { pos: c.pos });
    seen.add(c.name);
    if (RESERVED_COLUMNS.includes(c.name)) throw new KsqlError(`'${c.name}' is a reserved column name.`, { pos: c.pos });
    if (isTable && c.key)
      throw new KsqlError(
        `Column \`${c.name}\` is a 'KEY' column: please use 'PRIMARY KEY' for tables.\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.`,
        { pos: c.pos },
      );
    if (!isTable && c.primaryKey)
      throw new KsqlError(
        `Column \`${c.name}\` is a 'PRIMARY KEY' column: please use 'KEY' for streams.\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.`,
        { pos: c.pos },
      );
    if (c.header) checkHeaderColumn(c);
    (c.key || c.primaryKey ? key : value).push({
      name: c.name,
      type: c.type,
      namespace: c.key || c.primaryKey ? 'KEY' : 'VALUE',
      ...(c.header ? { header: c.header } : {}),
    });
  }
  if (!st.columns.length) throw new KsqlError('The statement does not define any columns.', { pos: st.pos });
  if (isTable && key.length === 0) throw new KsqlError('Tables require a PRIMARY KEY. Please define the PRIMARY KEY.', { pos: st.pos });
  const formats = resolveFormats(st.props, {
    key: config['ksql.persistence.default.format.key'] ?? 'KAFKA',
    value: config['ksql.persistence.default.format.value'],
  });
  checkSchemaNames(st.props, formats);
  const delims = resolveDelimiters(st.props, formats);
  validateFormats(formats.key, formats.value, key, value);
  let windowType: WindowType | undefined;
  let windowSize: number | undefined;
  const wt = prop(st.props, 'WINDOW_TYPE');
  if (wt) {
    const t = wt.toUpperCase();
    if (t !== 'SESSION' && t !== 'TUMBLING' && t !== 'HOPPING')
      throw new KsqlError(`WINDOW_TYPE property is not set correctly. value: ${wt}, validValues: [SESSION, HOPPING, TUMBLING]`);
    windowType = t;
    const ws = prop(st.props, 'WINDOW_SIZE');
    if (t !== 'SESSION') {
      if (!ws) throw new KsqlError(`Tumbling and Hopping window types should set WINDOW_SIZE in the WITH clause.`);
      windowSize = parseWindowSize(ws);
      if (windowSize === undefined) throw new KsqlError(`Invalid WINDOW_SIZE property : ${ws}`);
    } else if (ws) throw new KsqlError('Session windows should not have WINDOW_SIZE set in the WITH clause.');
    if (key.length === 0) throw new KsqlError('Windowed sources require a key column.');
  }
  const tsFormat = prop(st.props, 'TIMESTAMP_FORMAT');
  const tsCol = validateTimestampColumn(prop(st.props, 'TIMESTAMP'), [...key, ...value], tsFormat);
  return {
    name: st.name,
    type: st.sourceType,
    schema: { key, value },
    topic,
    keyFormat: formats.key,
    valueFormat: formats.value,
    keyDelimiter: delims.key,
    valueDelimiter: delims.value,
    wrapSingleValue: resolveWrapping(st.props, formats.value, payloadColumns(value).length),
    timestampColumn: tsCol,
    timestampFormat: tsFormat,
    windowType,
    windowSize,
    partitions: Number(prop(st.props, 'PARTITIONS') ?? 1),
    replicas: Number(prop(st.props, 'REPLICAS') ?? 1),
    isSource: st.source,
    sql: st.text,
    writeQueries: [],
  };
}
