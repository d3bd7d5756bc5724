// EXPLAIN's execution plan (plan/describe.ts) against ksqlDB's own: for each query shape, the steps'
// query contexts (their Logger names) and nesting as ksqlDB recorded them for its QTT cases
// (confluentinc/ksql ksqldb-functional-tests/src/test/resources/historical_plans/<case>/<version>/plan.json,
// `queryContext` of each step, `/` printed as `.`), and the text layout of ksqlDB's PlanSummary.
import { describe, expect, it } from 'vitest';
import { analyzeQuery } from '../../embedded/ksqldb/analyzer/analyzer.ts';
import { describeExecutionPlan, describeTopology } from '../../embedded/ksqldb/plan/describe.ts';
import { catalog, parseQuery } from './plan-support.ts';

const engine = catalog();
/** the plan of `sql` over the catalog: a persistent query writing `sinkName`, or a transient SELECT without one */
const planOf = (sql: string, sinkName?: string) =>
  analyzeQuery(parseQuery(engine, sql), engine.metastore, sinkName ? { persistent: true, sinkName } : { persistent: false }).plan;
/** EXPLAIN's execution plan text of `sql` run as query `queryId` */
const explain = (sql: string, queryId: string, sinkName?: string) => describeExecutionPlan(planOf(sql, sinkName), queryId);

/** the plan's steps as `depth context` (depth from the tabs: PlanSummary indents each level by two) */
const contexts = (text: string, queryId: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => {
      const m = /^(\t*) > \[ \w+ \] \| Schema: .* \| Logger: (\S+)$/.exec(line);
      if (!m) throw new Error(`not a plan line: ${JSON.stringify(line)}`);
      expect(m[2]!.startsWith(queryId + '.')).toBe(true);
      return `${m[1]!.length / 2} ${m[2]!.slice(queryId.length + 1)}`;
    });
/** the steps of `sql`'s execution plan, as `contexts` lists them */
const steps = (sql: string, queryId: string, sinkName?: string) => contexts(explain(sql, queryId, sinkName), queryId);

describe('EXPLAIN execution plan, as ksqlDB records it', () => {
  const cases: [string, string, string, string[]][] = [
    // explode_-_explode_array_of_struct
    ['table function', 'CREATE STREAM OUTPUT AS SELECT ID, EXPLODE(XS) AS X FROM S;', 'OUTPUT', ['0 OUTPUT', '1 Project', '2 FlatMap', '3 KsqlTopic.Source']],
    // arraycontains_-_filter_rows_where_the_ARRAY_column_contains_a_specified_STRING
    ['WHERE', 'CREATE STREAM OUTPUT AS SELECT ID, A FROM S WHERE B > 1;', 'OUTPUT', ['0 OUTPUT', '1 Project', '2 WhereFilter', '3 KsqlTopic.Source']],
    // partition-by_-_partition_by_with_projection_select_some
    [
      'PARTITION BY',
      'CREATE STREAM REPARTITIONED AS SELECT A, B FROM S PARTITION BY A;',
      'REPARTITIONED',
      ['0 REPARTITIONED', '1 Project', '2 PartitionBy', '3 KsqlTopic.Source'],
    ],
    // count_-_count_star
    [
      'aggregation',
      'CREATE TABLE OUTPUT AS SELECT A, COUNT(*) AS N FROM S GROUP BY A;',
      'OUTPUT',
      ['0 OUTPUT', '1 Aggregate.Project', '2 Aggregate.Aggregate', '3 Aggregate.GroupBy', '4 Aggregate.Prepare', '5 KsqlTopic.Source'],
    ],
    // having_-_table_having
    [
      'HAVING',
      'CREATE TABLE T1 AS SELECT A, SUM(B) AS S FROM S WINDOW TUMBLING (SIZE 30 SECONDS) GROUP BY A HAVING SUM(B) > 1;',
      'T1',
      ['0 T1', '1 Aggregate.Project', '2 Aggregate.HavingFilter', '3 Aggregate.Aggregate', '4 Aggregate.GroupBy', '5 Aggregate.Prepare', '6 KsqlTopic.Source'],
    ],
    // joins_-_stream_stream_inner_join_-_JSON (joins_-_table_table_inner_join_-_JSON has the same steps)
    [
      'stream-stream join',
      'CREATE STREAM INNER_JOIN AS SELECT S.ID, A, C FROM S JOIN S2 WITHIN 11 SECONDS ON S.ID = S2.ID;',
      'INNER_JOIN',
      ['0 INNER_JOIN', '1 Project', '2 Join', '3 PrependAliasLeft', '4 KafkaTopic_Left.Source', '3 PrependAliasRight', '4 KafkaTopic_Right.Source'],
    ],
    // as_value_-_join: a stream joined on a value column is re-keyed first
    [
      're-keyed left side',
      'CREATE STREAM OUTPUT AS SELECT S.B, A, NAME FROM S JOIN T ON S.B = T.ID;',
      'OUTPUT',
      [
        '0 OUTPUT',
        '1 Project',
        '2 Join',
        '3 PrependAliasLeft',
        '4 LeftSourceKeyed',
        '5 KafkaTopic_Left.Source',
        '3 PrependAliasRight',
        '4 KafkaTopic_Right.Source',
      ],
    ],
    // joins_-_inner_join_-_with_left_join_column_in_projection
    [
      're-keyed right side',
      'CREATE STREAM OUTPUT AS SELECT S.ID, A, C FROM S JOIN S2 WITHIN 10 SECONDS ON S.ID = ABS(S2.ID);',
      'OUTPUT',
      [
        '0 OUTPUT',
        '1 Project',
        '2 Join',
        '3 PrependAliasLeft',
        '4 KafkaTopic_Left.Source',
        '3 PrependAliasRight',
        '4 RightSourceKeyed',
        '5 KafkaTopic_Right.Source',
      ],
    ],
    // partition-by_-_only_key_column: PARTITION BY the key it has is no step
    ['PARTITION BY the key', 'CREATE STREAM OUTPUT AS SELECT * FROM S PARTITION BY ID;', 'OUTPUT', ['0 OUTPUT', '1 Project', '2 KsqlTopic.Source']],
    // partition-by_-_partition_by_non-Key_in_join_on_non-Key: the join's result is keyed by S.B already
    [
      'PARTITION BY a join key',
      'CREATE STREAM OUTPUT AS SELECT S.B, A, C FROM S JOIN S2 WITHIN 1 SECOND ON S.B = S2.ID PARTITION BY S.B;',
      'OUTPUT',
      [
        '0 OUTPUT',
        '1 Project',
        '2 Join',
        '3 PrependAliasLeft',
        '4 LeftSourceKeyed',
        '5 KafkaTopic_Left.Source',
        '3 PrependAliasRight',
        '4 KafkaTopic_Right.Source',
      ],
    ],
    // suppress_-_should_drop_events_with_no_key: EMIT FINAL is the windowed aggregate's own
    [
      'EMIT FINAL',
      'CREATE TABLE OUTPUT AS SELECT A, COUNT(*) AS N FROM S WINDOW TUMBLING (SIZE 2 MILLISECONDS, GRACE PERIOD 1 MILLISECONDS) GROUP BY A EMIT FINAL;',
      'OUTPUT',
      ['0 OUTPUT', '1 Aggregate.Project', '2 Aggregate.Aggregate', '3 Aggregate.GroupBy', '4 Aggregate.Prepare', '5 KsqlTopic.Source'],
    ],
    // multi-joins_-_stream-stream-stream_-_outer-outer: a FULL OUTER join's result is re-keyed for the next join
    [
      'after a FULL OUTER join',
      'CREATE STREAM OUTPUT AS SELECT ROWKEY, A, C, D FROM S FULL OUTER JOIN S2 WITHIN 1 SECOND ON S.ID = S2.ID FULL OUTER JOIN S3 WITHIN 1 SECOND ON S.ID = S3.ID;',
      'OUTPUT',
      [
        '0 OUTPUT',
        '1 Project',
        '2 Join',
        '3 LeftSourceKeyed',
        '4 L_Join',
        '5 PrependAliasL_Left',
        '6 KafkaTopic_L_Left.Source',
        '5 PrependAliasL_Right',
        '6 KafkaTopic_L_Right.Source',
        '3 PrependAliasRight',
        '4 KafkaTopic_Right.Source',
      ],
    ],
    // multi-joins_-_stream-table-table_-_inner-inner
    [
      'n-way join',
      'CREATE STREAM OUTPUT AS SELECT S.ID, NAME, V FROM S JOIN T ON S.ID = T.ID JOIN T2 ON S.ID = T2.K;',
      'OUTPUT',
      [
        '0 OUTPUT',
        '1 Project',
        '2 Join',
        '3 L_Join',
        '4 PrependAliasL_Left',
        '5 KafkaTopic_L_Left.Source',
        '4 PrependAliasL_Right',
        '5 KafkaTopic_L_Right.Source',
        '3 PrependAliasRight',
        '4 KafkaTopic_Right.Source',
      ],
    ],
  ];
  for (const [what, sql, sink, expected] of cases) {
    it(what, () => {
      expect(steps(sql, 'Q_0', sink)).toEqual(expected);
    });
  }

  it("prints each step as ksqlDB's PlanSummary does: schema without needless quotes, inputs indented twice per level", () => {
    const text = explain('CREATE STREAM OUTPUT AS SELECT ID, A FROM S WHERE B > 1;', 'CSAS_OUTPUT_0', 'OUTPUT');
    expect(text).toBe(
      [
        ' > [ SINK ] | Schema: ID INTEGER KEY, A STRING | Logger: CSAS_OUTPUT_0.OUTPUT',
        '\t\t > [ PROJECT ] | Schema: ID INTEGER KEY, A STRING | Logger: CSAS_OUTPUT_0.Project',
        '\t\t\t\t > [ FILTER ] | Schema: ID INTEGER KEY, A STRING, B INTEGER, XS ARRAY<INTEGER>, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT | Logger: CSAS_OUTPUT_0.WhereFilter',
        '\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, A STRING, B INTEGER, XS ARRAY<INTEGER>, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT | Logger: CSAS_OUTPUT_0.KsqlTopic.Source',
        '',
      ].join('\n'),
    );
  });

  it('a transient SELECT has no sink step', () => {
    expect(steps('SELECT ID, A FROM S EMIT CHANGES;', 'transient_S_1')).toEqual(['0 Project', '1 KsqlTopic.Source']);
  });

  it('a re-keyed side and the key it gets', () => {
    const text = explain('CREATE STREAM OUTPUT AS SELECT S.B, A, NAME FROM S JOIN T ON S.B = T.ID;', 'Q_0', 'OUTPUT');
    expect(text).toContain(
      '\t\t\t\t\t\t\t\t > [ REKEY ] | Schema: S_B INTEGER KEY, A STRING, B INTEGER, XS ARRAY<INTEGER>, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT | Logger: Q_0.LeftSourceKeyed\n',
    );
  });
});

describe('EXPLAIN topology', () => {
  it('lists the source topics, each operator with its state stores and its neighbours, and the sink topic', () => {
    const text = describeTopology(planOf('CREATE STREAM J AS SELECT S.ID, A, NAME FROM S LEFT JOIN T ON S.ID = T.ID;', 'J'), 'CSAS_J_3', 'j_topic');
    expect(text).toBe(
      [
        'Topologies:',
        '   Sub-topology: 0',
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [s])',
        '      --> PrependAliasLeft',
        '    Source: KSTREAM-SOURCE-0000000001 (topics: [t])',
        '      --> PrependAliasRight',
        '    Processor: PrependAliasLeft (stores: [])',
        '      --> Join',
        '      <-- KSTREAM-SOURCE-0000000000',
        '    Processor: PrependAliasRight (stores: [])',
        '      --> Join',
        '      <-- KSTREAM-SOURCE-0000000001',
        '    Processor: Join (stores: [CSAS_J_3-join0-table])',
        '      --> Project',
        '      <-- PrependAliasLeft, PrependAliasRight',
        '    Processor: Project (stores: [])',
        '      --> KSTREAM-SINK-0000000002',
        '      <-- Join',
        '    Sink: KSTREAM-SINK-0000000002 (topic: j_topic)',
        '      <-- Project',
        '',
        '',
      ].join('\n'),
    );
  });
});
