/**
 * The controller's two stores: SchemaStore (schemas by name) and TableManager (table configs by
 * name-with-type, each with its own DuckDB data table). Both persist to the Pinot DuckDB file and keep
 * an in-memory copy for lookups; HTTP routes and the query engine only talk to these objects.
 */
import { ControllerError } from './errors.ts';
import { PinotDb, quoteIdent, quoteString, type WriteTx } from './db.ts';
import { duckType, parseSchema, type CellValue, type Column, type ParsedSchema } from './schema.ts';
import { parseTableConfig, splitTableName, type ParsedTableConfig, type TableType } from './table-config.ts';

export interface ConfigSuccess {
  unrecognizedProperties: Record<string, unknown>;
  status: string;
}

export class SchemaStore {
  private readonly schemas = new Map<string, ParsedSchema>();
  /** Set by TableManager: tables using a schema (by raw table name = schema name). */
  usedBy: (schemaName: string) => TableEntry[] = () => [];
  /** Set by TableManager: applies a compatible schema change to the tables using it (inside the write tx). */
  onSchemaChanged: (tx: WriteTx, before: ParsedSchema, after: ParsedSchema) => Promise<void> = async () => undefined;
  /** Called after the change committed. */
  afterSchemaChanged: (schema: ParsedSchema) => void = () => undefined;

  constructor(private readonly db: PinotDb) {}

  async load(): Promise<void> {
    const reader = await this.db.read('SELECT name, body FROM _pinot_schemas ORDER BY name');
    for (const [name, body] of reader.getRows()) {
      try {
        this.schemas.set(String(name), parseSchema(JSON.parse(String(body))));
      } catch (error) {
        throw new Error(`stored schema ${String(name)} no longer parses: ${(error as Error).message}`);
      }
    }
  }

  list(): string[] {
    return [...this.schemas.keys()].sort();
  }

  get(name: string): ParsedSchema | undefined {
    return this.schemas.get(name);
  }

  /** Parses without saving (POST /schemas/validate). */
  validate(body: unknown): ParsedSchema {
    return parseSchema(body);
  }

  /** POST /schemas: adds, or (override, the default) updates an existing schema. */
  async add(body: unknown, options: { override?: boolean; force?: boolean } = {}): Promise<ConfigSuccess> {
    const schema = parseSchema(body);
    const existing = this.schemas.get(schema.name);
    if (existing && options.override === false) {
      throw new ControllerError(409, `Schema: ${schema.name} already exists`);
    }
    await this.save(schema, existing, options.force === true);
    return { unrecognizedProperties: schema.unrecognizedProperties, status: `${schema.name} successfully added` };
  }

  /** PUT /schemas/{name}. */
  async update(name: string, body: unknown, options: { force?: boolean } = {}): Promise<ConfigSuccess> {
    const schema = parseSchema(body);
    if (schema.name !== name) {
      throw new ControllerError(400, `Schema name mismatch for uploaded schema, tried to add schema with name ${schema.name} as ${name}`);
    }
    const existing = this.schemas.get(name);
    if (!existing) throw new ControllerError(404, `Failed to find schema ${name}`);
    await this.save(schema, existing, options.force === true);
    return { unrecognizedProperties: schema.unrecognizedProperties, status: `${name} successfully added` };
  }

  /** DELETE /schemas/{name}: 404 if missing, 409 while a table uses it. */
  async delete(name: string): Promise<{ status: string }> {
    if (!this.schemas.has(name)) throw new ControllerError(404, `Schema ${name} not found`);
    const tables = this.usedBy(name);
    if (tables.length > 0) {
      throw new ControllerError(409, `Cannot delete schema ${name}, as it is associated with table ${tables[0]!.config.nameWithType}`);
    }
    await this.db.write((tx) => tx.run('DELETE FROM _pinot_schemas WHERE name = $1', [name]));
    this.schemas.delete(name);
    return { status: `Schema ${name} deleted` };
  }

  private async save(schema: ParsedSchema, existing: ParsedSchema | undefined, force: boolean): Promise<void> {
    const tables = this.usedBy(schema.name);
    if (existing && tables.length > 0) {
      const problem = incompatibility(existing, schema);
      if (problem && !force) throw new ControllerError(400, `Backward incompatible schema ${schema.name}. Only allow adding new columns (${problem})`);
      if (problem) throw new ControllerError(400, `Schema ${schema.name}: ${problem}; this stand-in cannot apply that change to existing table data`);
    }
    await this.db.write(async (tx) => {
      await tx.run('INSERT OR REPLACE INTO _pinot_schemas (name, body, updated_ms) VALUES ($1, $2, $3)', [
        schema.name,
        JSON.stringify(schema.json),
        BigInt(Date.now()),
      ]);
      if (existing && tables.length > 0) await this.onSchemaChanged(tx, existing, schema);
    });
    this.schemas.set(schema.name, schema);
    if (existing) this.afterSchemaChanged(schema);
  }
}

/** Why `after` is not a backward-compatible change of `before` (columns removed / retyped / PK changed), or undefined. */
function incompatibility(before: ParsedSchema, after: ParsedSchema): string | undefined {
  for (const column of before.columns) {
    const next = after.columns.find((c) => c.name === column.name);
    if (!next) return `column ${column.name} removed`;
    if (next.dataType !== column.dataType || next.singleValue !== column.singleValue) return `column ${column.name} changed type`;
  }
  if (before.primaryKeyColumns.join('\u0000') !== after.primaryKeyColumns.join('\u0000')) return 'primary key columns changed';
  return undefined;
}

export interface TableEntry {
  config: ParsedTableConfig;
  schema: ParsedSchema;
  /** The DuckDB table holding this table's rows (`_pinot_data_<n>`). */
  dataTable: string;
  createdMs: number;
  updatedMs: number;
  paused: boolean;
}

export interface TableListener {
  tableAdded(entry: TableEntry): void;
  tableRemoved(entry: TableEntry): Promise<void>;
  tableChanged(entry: TableEntry): void;
}

/** A SQL literal of a stored cell value (for ALTER TABLE … DEFAULT). */
export function sqlLiteral(value: CellValue, column: Column): string {
  if (Array.isArray(value)) return `[${value.map((v) => sqlLiteral(v, { ...column, singleValue: true })).join(', ')}]::${duckType(column)}`;
  if (typeof value === 'bigint') return `${value.toString()}::BIGINT`;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return `'NaN'::DOUBLE`;
    if (!Number.isFinite(value)) return value > 0 ? `'Infinity'::DOUBLE` : `'-Infinity'::DOUBLE`;
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Uint8Array) return `from_hex(${quoteString(Buffer.from(value).toString('hex'))})`;
  return `${quoteString(String(value))}::${duckType(column)}`;
}

export class TableManager {
  private readonly tables = new Map<string, TableEntry>();
  private listener: TableListener | undefined;

  constructor(
    private readonly db: PinotDb,
    private readonly schemas: SchemaStore,
  ) {
    schemas.usedBy = (name) => [...this.tables.values()].filter((t) => t.config.rawName === name);
    schemas.onSchemaChanged = (tx, before, after) => this.applySchemaChange(tx, before, after);
    schemas.afterSchemaChanged = (schema) => {
      for (const entry of this.tables.values()) {
        if (entry.config.rawName !== schema.name) continue;
        entry.schema = schema;
        this.listener?.tableChanged(entry);
      }
    };
  }

  setListener(listener: TableListener): void {
    this.listener = listener;
  }

  async load(): Promise<void> {
    const reader = await this.db.read('SELECT name_with_type, body, data_table, created_ms, updated_ms, paused FROM _pinot_tables ORDER BY name_with_type');
    for (const [name, body, dataTable, created, updated, paused] of reader.getRows()) {
      const { config, schema } = parseTableConfig(JSON.parse(String(body)), (raw) => this.schemas.get(raw));
      this.tables.set(String(name), {
        config,
        schema,
        dataTable: String(dataTable),
        createdMs: Number(created),
        updatedMs: Number(updated),
        paused: paused === true,
      });
    }
  }

  all(): TableEntry[] {
    return [...this.tables.values()];
  }

  /** GET /tables: raw names (deduplicated) without a type; names with type when `type` is given. */
  list(type?: TableType): string[] {
    const entries = this.all().filter((t) => type === undefined || t.config.type === type);
    const names = type === undefined ? [...new Set(entries.map((t) => t.config.rawName))] : entries.map((t) => t.config.nameWithType);
    return names.sort();
  }

  /** By raw name or name with type; `type` narrows. */
  find(name: string, type?: TableType): TableEntry[] {
    const split = splitTableName(name);
    const wanted = type ?? split.type;
    return this.all().filter((t) => t.config.rawName === split.raw && (wanted === undefined || t.config.type === wanted));
  }

  get(nameWithType: string): TableEntry | undefined {
    return this.tables.get(nameWithType);
  }

  /** POST /tables. */
  async add(body: unknown): Promise<ConfigSuccess> {
    const { config, schema } = parseTableConfig(body, (raw) => this.schemas.get(raw));
    if (this.tables.has(config.nameWithType)) {
      throw new ControllerError(
        409,
        `Table config for ${config.nameWithType} already exists. If this is unexpected, try deleting the table to remove all metadata associated with it.`,
      );
    }
    const now = Date.now();
    const entry = await this.db.write(async (tx) => {
      const seq = await tx.all(`SELECT nextval('_pinot_data_seq')`);
      const dataTable = `_pinot_data_${String(seq.getRows()[0]![0])}`;
      await tx.run(createDataTableSql(dataTable, schema, config));
      await tx.run(
        'INSERT INTO _pinot_tables (name_with_type, raw_name, body, data_table, created_ms, updated_ms, paused) VALUES ($1, $2, $3, $4, $5, $6, FALSE)',
        [config.nameWithType, config.rawName, JSON.stringify(config.json), dataTable, BigInt(now), BigInt(now)],
      );
      return { config, schema, dataTable, createdMs: now, updatedMs: now, paused: false } satisfies TableEntry;
    });
    this.tables.set(config.nameWithType, entry);
    this.listener?.tableAdded(entry);
    return { unrecognizedProperties: config.unrecognizedProperties, status: `Table ${config.nameWithType} successfully added` };
  }

  /** PUT /tables/{name}: replaces the config of an existing table (the upsert key cannot change). */
  async update(name: string, body: unknown): Promise<ConfigSuccess> {
    const { config, schema } = parseTableConfig(body, (raw) => this.schemas.get(raw));
    if (splitTableName(name).raw !== config.rawName) {
      throw new ControllerError(400, `Request table ${name} does not match table name in the body ${config.nameWithType}`);
    }
    const existing = this.tables.get(config.nameWithType);
    if (!existing) throw new ControllerError(404, `Table ${config.nameWithType} does not exist`);
    if ((existing.config.upsert === undefined) !== (config.upsert === undefined)) {
      throw new ControllerError(400, `Invalid table config for: ${config.nameWithType}. Reason: upsert mode cannot be changed on an existing table`);
    }
    const now = Date.now();
    await this.db.write((tx) =>
      tx.run('UPDATE _pinot_tables SET body = $1, updated_ms = $2 WHERE name_with_type = $3', [JSON.stringify(config.json), BigInt(now), config.nameWithType]),
    );
    existing.config = config;
    existing.schema = schema;
    existing.updatedMs = now;
    this.listener?.tableChanged(existing);
    return { unrecognizedProperties: config.unrecognizedProperties, status: `Table config updated for ${name}` };
  }

  /** DELETE /tables/{name}[?type=]: drops configs, data and offsets; the schema stays. */
  async delete(name: string, type?: TableType): Promise<{ status: string }> {
    const entries = this.find(name, type);
    if (entries.length === 0) {
      throw new ControllerError(404, `Table '${splitTableName(name).raw}' with type ${type ?? splitTableName(name).type ?? 'null'} does not exist`);
    }
    for (const entry of entries) {
      await this.listener?.tableRemoved(entry);
      await this.db.write(async (tx) => {
        await tx.run(`DROP TABLE IF EXISTS ${quoteIdent(entry.dataTable)}`);
        await tx.run('DELETE FROM _pinot_offsets WHERE table_name = $1', [entry.config.nameWithType]);
        await tx.run('DELETE FROM _pinot_tables WHERE name_with_type = $1', [entry.config.nameWithType]);
      });
      this.tables.delete(entry.config.nameWithType);
    }
    return { status: `Tables: [${entries.map((e) => e.config.nameWithType).join(', ')}] deleted` };
  }

  /** Number of rows a table holds now. */
  async countRows(entry: TableEntry): Promise<number> {
    const reader = await this.db.read(`SELECT count(*) FROM ${quoteIdent(entry.dataTable)}`);
    return Number(reader.getRows()[0]![0]);
  }

  /** Persists the pause flag. */
  async setPaused(entry: TableEntry, paused: boolean): Promise<void> {
    await this.db.write((tx) => tx.run('UPDATE _pinot_tables SET paused = $1 WHERE name_with_type = $2', [paused, entry.config.nameWithType]));
    entry.paused = paused;
  }

  private async applySchemaChange(tx: WriteTx, before: ParsedSchema, after: ParsedSchema): Promise<void> {
    const added = after.columns.filter((c) => !before.columns.some((b) => b.name === c.name));
    for (const entry of this.all()) {
      if (entry.config.rawName !== after.name) continue;
      for (const column of added) {
        await tx.run(
          `ALTER TABLE ${quoteIdent(entry.dataTable)} ADD COLUMN ${quoteIdent(column.name)} ${duckType(column)} DEFAULT ${sqlLiteral(column.defaultNull, column)}`,
        );
      }
    }
  }
}

function createDataTableSql(dataTable: string, schema: ParsedSchema, config: ParsedTableConfig): string {
  const columns = schema.columns.map((c) => `${quoteIdent(c.name)} ${duckType(c)}`);
  if (config.upsert) columns.push(`PRIMARY KEY (${schema.primaryKeyColumns.map(quoteIdent).join(', ')})`);
  return `CREATE TABLE ${quoteIdent(dataTable)} (${columns.join(', ')})`;
}
