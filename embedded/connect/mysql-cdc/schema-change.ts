/**
 * Debezium's schema change events (include.schema.changes, default true): records on the topic named
 * `topic.prefix`, always partition 0, key `io.debezium.connector.mysql.SchemaChangeKey` {databaseName}, value
 * `io.debezium.connector.mysql.SchemaChangeValue` {source, ts_ms, databaseName, schemaName, ddl, tableChanges}.
 * A table change describes the table after the statement the way Debezium's MySQL DDL parser models it
 * (io.debezium.connector.schema.Table / Column): ours reads the same facts from information_schema.
 *
 * What Debezium 2.7 emits (BinlogSnapshotChangeEventSource.readTableStructure, BinlogDatabaseSchema.parseDdl,
 * BinlogStreamingChangeEventSource.handleQueryEvent, EventDispatcher.SchemaChangeEventReceiver):
 * - snapshot: `SET character_set_server=…, collation_server=…` (database ""), `DROP TABLE IF EXISTS` of every
 *   base table of the captured databases, then per database `DROP DATABASE IF EXISTS`, `CREATE DATABASE … CHARSET …
 *   COLLATE …`, `USE`, and each table's `SHOW CREATE TABLE` (a CREATE change): every table of a captured database,
 *   captured or not (schema.history.internal.store.only.captured.tables.ddl is false by default);
 * - streaming: each DDL statement of the binlog whose database passes the database filters (a table's database,
 *   else the statement's default database; "" passes), as CREATE / ALTER / DROP / TRUNCATE table changes or as a
 *   database-level event without table changes. Checked record for record against real Debezium 2.7.4 by
 *   test/conformance/connect.test.ts.
 */
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { primitive, struct, type Schema, type SchemaAndValue } from '../data/schema.ts';
import { DEBEZIUM_VERSION } from './cdc-config.ts';
import { SOURCE_SCHEMA, type SourceInfo } from './envelope.ts';

export type TableChangeType = 'CREATE' | 'ALTER' | 'DROP' | 'TRUNCATE';

export interface ColumnDescription {
  name: string;
  jdbcType: number;
  nativeType: null;
  typeName: string;
  typeExpression: string;
  charsetName: string | null;
  length: number | null;
  scale: number | null;
  position: number;
  optional: boolean;
  autoIncremented: boolean;
  generated: boolean;
  comment: string | null;
  defaultValueExpression: string | null;
  enumValues: string[] | null;
}

export interface TableDescription {
  defaultCharsetName: string | null;
  primaryKeyColumnNames: string[];
  columns: ColumnDescription[];
  comment: string | null;
}

export interface TableChange {
  type: TableChangeType;
  database: string;
  table: string;
  /** The table after the statement; null for a DROP. */
  description: TableDescription | null;
}

export interface SchemaChangeEvent {
  databaseName: string;
  ddl: string;
  /** source.table: the table the statement changes (null for database-level statements). */
  table: string | null;
  changes: TableChange[];
}

const optional = (type: 'string' | 'int32' | 'boolean'): Schema => primitive(type, true);
const required = (type: 'string' | 'int32'): Schema => primitive(type, false);
const stringList = (): Schema => ({ type: 'array', optional: true, items: primitive('string', false) });

const COLUMN_SCHEMA: Schema = {
  ...struct('io.debezium.connector.schema.Column', [
    { name: 'name', schema: required('string') },
    { name: 'jdbcType', schema: required('int32') },
    { name: 'nativeType', schema: optional('int32') },
    { name: 'typeName', schema: required('string') },
    { name: 'typeExpression', schema: optional('string') },
    { name: 'charsetName', schema: optional('string') },
    { name: 'length', schema: optional('int32') },
    { name: 'scale', schema: optional('int32') },
    { name: 'position', schema: required('int32') },
    { name: 'optional', schema: optional('boolean') },
    { name: 'autoIncremented', schema: optional('boolean') },
    { name: 'generated', schema: optional('boolean') },
    { name: 'comment', schema: optional('string') },
    { name: 'defaultValueExpression', schema: optional('string') },
    { name: 'enumValues', schema: stringList() },
  ]),
  version: 1,
};

const TABLE_SCHEMA: Schema = {
  ...struct(
    'io.debezium.connector.schema.Table',
    [
      { name: 'defaultCharsetName', schema: optional('string') },
      { name: 'primaryKeyColumnNames', schema: stringList() },
      { name: 'columns', schema: { type: 'array', optional: false, items: COLUMN_SCHEMA } },
      { name: 'comment', schema: optional('string') },
    ],
    true,
  ),
  version: 1,
};

const CHANGE_SCHEMA: Schema = {
  ...struct('io.debezium.connector.schema.Change', [
    { name: 'type', schema: required('string') },
    { name: 'id', schema: required('string') },
    { name: 'table', schema: TABLE_SCHEMA },
  ]),
  version: 1,
};

export const SCHEMA_CHANGE_KEY_SCHEMA: Schema = {
  ...struct('io.debezium.connector.mysql.SchemaChangeKey', [{ name: 'databaseName', schema: required('string') }]),
  version: 1,
};

export const SCHEMA_CHANGE_VALUE_SCHEMA: Schema = {
  ...struct('io.debezium.connector.mysql.SchemaChangeValue', [
    { name: 'source', schema: SOURCE_SCHEMA },
    { name: 'ts_ms', schema: primitive('int64', false) },
    { name: 'databaseName', schema: optional('string') },
    { name: 'schemaName', schema: optional('string') },
    { name: 'ddl', schema: optional('string') },
    { name: 'tableChanges', schema: { type: 'array', optional: false, items: CHANGE_SCHEMA } },
  ]),
  version: 1,
};

/** The key and value of one schema change event (source as Debezium's: snapshot "true" or "false", row 0). */
export function schemaChangeRecord(topicPrefix: string, event: SchemaChangeEvent, source: SourceInfo): { key: SchemaAndValue; value: SchemaAndValue } {
  const ts = BigInt(source.tsMs);
  return {
    key: { schema: SCHEMA_CHANGE_KEY_SCHEMA, value: { databaseName: event.databaseName } },
    value: {
      schema: SCHEMA_CHANGE_VALUE_SCHEMA,
      value: {
        source: {
          version: DEBEZIUM_VERSION,
          connector: 'mysql',
          name: topicPrefix,
          ts_ms: source.tsMs,
          snapshot: source.snapshot,
          db: event.databaseName,
          sequence: null,
          ts_us: source.tsMs * 1000,
          ts_ns: ts * 1_000_000n,
          table: event.table,
          server_id: source.serverId,
          gtid: null,
          file: source.file,
          pos: source.pos,
          row: 0,
          thread: null,
          query: null,
        },
        ts_ms: Date.now(),
        databaseName: event.databaseName,
        schemaName: null,
        ddl: event.ddl,
        tableChanges: event.changes.map((c) => ({
          type: c.type,
          id: `"${c.database}"."${c.table}"`,
          table: c.description,
        })),
      },
    },
  };
}

/** java.sql.Types of each MySQL type as Debezium's MySQL DDL parser resolves it (MySqlAntlrDdlParser.initDataTypes). */
const JDBC_TYPES: Record<string, number> = {
  char: 1,
  varchar: 12,
  tinytext: 12,
  text: 12,
  mediumtext: 12,
  longtext: 12,
  long: 12,
  tinyint: 5,
  smallint: 5,
  mediumint: 4,
  int: 4,
  integer: 4,
  bigint: -5,
  year: 4,
  real: 7,
  double: 8,
  float: 6,
  decimal: 3,
  numeric: 2,
  bit: -7,
  time: 92,
  timestamp: 2014,
  datetime: 93,
  date: 91,
  binary: -2,
  varbinary: -3,
  tinyblob: 2004,
  blob: 2004,
  mediumblob: 2004,
  longblob: 2004,
  bool: 16,
  boolean: 16,
  enum: 1,
  set: 1,
  nchar: -15,
  nvarchar: -9,
  character: 1,
  dec: 3,
  fixed: 3,
  serial: -5,
  int1: 5,
  int2: 5,
  int3: 4,
  int4: 4,
  int8: -5,
  middleint: 4,
  float4: 6,
  float8: 8,
  json: 1111,
  geometry: 1111,
  point: 1111,
  linestring: 1111,
  polygon: 1111,
  multipoint: 1111,
  multilinestring: 1111,
  multipolygon: 1111,
  geometrycollection: 1111,
};

const NUMERIC_TYPES = new Set([
  'tinyint',
  'smallint',
  'mediumint',
  'int',
  'integer',
  'bigint',
  'real',
  'double',
  'float',
  'decimal',
  'numeric',
  'dec',
  'fixed',
  'int1',
  'int2',
  'int3',
  'int4',
  'int8',
  'middleint',
  'float4',
  'float8',
]);

/** Types whose columns carry a character set (the table's default unless the column names one). */
const CHARSET_TYPES = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'long', 'enum', 'set', 'character']);

/** `enum('a','b''c')` -> [`'a'`, `'b''c'`]: the options as the DDL spells them (Debezium keeps the quotes). */
function collectionOptions(columnType: string): string[] {
  const inner = columnType.slice(columnType.indexOf('(') + 1, columnType.lastIndexOf(')'));
  return inner.match(/'(?:[^']|'')*'/g) ?? [];
}

/**
 * information_schema's COLUMN_DEFAULT (MariaDB: a quoted literal, a number, `NULL`, or an expression) as
 * Debezium's DefaultValueParserListener records the DDL's DEFAULT: literals unquoted, NULL as none,
 * CURRENT_TIMESTAMP / NOW as `1970-01-01 00:00:00`, other expressions as none.
 */
export function defaultValueExpression(columnDefault: string | null): string | null {
  if (columnDefault === null || columnDefault.toUpperCase() === 'NULL') return null;
  const quoted = /^'((?:[^']|'')*)'$/s.exec(columnDefault);
  if (quoted) return quoted[1]!.replace(/''/g, "'").replace(/\\\\/g, '\\');
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(columnDefault)) return columnDefault;
  const bits = /^b'([01]*)'$/i.exec(columnDefault);
  if (bits) return bits[1]!;
  if (/^(current_timestamp|now)\s*(\(\s*\d*\s*\))?$/i.test(columnDefault)) return '1970-01-01 00:00:00';
  // MariaDB writes a literal of a non-text column (a date, a decimal) unquoted too; Debezium keeps the literal.
  if (/^\d{4}-\d\d-\d\d( \d\d:\d\d:\d\d(\.\d+)?)?$/.test(columnDefault)) return columnDefault;
  return null;
}

function describeColumn(r: RowDataPacket): ColumnDescription {
  const dataType = String(r.dataType).toLowerCase();
  const columnType = String(r.columnType).toLowerCase();
  let typeName = dataType.toUpperCase();
  if (NUMERIC_TYPES.has(dataType)) {
    if (/\bunsigned\b/.test(columnType)) typeName += ' UNSIGNED';
    if (/\bzerofill\b/.test(columnType)) typeName += ' ZEROFILL';
  }
  let length: number | null = null;
  let scale: number | null = null;
  let enumValues: string[] | null = null;
  if (dataType === 'enum' || dataType === 'set') {
    enumValues = collectionOptions(String(r.columnType));
    // ColumnDefinitionParserListener: SET's length is its options plus the commas between them, ENUM's is 1.
    length = dataType === 'set' ? Math.max(0, enumValues.length * 2 - 1) : 1;
  } else {
    const dims = /^[a-z ]+\((\d+)(?:,(\d+))?\)/.exec(columnType);
    if (dims) {
      length = Number(dims[1]);
      if (dims[2] !== undefined) scale = Number(dims[2]);
    }
  }
  const extra = String(r.extra ?? '').toLowerCase();
  const autoIncremented = extra.includes('auto_increment');
  return {
    name: String(r.name),
    jdbcType: JDBC_TYPES[dataType] ?? 1111,
    nativeType: null,
    typeName,
    typeExpression: typeName,
    charsetName: r.charset === null || r.charset === undefined ? null : String(r.charset),
    length,
    scale,
    position: Number(r.position),
    optional: r.nullable === 'YES',
    autoIncremented,
    generated: autoIncremented || /\b(virtual|stored|persistent)\b/.test(extra),
    // Debezium records comments only with include.schema.comments (default false), which this connector does not take.
    comment: null,
    defaultValueExpression: defaultValueExpression(r.columnDefault === null || r.columnDefault === undefined ? null : String(r.columnDefault)),
    enumValues,
  };
}

/** The named tables (`db.table`) as Debezium describes them; tables that no longer exist are left out. */
export async function describeTables(connection: Connection, tables: { database: string; table: string }[]): Promise<Map<string, TableDescription>> {
  const out = new Map<string, TableDescription>();
  if (tables.length === 0) return out;
  const pairs = tables.map(() => '(t.TABLE_SCHEMA = ? AND t.TABLE_NAME = ?)').join(' OR ');
  const params = tables.flatMap((t) => [t.database, t.table]);
  const [tableRows] = await connection.query<RowDataPacket[]>(
    `SELECT t.TABLE_SCHEMA AS db, t.TABLE_NAME AS tbl, co.CHARACTER_SET_NAME AS charset
       FROM information_schema.TABLES t LEFT JOIN information_schema.COLLATIONS co ON co.COLLATION_NAME = t.TABLE_COLLATION
      WHERE ${pairs}`,
    params,
  );
  const [columnRows] = await connection.query<RowDataPacket[]>(
    `SELECT t.TABLE_SCHEMA AS db, t.TABLE_NAME AS tbl, t.COLUMN_NAME AS name, t.ORDINAL_POSITION AS position, t.COLUMN_DEFAULT AS columnDefault,
            t.IS_NULLABLE AS nullable, t.DATA_TYPE AS dataType, t.COLUMN_TYPE AS columnType, t.CHARACTER_SET_NAME AS charset,
            t.EXTRA AS extra
       FROM information_schema.COLUMNS t WHERE ${pairs} ORDER BY t.TABLE_SCHEMA, t.TABLE_NAME, t.ORDINAL_POSITION`,
    params,
  );
  const [keyRows] = await connection.query<RowDataPacket[]>(
    `SELECT t.TABLE_SCHEMA AS db, t.TABLE_NAME AS tbl, t.COLUMN_NAME AS name
       FROM information_schema.STATISTICS t WHERE t.INDEX_NAME = 'PRIMARY' AND (${pairs}) ORDER BY t.TABLE_SCHEMA, t.TABLE_NAME, t.SEQ_IN_INDEX`,
    params,
  );
  for (const r of tableRows) {
    out.set(`${r.db}.${r.tbl}`, { defaultCharsetName: r.charset === null ? null : String(r.charset), primaryKeyColumnNames: [], columns: [], comment: null });
  }
  for (const r of columnRows) out.get(`${r.db}.${r.tbl}`)?.columns.push(describeColumn(r));
  for (const r of keyRows) out.get(`${r.db}.${r.tbl}`)?.primaryKeyColumnNames.push(String(r.name));
  return out;
}

const quote = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

/**
 * The events of the snapshot's schema read, in Debezium's order, for the base tables of the databases that pass
 * `databaseIncluded` (a database without tables is left out, as Debezium groups the tables by database).
 */
export async function snapshotSchemaEvents(connection: Connection, databaseIncluded: (db: string) => boolean): Promise<SchemaChangeEvent[]> {
  const [vars] = await connection.query<RowDataPacket[]>("SHOW VARIABLES WHERE Variable_name IN ('character_set_server', 'collation_server')");
  const [tableRows] = await connection.query<RowDataPacket[]>(
    `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS tbl FROM information_schema.TABLES
      WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN ('mysql', 'performance_schema', 'sys', 'information_schema')`,
  );
  const tables = tableRows
    .map((r) => ({ database: String(r.db), table: String(r.tbl) }))
    .filter((t) => databaseIncluded(t.database))
    // TableId order: by database, then table name (Java's String order, which is UTF-16 code unit order as here).
    .sort((a, b) => (a.database === b.database ? (a.table < b.table ? -1 : a.table > b.table ? 1 : 0) : a.database < b.database ? -1 : 1));
  const events: SchemaChangeEvent[] = [
    {
      databaseName: '',
      ddl: `SET ${vars.map((v) => `${v.Variable_name}=${v.Value}`).join(', ')}`,
      table: null,
      changes: [],
    },
  ];
  for (const t of tables) {
    events.push({
      databaseName: t.database,
      ddl: `DROP TABLE IF EXISTS ${quote(t.database)}.${quote(t.table)}`,
      table: t.table,
      changes: [{ type: 'DROP', database: t.database, table: t.table, description: null }],
    });
  }
  const databases = [...new Set(tables.map((t) => t.database))];
  const [locales] =
    databases.length === 0
      ? [[] as RowDataPacket[]]
      : await connection.query<RowDataPacket[]>(
          `SELECT SCHEMA_NAME AS db, DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)`,
          [databases],
        );
  const descriptions = await describeTables(connection, tables);
  for (const db of databases) {
    const locale = locales.find((l) => l.db === db);
    events.push({ databaseName: db, ddl: `DROP DATABASE IF EXISTS ${quote(db)}`, table: null, changes: [] });
    events.push({
      databaseName: db,
      ddl: `CREATE DATABASE ${quote(db)}${locale ? ` CHARSET ${locale.charset} COLLATE ${locale.collation}` : ''}`,
      table: null,
      changes: [],
    });
    events.push({ databaseName: db, ddl: `USE ${quote(db)}`, table: null, changes: [] });
    for (const t of tables.filter((x) => x.database === db)) {
      const [created] = await connection.query<RowDataPacket[]>(`SHOW CREATE TABLE ${quote(db)}.${quote(t.table)}`);
      const ddl = created[0]?.['Create Table'];
      if (typeof ddl !== 'string') continue;
      events.push({
        databaseName: db,
        ddl,
        table: t.table,
        changes: [{ type: 'CREATE', database: db, table: t.table, description: descriptions.get(`${db}.${t.table}`) ?? null }],
      });
    }
  }
  return events;
}

/** A statement of the binlog as Debezium's parser sorts it: table changes (to describe), or a database-level event. */
export interface ParsedDdl {
  /** The database the event belongs to (its key): the table's, or the named database's, or the default one. */
  databaseName: string;
  ddl: string;
  table: string | null;
  changes: { type: TableChangeType; database: string; table: string }[];
}

const NAME = '(?:`(?:[^`]|``)+`|[\\w$]+)';
const QUALIFIED = `(${NAME}(?:\\s*\\.\\s*${NAME})?)`;

function unquoteName(name: string): string {
  const t = name.trim();
  return t.startsWith('`') ? t.slice(1, -1).replace(/``/g, '`') : t;
}

function splitQualified(name: string, defaultDb: string): { database: string; table: string } {
  const parts = name.match(new RegExp(NAME, 'g')) ?? [name];
  return parts.length > 1 ? { database: unquoteName(parts[0]!), table: unquoteName(parts[1]!) } : { database: defaultDb, table: unquoteName(parts[0]!) };
}

/** Statements Debezium ignores (BEGIN/COMMIT/XA/DML written by statement-based replication, its default ddl.filter). */
const IGNORED =
  /^(BEGIN|COMMIT|ROLLBACK|XA\s|SAVEPOINT\s|INSERT\s|UPDATE\s|DELETE\s|REPLACE\s|FLUSH\s+RELAY\s+LOGS|#\s*Dummy event|DROP\s+TEMPORARY\s+TABLE\s+IF\s+EXISTS\s.+\/\*\s*generated by server\s*\*\/)/i;

/**
 * A query event's statement as schema change events (none for statements Debezium skips). `defaultDb` is the
 * event's default database (the session's USE). Multi-table DROP and RENAME give one event per table, DROP's
 * text rewritten per table as Debezium's DropTableParserListener does (`DROP TABLE `db`.`t``).
 */
export function parseStreamingDdl(sql: string, defaultDb: string): ParsedDdl[] {
  // Leading comments and MariaDB's trailing `/* generated by server */` are not part of the statement.
  const statement = sql
    .trim()
    .replace(/^(\/\*.*?\*\/\s*)+/s, '')
    .replace(/\s*\/\*.*?\*\/\s*$/s, '')
    .trim();
  if (statement === '' || IGNORED.test(statement) || IGNORED.test(sql.trim())) return [];
  const table = (type: TableChangeType, name: string): ParsedDdl => {
    const id = splitQualified(name, defaultDb);
    return { databaseName: id.database, ddl: statement, table: id.table, changes: [{ type, database: id.database, table: id.table }] };
  };
  let m: RegExpExecArray | null;
  if ((m = new RegExp(`^CREATE\\s+(?:OR\\s+REPLACE\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?${QUALIFIED}`, 'i').exec(statement)))
    return [table('CREATE', m[1]!)];
  if ((m = new RegExp(`^ALTER\\s+(?:ONLINE\\s+|IGNORE\\s+)*TABLE\\s+(?:IF\\s+EXISTS\\s+)?${QUALIFIED}`, 'i').exec(statement))) {
    const renamed = new RegExp(`\\bRENAME\\s+(?:TO\\s+|AS\\s+)?${QUALIFIED}\\s*$`, 'i').exec(statement);
    return [table('ALTER', renamed ? renamed[1]! : m[1]!)];
  }
  if ((m = /^(DROP\s+(?:TEMPORARY\s+)?TABLES?\s+(?:IF\s+EXISTS\s+)?)(.+?)(\s+(?:RESTRICT|CASCADE))?$/is.exec(statement))) {
    const prefix = m[1]!;
    const suffix = m[3] ? ` ${m[3].trim().toUpperCase()}` : '';
    return (m[2]!.match(new RegExp(QUALIFIED, 'g')) ?? []).map((name) => {
      const id = splitQualified(name, defaultDb);
      return {
        databaseName: id.database,
        ddl: `${prefix}${quote(id.database)}.${quote(id.table)}${suffix}`,
        table: id.table,
        changes: [{ type: 'DROP' as const, database: id.database, table: id.table }],
      };
    });
  }
  if ((m = new RegExp(`^TRUNCATE\\s+(?:TABLE\\s+)?${QUALIFIED}`, 'i').exec(statement))) return [table('TRUNCATE', m[1]!)];
  if ((m = /^RENAME\s+TABLES?\s+(.+)$/is.exec(statement))) {
    return [...m[1]!.matchAll(new RegExp(`${QUALIFIED}\\s+TO\\s+${QUALIFIED}`, 'gi'))].map((pair) => table('ALTER', pair[2]!));
  }
  if ((m = new RegExp(`^(?:CREATE|DROP|ALTER)\\s+(?:DATABASE|SCHEMA)\\s+(?:IF\\s+(?:NOT\\s+)?EXISTS\\s+)?(${NAME})`, 'i').exec(statement))) {
    return [{ databaseName: unquoteName(m[1]!), ddl: statement, table: null, changes: [] }];
  }
  // Anything else Debezium's parser accepts without a table change (CREATE/DROP INDEX, GRANT, CREATE VIEW, …) is a
  // database-level event of the statement's default database with the statement's whole text, its source.table ""
  // (BinlogOffsetContext.databaseEvent). Not matched: a UNIQUE index on a table without a primary key, which
  // Debezium takes as the table's key (an ALTER change).
  return [{ databaseName: defaultDb, ddl: sql.trim(), table: '', changes: [] }];
}

/**
 * A column's type as a streamed statement declares it. Debezium models a table from the DDL text it parses, so a
 * column a CREATE/ALTER statement declares carries that text's type name, JDBC type and dimensions (`INT` has no
 * length; information_schema would say int(11)); the snapshot's SHOW CREATE TABLE spells what information_schema says.
 */
export interface DeclaredColumn {
  typeName: string;
  jdbcType: number;
  length: number | null;
  scale: number | null;
  /** The column's own character set (CHARACTER SET / CHARSET, or a COLLATE's), if the type carries one. */
  charset: string | null | undefined;
  charsetAware: boolean;
  enumValues: string[] | null;
}

/** Splits at commas outside parentheses and quotes. */
function topLevelItems(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      items.push(text.slice(start, i));
      start = i + 1;
    }
  }
  items.push(text.slice(start));
  return items.map((i) => i.trim()).filter((i) => i !== '');
}

/** `name type(dims) [UNSIGNED] [ZEROFILL] …` -> the column's name and declared type; undefined for other clauses. */
function declaredColumn(definition: string): [string, DeclaredColumn] | undefined {
  const m = new RegExp(`^(${NAME})\\s+([A-Za-z][A-Za-z0-9]*)(?:\\s*(\\((?:[^()']|'(?:[^']|'')*')*\\)))?((?:\\s+(?:UNSIGNED|SIGNED|ZEROFILL))*)`, 'i').exec(
    definition,
  );
  if (!m) return undefined;
  const keyword = m[2]!.toLowerCase();
  if (JDBC_TYPES[keyword] === undefined) return undefined;
  const name = unquoteName(m[1]!);
  const dims = m[3] ? m[3].slice(1, -1) : '';
  let typeName = keyword.toUpperCase();
  for (const suffix of (m[4] ?? '').trim().toUpperCase().split(/\s+/).filter(Boolean)) typeName += ` ${suffix}`;
  let length: number | null = null;
  let scale: number | null = null;
  let enumValues: string[] | null = null;
  if (keyword === 'enum' || keyword === 'set') {
    enumValues = dims.match(/'(?:[^']|'')*'/g) ?? [];
    length = keyword === 'set' ? Math.max(0, enumValues.length * 2 - 1) : 1;
  } else if (dims !== '') {
    const [a, b] = dims.split(',').map((d) => d.trim());
    length = Number(a);
    if (b !== undefined) scale = Number(b);
  }
  if (keyword === 'serial') typeName = 'BIGINT UNSIGNED';
  const rest = definition.slice(m[0].length);
  const charset = /\b(?:CHARACTER\s+SET|CHARSET)\s+['"`]?(\w+)/i.exec(rest)?.[1] ?? /\bCOLLATE\s+['"`]?([a-z0-9]+)_/i.exec(rest)?.[1];
  return [
    name,
    { typeName, jdbcType: JDBC_TYPES[keyword]!, length, scale, charset: charset?.toLowerCase(), charsetAware: CHARSET_TYPES.has(keyword), enumValues },
  ];
}

const CLAUSE_KEYWORDS = /^(PRIMARY|KEY|INDEX|UNIQUE|CONSTRAINT|FOREIGN|FULLTEXT|SPATIAL|CHECK|PERIOD)\b/i;

/**
 * The columns a CREATE TABLE or ALTER TABLE statement declares (ADD, MODIFY, CHANGE), with `renamed` the columns
 * a CHANGE renames away; other statements declare none.
 */
export function declaredColumns(statement: string): { columns: Map<string, DeclaredColumn>; renamed: string[]; replaces: boolean } {
  const columns = new Map<string, DeclaredColumn>();
  const renamed: string[] = [];
  const create = new RegExp(`^CREATE\\s+(?:OR\\s+REPLACE\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?${QUALIFIED}\\s*\\(`, 'i').exec(statement);
  if (create) {
    const body = statement.slice(create[0].length);
    let depth = 1;
    let end = 0;
    for (; end < body.length && depth > 0; end++) {
      if (body[end] === '(') depth++;
      else if (body[end] === ')') depth--;
    }
    for (const item of topLevelItems(body.slice(0, end - 1))) {
      if (CLAUSE_KEYWORDS.test(item)) continue;
      const column = declaredColumn(item);
      if (column) columns.set(...column);
    }
    return { columns, renamed, replaces: true };
  }
  const alter = new RegExp(`^ALTER\\s+(?:ONLINE\\s+|IGNORE\\s+)*TABLE\\s+(?:IF\\s+EXISTS\\s+)?${QUALIFIED}\\s+`, 'i').exec(statement);
  if (!alter) return { columns, renamed, replaces: false };
  for (const item of topLevelItems(statement.slice(alter[0].length))) {
    const add = /^(?:ADD|MODIFY)(?:\s+COLUMN)?(?:\s+IF\s+(?:NOT\s+)?EXISTS)?\s+(.*)$/is.exec(item);
    const change = new RegExp(`^CHANGE(?:\\s+COLUMN)?(?:\\s+IF\\s+EXISTS)?\\s+(${NAME})\\s+(.*)$`, 'is').exec(item);
    const definition = change ? change[2]! : add && !CLAUSE_KEYWORDS.test(add[1]!) ? add[1]! : undefined;
    if (definition === undefined) continue;
    const column = declaredColumn(definition);
    if (!column) continue;
    if (change && unquoteName(change[1]!) !== column[0]) renamed.push(unquoteName(change[1]!));
    columns.set(...column);
  }
  return { columns, renamed, replaces: false };
}

/** A table's description with the declared columns' types as the DDL text gave them. */
export function withDeclaredTypes(description: TableDescription, declared: Map<string, DeclaredColumn> | undefined): TableDescription {
  if (!declared || declared.size === 0) return description;
  return {
    ...description,
    columns: description.columns.map((c) => {
      const d = declared.get(c.name);
      if (!d) return c;
      return {
        ...c,
        typeName: d.typeName,
        typeExpression: d.typeName,
        jdbcType: d.jdbcType,
        length: d.length,
        scale: d.scale,
        enumValues: d.enumValues,
        charsetName: d.charsetAware ? (d.charset ?? description.defaultCharsetName) : null,
      };
    }),
  };
}
