/**
 * Debezium's change event for one row: key struct of the primary key, value envelope
 * { before, after, source, transaction, op, ts_ms, ts_us, ts_ns } (Debezium 2.6+: envelope schema version 2)
 * with Debezium's schema names, so consumers (ksqlDB, the ExtractNewRecordState transform, sinks) see what
 * Debezium's MySQL connector sends. Checked field by field against real Debezium 2.7 by
 * test/conformance/connect.test.ts.
 */
import { primitive, struct, type Schema, type SchemaAndValue } from '../data/schema.ts';
import { mapColumn, type ColumnInfo, type DecimalMode, type MappedColumn } from './columns.ts';
import { DEBEZIUM_VERSION } from './cdc-config.ts';

export type Op = 'c' | 'u' | 'd' | 'r';

/**
 * source.snapshot: during a snapshot, `first` for its first row, `last` for its last, `first_in_data_collection` /
 * `last_in_data_collection` for a table's first/last row otherwise, `true` for the rest; `false` when streaming.
 */
export type SnapshotMarker = 'first' | 'first_in_data_collection' | 'true' | 'last_in_data_collection' | 'last' | 'false';

export interface SourceInfo {
  tsMs: number;
  snapshot: SnapshotMarker;
  serverId: number;
  file: string;
  pos: number;
  row: number;
}

/** The marker of row `index` of `count` in a table, the tables being the `table`-th of `tables`. */
export function snapshotMarker(table: number, tables: number, index: number, count: number): SnapshotMarker {
  const lastRow = index === count - 1;
  if (lastRow && table === tables - 1) return 'last';
  if (index === 0 && table === 0) return 'first';
  if (lastRow) return 'last_in_data_collection';
  if (index === 0) return 'first_in_data_collection';
  return 'true';
}

const optionalInt64 = (): Schema => primitive('int64', true);

// Debezium 2.7's enum lists fewer values than its snapshot markers use (`first`, `*_in_data_collection`): kept as it is.
export const SOURCE_SCHEMA: Schema = struct('io.debezium.connector.mysql.Source', [
  { name: 'version', schema: primitive('string', false) },
  { name: 'connector', schema: primitive('string', false) },
  { name: 'name', schema: primitive('string', false) },
  { name: 'ts_ms', schema: primitive('int64', false) },
  {
    name: 'snapshot',
    schema: primitive('string', true, {
      name: 'io.debezium.data.Enum',
      version: 1,
      parameters: { allowed: 'true,last,false,incremental' },
      defaultValue: 'false',
    }),
  },
  { name: 'db', schema: primitive('string', false) },
  { name: 'sequence', schema: primitive('string', true) },
  { name: 'ts_us', schema: optionalInt64() },
  { name: 'ts_ns', schema: optionalInt64() },
  { name: 'table', schema: primitive('string', true) },
  { name: 'server_id', schema: primitive('int64', false) },
  { name: 'gtid', schema: primitive('string', true) },
  { name: 'file', schema: primitive('string', false) },
  { name: 'pos', schema: primitive('int64', false) },
  { name: 'row', schema: primitive('int32', false) },
  { name: 'thread', schema: primitive('int64', true) },
  { name: 'query', schema: primitive('string', true) },
]);

/** A millisecond timestamp as Debezium's ts_ms / ts_us / ts_ns triple (ts_ns is past 2^53: a BigInt, written exactly). */
function timestamps(ms: number): { ts_ms: number; ts_us: number; ts_ns: bigint } {
  return { ts_ms: ms, ts_us: ms * 1000, ts_ns: BigInt(ms) * 1_000_000n };
}

const TRANSACTION_SCHEMA: Schema = {
  ...struct(
    'event.block',
    [
      { name: 'id', schema: primitive('string', false) },
      { name: 'total_order', schema: primitive('int64', false) },
      { name: 'data_collection_order', schema: primitive('int64', false) },
    ],
    true,
  ),
  version: 1,
};

/** One captured table: its columns mapped, its key and envelope schemas. */
export class CapturedTable {
  readonly columns: MappedColumn[];
  readonly keyColumns: MappedColumn[];
  readonly keySchema: Schema | null;
  readonly valueSchema: Schema;
  readonly envelopeSchema: Schema;

  constructor(
    readonly topicPrefix: string,
    readonly database: string,
    readonly table: string,
    columns: ColumnInfo[],
    decimalMode: DecimalMode,
  ) {
    const base = `${topicPrefix}.${database}.${table}`;
    this.columns = columns.map((c) => mapColumn(c, decimalMode));
    this.keyColumns = this.columns.filter((c) => c.info.primaryKey);
    this.keySchema =
      this.keyColumns.length === 0
        ? null
        : struct(
            `${base}.Key`,
            this.keyColumns.map((c) => ({ name: c.info.name, schema: { ...c.schema, optional: false } })),
          );
    this.valueSchema = struct(
      `${base}.Value`,
      this.columns.map((c) => ({ name: c.info.name, schema: c.schema })),
      true,
    );
    this.envelopeSchema = {
      ...struct(`${base}.Envelope`, [
        { name: 'before', schema: this.valueSchema },
        { name: 'after', schema: this.valueSchema },
        { name: 'source', schema: SOURCE_SCHEMA },
        { name: 'transaction', schema: TRANSACTION_SCHEMA },
        { name: 'op', schema: primitive('string', false) },
        { name: 'ts_ms', schema: optionalInt64() },
        { name: 'ts_us', schema: optionalInt64() },
        { name: 'ts_ns', schema: optionalInt64() },
      ]),
      version: 2,
    };
  }

  get topic(): string {
    return `${this.topicPrefix}.${this.database}.${this.table}`;
  }

  /** A row (column name -> raw value from mysql2 or zongji) as a Connect struct value. */
  rowValue(row: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const c of this.columns) out[c.info.name] = c.toConnect(row[c.info.name]);
    return out;
  }

  key(row: Record<string, unknown>): SchemaAndValue {
    if (!this.keySchema) return { schema: null, value: null };
    const value: Record<string, unknown> = {};
    for (const c of this.keyColumns) value[c.info.name] = c.toConnect(row[c.info.name]);
    return { schema: this.keySchema, value };
  }

  envelope(op: Op, before: Record<string, unknown> | null, after: Record<string, unknown> | null, source: SourceInfo): SchemaAndValue {
    const at = timestamps(source.tsMs);
    return {
      schema: this.envelopeSchema,
      value: {
        before: before && this.rowValue(before),
        after: after && this.rowValue(after),
        source: {
          version: DEBEZIUM_VERSION,
          connector: 'mysql',
          name: this.topicPrefix,
          ts_ms: source.tsMs,
          snapshot: source.snapshot,
          db: this.database,
          sequence: null,
          ts_us: at.ts_us,
          ts_ns: at.ts_ns,
          table: this.table,
          server_id: source.serverId,
          gtid: null,
          file: source.file,
          pos: source.pos,
          row: source.row,
          thread: null,
          query: null,
        },
        transaction: null,
        op,
        ...timestamps(Date.now()),
      },
    };
  }
}
