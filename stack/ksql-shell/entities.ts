/**
 * The answers of ksqlDB's /ksql endpoint (KsqlEntity JSON, by `@type`) as the lines ksqlDB's CLI
 * prints for them: SHOW STREAMS / TABLES / QUERIES / PROPERTIES / TOPICS as tables, DESCRIBE and
 * EXPLAIN as their labelled blocks, ASSERT as one sentence, a command's message in a one-column table. An entity the shell does
 * not know is printed as indented JSON, so nothing a newer server sends is lost.
 */
import { renderTable, type TextTable } from './tables.ts';

// biome-ignore lint/suspicious/noExplicitAny: ksqlDB's entities are JSON of many shapes, read field by field
type Json = Record<string, any>;

/** A column's type as DESCRIBE shows it: VARCHAR(STRING), ARRAY<…>, MAP<STRING, …>, STRUCT<…>, DECIMAL(p, s). */
export function typeString(schema: Json | null | undefined): string {
  if (!schema) return 'UNKNOWN';
  switch (schema.type) {
    case 'STRING':
      return 'VARCHAR(STRING)';
    case 'ARRAY':
      return `ARRAY<${typeString(schema.memberSchema)}>`;
    case 'MAP':
      return `MAP<STRING, ${typeString(schema.memberSchema)}>`;
    case 'STRUCT':
      return `STRUCT<${((schema.fields ?? []) as Json[]).map((f) => `${f.name} ${typeString(f.schema)}`).join(', ')}>`;
    case 'DECIMAL': {
      const p = schema.parameters as Json | undefined;
      return p && p.precision !== undefined ? `DECIMAL(${p.precision}, ${p.scale})` : 'DECIMAL';
    }
    default:
      return String(schema.type);
  }
}

const labelled = (label: string, value: unknown): string => `${label.padEnd(20)} : ${value}`;

function fieldType(field: Json, windowType: string | null | undefined, isTable: boolean): string {
  const type = typeString(field.schema);
  if (field.type === 'HEADER') return `${type.padEnd(16)} ${field.headerKey ? `(header('${field.headerKey}'))` : '(headers)'}`;
  if (field.type !== 'KEY') return type;
  return `${type.padEnd(16)} ${isTable ? '(primary key)' : '(key)'}${windowType ? ` (Window type: ${windowType})` : ''}`;
}

function schemaTable(fields: Json[], windowType: string | null | undefined, isTable: boolean): TextTable | undefined {
  if (fields.length === 0) return undefined;
  return { headers: ['Field', 'Type'], rows: fields.map((f) => [String(f.name), fieldType(f, windowType, isTable)]) };
}

const singleLine = (sql: string): string => sql.replace(/\r?\n/g, ' ');

function queryLines(queries: Json[], type: string, operation: string): string[] {
  if (queries.length === 0) return [];
  return [
    '',
    `Queries that ${operation} from this ${type}`,
    '-----------------------------------',
    ...queries.map((q) => `${q.id} (${q.state ?? 'N/A'}) : ${singleLine(String(q.queryString ?? ''))}`),
    '',
    'For query topology and execution plan please run: EXPLAIN <QueryId>',
  ];
}

function sourceDescription(source: Json, width: number): string[] {
  const isTable = String(source.type).toUpperCase() === 'TABLE';
  const fields = (source.fields ?? []) as Json[];
  const schema = schemaTable(fields, source.windowType, isTable);
  const schemaLines = schema ? renderTable(schema, width) : [];
  if (!source.extended) {
    return [labelled('Name', source.name), ...schemaLines, 'For runtime statistics and query details run: DESCRIBE <Stream,Table> EXTENDED;'];
  }
  const topic = String(source.topic ?? '');
  const partitions = Number(source.partitions ?? 0);
  const lines = [
    labelled('Name', source.name),
    labelled('Type', source.type),
    labelled('Timestamp field', source.timestamp ? source.timestamp : 'Not set - using <ROWTIME>'),
    labelled('Key format', source.keyFormat),
    labelled('Value format', source.valueFormat),
  ];
  if (topic) lines.push(labelled('Kafka topic', topic) + (partitions !== 0 ? ` (partitions: ${partitions}, replication: ${source.replication})` : ''));
  lines.push(labelled('Statement', source.statement), '', ...schemaLines);
  const constraints = (source.sourceConstraints ?? []) as string[];
  if (constraints.length > 0)
    lines.push('', 'Sources that have a DROP constraint on this source', '--------------------------------------------------', ...constraints);
  lines.push(...queryLines(source.readQueries ?? [], source.type, 'read'), ...queryLines(source.writeQueries ?? [], source.type, 'write'));
  lines.push('', 'Local runtime statistics', '------------------------', String(source.statistics ?? ''), String(source.errorStats ?? ''));
  lines.push(`(Statistics of the local KSQL server interaction with the Kafka topic ${topic})`);
  return [...lines, ...consumerGroupLines(source.queryOffsetSummaries ?? [], width)];
}

/** Where the writing queries' consumer groups are in their input topics: per topic its largest lag, then each partition. */
function consumerGroupLines(summaries: Json[], width: number): string[] {
  if (summaries.length === 0) return [];
  const lines = ['', 'Consumer Groups summary:'];
  for (const group of summaries) {
    lines.push('', labelled('Consumer Group', group.groupId));
    const topics = (group.topicSummaries ?? []) as Json[];
    if (topics.length === 0) lines.push('<no offsets committed by this group yet>');
    for (const topic of topics) {
      const offsets = (topic.offsets ?? []) as Json[];
      const lag = (o: Json) => Number(o.logEndOffset) - Number(o.consumerOffset);
      lines.push('', labelled('Kafka topic', topic.kafkaTopic), labelled('Max lag', offsets.length > 0 ? Math.max(...offsets.map(lag)) : 0), '');
      lines.push(
        ...renderTable(
          {
            headers: ['Partition', 'Start Offset', 'End Offset', 'Offset', 'Lag'],
            rows: offsets.map((o) => [o.partition, o.logStartOffset, o.logEndOffset, o.consumerOffset, lag(o)].map(String)),
          },
          width,
        ),
      );
    }
  }
  return lines;
}

function queryDescription(query: Json, width: number): string[] {
  const lines = [labelled('ID', query.id), labelled('Query Type', query.queryType)];
  if (query.statementText) lines.push(labelled('SQL', query.statementText));
  lines.push('');
  const schema = schemaTable(query.fields ?? [], query.windowType, false);
  if (schema) lines.push(...renderTable(schema, width));
  const list = (title: string, items: string[], hint: string) =>
    items.length === 0 ? [] : ['', title, '-----------------------------------', ...items, '', hint];
  lines.push(...list('Sources that this query reads from: ', query.sources ?? [], 'For source description please run: DESCRIBE [EXTENDED] <SourceId>'));
  lines.push(...list('Sinks that this query writes to: ', query.sinks ?? [], 'For sink description please run: DESCRIBE [EXTENDED] <SinkId>'));
  if (query.executionPlan) lines.push('', 'Execution plan', '--------------', String(query.executionPlan));
  if (query.topology) lines.push('', 'Processing topology', '-------------------', String(query.topology));
  const overridden = Object.entries((query.overriddenProperties ?? {}) as Json).sort(([a], [b]) => a.localeCompare(b));
  if (overridden.length > 0) {
    lines.push(
      ...renderTable(
        { headers: ['Property', 'Value'], rows: overridden.map(([k, v]) => [k, String(v)]), before: ['', 'Overridden Properties', '---------------------'] },
        width,
      ),
    );
  }
  return lines;
}

const sourceRows = (sources: Json[]): string[][] =>
  [...sources]
    .sort((a, b) => String(a.name).localeCompare(String(b.name)))
    .map((s) => [s.name, s.topic, s.keyFormat, s.valueFormat, String(Boolean(s.isWindowed))]);

/** Partitions' replica counts: one number when they agree, else each. */
function replicaInfo(replicas: number[]): string {
  if (replicas.length === 0) return '0';
  return new Set(replicas).size === 1 ? String(replicas[0]) : replicas.join(', ');
}

function statusCount(counts: Json | undefined): string {
  return Object.entries(counts ?? {})
    .map(([state, n]) => `${state}:${n}`)
    .join(',');
}

function propertyRows(entity: Json): string[][] {
  const overwritten = new Set<string>(entity.overwrittenProperties ?? []);
  const defaults = new Set<string>(entity.defaultProperties ?? []);
  return ((entity.properties ?? []) as Json[])
    .map((p) => [p.name, p.scope ?? '', overwritten.has(p.name) ? 'SESSION' : defaults.has(p.name) ? '' : 'SERVER', p.value ?? 'NULL'])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
}

const TABLES: Record<string, (e: Json) => TextTable> = {
  currentStatus: (e) => ({ headers: ['Message'], rows: [[String(e.commandStatus?.message ?? '').split('\n', 1)[0]!]] }),
  streams: (e) => ({ headers: ['Stream Name', 'Kafka Topic', 'Key Format', 'Value Format', 'Windowed'], rows: sourceRows(e.streams ?? []) }),
  tables: (e) => ({ headers: ['Table Name', 'Kafka Topic', 'Key Format', 'Value Format', 'Windowed'], rows: sourceRows(e.tables ?? []) }),
  queries: (e) => ({
    headers: ['Query ID', 'Query Type', 'Status', 'Sink Name', 'Sink Kafka Topic', 'Query String'],
    rows: ((e.queries ?? []) as Json[]).map((q) => [
      q.id,
      q.queryType ?? 'PERSISTENT',
      statusCount(q.statusCount),
      (q.sinks ?? []).join(','),
      (q.sinkKafkaTopics ?? []).join(','),
      singleLine(String(q.queryString ?? '')),
    ]),
    after: ['For detailed information on a Query run: EXPLAIN <Query ID>;'],
  }),
  properties: (e) => ({ headers: ['Property', 'Scope', 'Default override', 'Effective Value'], rows: propertyRows(e) }),
  kafka_topics: (e) => ({
    headers: ['Kafka Topic', 'Partitions', 'Partition Replicas'],
    rows: ((e.topics ?? []) as Json[]).map((t) => [t.name, String((t.replicaInfo ?? []).length), replicaInfo(t.replicaInfo ?? [])]),
  }),
  kafka_topics_extended: (e) => ({
    headers: ['Kafka Topic', 'Partitions', 'Partition Replicas', 'Consumers', 'ConsumerGroups'],
    rows: ((e.topics ?? []) as Json[]).map((t) => [
      t.name,
      String((t.replicaInfo ?? []).length),
      replicaInfo(t.replicaInfo ?? []),
      String(t.consumerCount),
      String(t.consumerGroupCount),
    ]),
  }),
  executionPlan: (e) => ({ headers: ['Execution Plan'], rows: [[String(e.executionPlan ?? '')]] }),
  function_names: (e) => ({
    headers: ['Function Name', 'Category'],
    rows: ((e.functions ?? []) as Json[])
      .map((f) => [f.name, f.category || String(f.type ?? '').toUpperCase()])
      .sort((a, b) => a[1]!.localeCompare(b[1]!) || a[0]!.localeCompare(b[0]!)),
    after: ['For detailed information about a function, run: DESCRIBE FUNCTION <Function Name>;'],
  }),
  warning_entity: (e) => ({ headers: ['Message'], rows: [[String(e.message)]] }),
  terminate_query: (e) => ({ headers: ['Message'], rows: [[`Terminated query "${e.queryId}"`]] }),
  variables: (e) => ({ headers: ['Variable Name', 'Value'], rows: ((e.variables ?? []) as Json[]).map((v) => [v.name, v.value]) }),
};

/** ASSERT TOPIC / SCHEMA that held, as ksqlDB's CLI says it: "Topic t exists.", "Schema with subject s does not exist." */
function assertion(e: Json): string {
  const existence = e.exists ? ' exists' : ' does not exist';
  if (e['@type'] === 'assert_topic') return `Topic ${e.topicName}${existence}.`;
  return `Schema with${e.subject != null ? ` subject ${e.subject}` : ''}${e.id != null ? ` id ${e.id}` : ''}${existence}.`;
}

/** The lines of one entity, without the blank line the list puts before it. */
export function renderEntity(entity: Json, width: number): string[] {
  const type = String(entity['@type']);
  const lines = TABLES[type]
    ? renderTable(TABLES[type](entity), width)
    : type === 'sourceDescription'
      ? sourceDescription(entity.sourceDescription ?? {}, width)
      : type === 'source_descriptions'
        ? ((entity.sourceDescriptions ?? []) as Json[]).flatMap((s) => [...sourceDescription(s, width), ''])
        : type === 'queryDescription'
          ? queryDescription(entity.queryDescription ?? {}, width)
          : type === 'query_descriptions'
            ? ((entity.queryDescriptions ?? []) as Json[]).flatMap((q) => [...queryDescription(q, width), ''])
            : type === 'assert_topic' || type === 'assert_schema'
              ? [assertion(entity)]
              : JSON.stringify(entity, null, 2).split('\n');
  return [...lines, ...((entity.warnings ?? []) as Json[]).map((w) => `WARNING: ${w.message}`)];
}

/** The lines of a /ksql answer: each entity after a blank line, headed by its statement when there are several. */
export function renderEntityList(entities: Json[], width: number): string[] {
  const showStatements = entities.length > 1;
  return entities.flatMap((e) => ['', ...(showStatements ? [String(e.statementText ?? '')] : []), ...renderEntity(e, width)]);
}

/** The message of a command the server ran but that failed (a currentStatus whose status is ERROR), if any. */
export function failedCommand(entities: Json[]): string | undefined {
  const failed = entities.find((e) => e['@type'] === 'currentStatus' && e.commandStatus?.status === 'ERROR');
  return failed ? String(failed.commandStatus.message) : undefined;
}
