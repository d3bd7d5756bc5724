// The analysis steps' tests: a metastore made by real CREATE statements, queries parsed by the
// engine's parser, and the context the steps share, so each step can be run on its own.
import { SourceScope } from '../../embedded/ksqldb/analyzer/scope.ts';
import type { AnalyzeOptions, QueryContext } from '../../embedded/ksqldb/analyzer/context.ts';
import { normalizer } from '../../embedded/ksqldb/analyzer/context.ts';
import { planJoins } from '../../embedded/ksqldb/analyzer/joins.ts';
import { planSelectItems } from '../../embedded/ksqldb/analyzer/select-items.ts';
import { planSources } from '../../embedded/ksqldb/analyzer/sources.ts';
import { planWhere } from '../../embedded/ksqldb/analyzer/where.ts';
import { KsqlEngine } from '../../embedded/ksqldb/engine.ts';
import type { Query } from '../../embedded/ksqldb/parser/ast.ts';
import { parseStatements } from '../../embedded/ksqldb/parser/parser.ts';
import { schemaToString, type LogicalSchema } from '../../embedded/ksqldb/types.ts';

/** streams and tables the plan tests query (JSON; `W` is a tumbling-windowed table) */
export const CATALOG = [
  "CREATE STREAM S (ID INT KEY, A STRING, B INT, XS ARRAY<INT>) WITH (kafka_topic='s', format='JSON', partitions=1);",
  "CREATE STREAM S2 (ID INT KEY, C STRING) WITH (kafka_topic='s2', format='JSON', partitions=1);",
  "CREATE STREAM S3 (ID INT KEY, D STRING) WITH (kafka_topic='s3', format='JSON', partitions=1);",
  "CREATE TABLE T (ID INT PRIMARY KEY, NAME STRING, N INT) WITH (kafka_topic='t', format='JSON', partitions=1);",
  "CREATE TABLE T2 (K INT PRIMARY KEY, V STRING) WITH (kafka_topic='t2', format='JSON', partitions=1);",
  'CREATE TABLE W AS SELECT A, COUNT(*) AS CNT FROM S WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY A;',
].join('\n');

export function catalog(): KsqlEngine {
  const engine = new KsqlEngine({ config: { 'ksql.output.topic.name.prefix': '' } });
  engine.execute(CATALOG);
  return engine;
}

export function parseQuery(engine: KsqlEngine, sql: string): Query {
  const [st] = parseStatements(sql, engine.metastore.types);
  if (!st) throw new Error(`no statement in ${sql}`);
  if (st.kind === 'select' || st.kind === 'createAs' || st.kind === 'insertInto') return st.query;
  throw new Error(`not a query: ${sql}`);
}

/** runs the steps up to the SELECT list, as analyzeQuery does */
export function stepsFor(engine: KsqlEngine, sql: string, opts: AnalyzeOptions = { persistent: true, sinkName: 'OUT' }) {
  const q = parseQuery(engine, sql);
  const { sides, nodes } = planSources(q, engine.metastore);
  const ctx: QueryContext = { q, opts, sides, scope: new SourceScope(sides), isJoin: q.joins.length > 0 };
  const joins = planJoins(ctx, nodes);
  const last = joins.joins[joins.joins.length - 1];
  const filtered = planWhere(ctx, joins.node, last ? last.kind.startsWith('table-table') : sides[0]!.source.type === 'TABLE');
  const select = planSelectItems(ctx, joins.syntheticKey);
  return { q, ctx, nodes, joins, filtered, select, norm: normalizer(ctx) };
}

/** a schema as ksqlDB prints it, quoting only names that need it */
export const show = (s: LogicalSchema): string => schemaToString(s, false);
