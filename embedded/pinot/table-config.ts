/**
 * Pinot table configs: names with and without the type suffix, validation against the schema with
 * Pinot's error texts, and the parts the engine uses (stream configs, upsert, time column).
 */
import { ControllerError } from './errors.ts';
import type { ParsedSchema } from './schema.ts';

export type TableType = 'REALTIME' | 'OFFLINE';

export interface TableConfigJson {
  tableName: string;
  tableType: TableType;
  segmentsConfig?: { timeColumnName?: string; schemaName?: string; [key: string]: unknown };
  tableIndexConfig?: { streamConfigs?: Record<string, string>; nullHandlingEnabled?: boolean; [key: string]: unknown };
  ingestionConfig?: {
    streamIngestionConfig?: { streamConfigMaps?: Record<string, string>[] };
    transformConfigs?: { columnName: string; transformFunction: string }[];
    continueOnError?: boolean;
    [key: string]: unknown;
  };
  upsertConfig?: { mode?: string; comparisonColumns?: string[]; comparisonColumn?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface StreamSettings {
  streamType: string;
  topic: string;
  brokerList: string;
  /** `smallest` or `largest` (Kafka's earliest/latest are mapped). */
  offsetReset: 'smallest' | 'largest';
  decoder: string;
}

export interface ParsedTableConfig {
  rawName: string;
  type: TableType;
  /** `<raw>_REALTIME` / `<raw>_OFFLINE`. */
  nameWithType: string;
  json: TableConfigJson;
  timeColumn: string | undefined;
  stream: StreamSettings | undefined;
  upsert:
    | {
        mode: 'FULL' | 'PARTIAL';
        comparisonColumn: string | undefined;
        /** upsertConfig.deleteRecordColumn: a row whose value here is true hides its primary key from queries. */
        deleteColumn: string | undefined;
      }
    | undefined;
  continueOnError: boolean;
  transforms: { columnName: string; transformFunction: string }[];
  unrecognizedProperties: Record<string, unknown>;
}

const KNOWN_TABLE_KEYS = new Set([
  'tableName',
  'tableType',
  'segmentsConfig',
  'tenants',
  'tableIndexConfig',
  'ingestionConfig',
  'upsertConfig',
  'dedupConfig',
  'metadata',
  'quota',
  'task',
  'routing',
  'query',
  'fieldConfigList',
  'instanceAssignmentConfigMap',
  'tierConfigs',
  'tunerConfigs',
  'isDimTable',
  'dimensionTableConfig',
  'instancePartitionsMap',
  'segmentAssignmentConfigMap',
  'upsertConfigs',
  'tierOverwrites',
]);

/** Splits `x_REALTIME` / `x_OFFLINE` into the raw name and the type (undefined if no suffix). */
export function splitTableName(name: string): { raw: string; type: TableType | undefined } {
  if (name.endsWith('_REALTIME')) return { raw: name.slice(0, -'_REALTIME'.length), type: 'REALTIME' };
  if (name.endsWith('_OFFLINE')) return { raw: name.slice(0, -'_OFFLINE'.length), type: 'OFFLINE' };
  return { raw: name, type: undefined };
}

/** Parses `?type=realtime|offline` (any case); undefined when absent; throws 400 when unknown. */
export function parseTypeParam(value: unknown): TableType | undefined {
  if (value === undefined || value === '') return undefined;
  const s = String(value).toUpperCase();
  if (s === 'REALTIME' || s === 'OFFLINE') return s;
  throw new ControllerError(400, `Illegal table type '${String(value)}'`);
}

/** The stream config map of a realtime table: classic tableIndexConfig.streamConfigs or ingestionConfig's first map. */
export function streamConfigMap(json: TableConfigJson): Record<string, string> | undefined {
  const maps = json.ingestionConfig?.streamIngestionConfig?.streamConfigMaps;
  if (Array.isArray(maps) && maps.length > 0 && maps[0] && typeof maps[0] === 'object') return maps[0];
  const classic = json.tableIndexConfig?.streamConfigs;
  if (classic && typeof classic === 'object') return classic;
  return undefined;
}

/** Validates a table config (the schema is looked up by raw table name) and extracts what the engine needs. */
export function parseTableConfig(
  body: unknown,
  findSchema: (rawName: string) => ParsedSchema | undefined,
): { config: ParsedTableConfig; schema: ParsedSchema } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ControllerError(400, 'Invalid table config: the body must be a JSON object');
  const json = structuredClone(body) as TableConfigJson;
  if (typeof json.tableName !== 'string' || json.tableName.trim() === '')
    throw new ControllerError(400, "Invalid table config. Reason: 'tableName' must not be null or empty");
  const typeText = String(json.tableType ?? '').toUpperCase();
  if (typeText !== 'REALTIME' && typeText !== 'OFFLINE') {
    throw new ControllerError(
      400,
      `Invalid table config for: ${json.tableName}. Reason: 'tableType' must be REALTIME or OFFLINE, got '${String(json.tableType)}'`,
    );
  }
  const type = typeText as TableType;
  const split = splitTableName(json.tableName);
  if (split.type !== undefined && split.type !== type) {
    throw new ControllerError(400, `Invalid table config for: ${json.tableName}. Reason: table name suffix does not match tableType ${type}`);
  }
  const rawName = split.raw;
  if (rawName === '' || /[\s"'`;\\/]/.test(rawName) || rawName.includes('..')) {
    throw new ControllerError(400, `Invalid table config for: ${json.tableName}. Reason: 'tableName' contains invalid characters`);
  }
  const nameWithType = `${rawName}_${type}`;
  json.tableName = nameWithType;
  json.tableType = type;
  const fail = (reason: string): never => {
    throw new ControllerError(400, `Invalid table config for: ${nameWithType}. Reason: ${reason}`);
  };

  const schema = findSchema(rawName);
  if (!schema) fail(`Failed to find schema for table: ${rawName}`);
  const parsedSchema = schema!;

  const unrecognizedProperties: Record<string, unknown> = {};
  for (const key of Object.keys(json)) if (!KNOWN_TABLE_KEYS.has(key)) unrecognizedProperties[`/${key}`] = json[key];

  const timeColumn = json.segmentsConfig?.timeColumnName;
  if (timeColumn !== undefined && timeColumn !== null && timeColumn !== '') {
    if (typeof timeColumn !== 'string' || !parsedSchema.columns.some((c) => c.name === timeColumn && (c.fieldType === 'DATE_TIME' || c.fieldType === 'TIME'))) {
      fail(`Time column: ${String(timeColumn)} is not present in schema: ${parsedSchema.name}`);
    }
  }

  let stream: StreamSettings | undefined;
  if (type === 'REALTIME') {
    const map = streamConfigMap(json);
    if (!map) fail('Must have streamConfigs (tableIndexConfig.streamConfigs or ingestionConfig.streamIngestionConfig.streamConfigMaps) for a REALTIME table');
    const m = map!;
    const streamType = String(m.streamType ?? '');
    if (streamType === '') fail("stream config must have 'streamType'");
    if (streamType !== 'kafka') fail(`Unsupported streamType '${streamType}': this stand-in consumes Kafka only`);
    const key = (suffix: string) => m[`stream.${streamType}.${suffix}`];
    const topic = key('topic.name');
    if (typeof topic !== 'string' || topic === '') fail(`stream config must have 'stream.${streamType}.topic.name'`);
    const consumerType = key('consumer.type');
    if (consumerType !== undefined && !/^(lowlevel|simple)$/i.test(String(consumerType))) {
      fail(`Unsupported consumer type '${String(consumerType)}': only lowlevel is supported`);
    }
    const resetRaw = String(key('consumer.prop.auto.offset.reset') ?? m['auto.offset.reset'] ?? 'largest').toLowerCase();
    let offsetReset: 'smallest' | 'largest';
    if (resetRaw === 'smallest' || resetRaw === 'earliest') offsetReset = 'smallest';
    else if (resetRaw === 'largest' || resetRaw === 'latest') offsetReset = 'largest';
    else fail(`Invalid auto.offset.reset '${resetRaw}': expected smallest or largest`);
    const decoder = String(key('decoder.class.name') ?? 'org.apache.pinot.plugin.stream.kafka.KafkaJSONMessageDecoder');
    if (!/json/i.test(decoder)) fail(`Unsupported decoder '${decoder}': this stand-in decodes JSON messages only`);
    stream = { streamType, topic: topic!, brokerList: String(key('broker.list') ?? ''), offsetReset: offsetReset!, decoder };
  }

  let upsert: ParsedTableConfig['upsert'];
  const upsertConfig = json.upsertConfig;
  if (upsertConfig && typeof upsertConfig === 'object') {
    const mode = String(upsertConfig.mode ?? 'NONE').toUpperCase();
    if (mode !== 'NONE' && mode !== 'FULL' && mode !== 'PARTIAL') fail(`Invalid upsert mode '${mode}'`);
    if (mode === 'PARTIAL') fail('PARTIAL upsert is not supported by this stand-in; use FULL');
    if (mode === 'FULL') {
      if (type !== 'REALTIME') fail('Upsert table is for realtime table only.');
      if (parsedSchema.primaryKeyColumns.length === 0) fail('Upsert/Dedup table must have primary key columns in the schema');
      const comparison =
        Array.isArray(upsertConfig.comparisonColumns) && upsertConfig.comparisonColumns.length > 0
          ? upsertConfig.comparisonColumns[0]
          : typeof upsertConfig.comparisonColumn === 'string'
            ? upsertConfig.comparisonColumn
            : timeColumn || undefined;
      if (comparison !== undefined && !parsedSchema.columns.some((c) => c.name === comparison && c.singleValue)) {
        fail(`Comparison column: ${comparison} is not present in schema`);
      }
      upsert = { mode: 'FULL', comparisonColumn: comparison, deleteColumn: deleteRecordColumn(upsertConfig.deleteRecordColumn, parsedSchema, fail) };
    }
  }

  const transforms = Array.isArray(json.ingestionConfig?.transformConfigs) ? json.ingestionConfig!.transformConfigs! : [];
  for (const t of transforms) {
    if (!t || typeof t.columnName !== 'string' || typeof t.transformFunction !== 'string')
      fail('transformConfigs entries need columnName and transformFunction');
    if (!parsedSchema.columns.some((c) => c.name === t.columnName))
      fail(`The destination column '${t.columnName}' of a transform function must be present in the schema`);
  }

  return {
    config: {
      rawName,
      type,
      nameWithType,
      json,
      timeColumn: typeof timeColumn === 'string' && timeColumn !== '' ? timeColumn : undefined,
      stream,
      upsert,
      continueOnError: json.ingestionConfig?.continueOnError === true,
      transforms,
      unrecognizedProperties,
    },
    schema: parsedSchema,
  };
}

/** Validates upsertConfig.deleteRecordColumn as Pinot 1.x does (with its error texts). */
function deleteRecordColumn(value: unknown, schema: ParsedSchema, fail: (reason: string) => never): string | undefined {
  if (value === undefined || value === null) return undefined;
  const name = String(value);
  const column = schema.columns.find((c) => c.name === name);
  if (!column) fail(`Column ${name} specified in deleteRecordColumn does not exist`);
  if (!column.singleValue) fail(`The deleteRecordColumn - ${name} must be a single-valued column`);
  if (!['BOOLEAN', 'STRING', 'INT', 'LONG', 'FLOAT', 'DOUBLE', 'BIG_DECIMAL'].includes(column.dataType)) {
    fail(`The deleteRecordColumn - ${name} must be of type: String / Boolean / Numeric`);
  }
  return name;
}
