// EXPLAIN's texts for a query's plan, in ksqlDB's shapes: the execution plan (ksqlDB's PlanSummary:
// one line per step, ` > [ OP ] | Schema: ... | Logger: <query id>.<context>`, each step's inputs
// indented under it) and a Kafka Streams-style topology description of the operators this engine runs
// (sources, processors with their state stores, the sink).
import { schemaToString, type LogicalSchema } from '../types.ts';
import { sourcesOf, type DataSourceNode, type JoinNode, type PlanNode, type SinkNode } from './logical.ts';

/** one execution step: ksqlDB's operation name, its output schema, its query context, its inputs */
interface Step {
  op: 'SINK' | 'PROJECT' | 'FILTER' | 'FLAT_MAP' | 'REKEY' | 'AGGREGATE' | 'GROUP_BY' | 'JOIN' | 'SOURCE';
  schema: LogicalSchema;
  context: string[];
  inputs: Step[];
  /** SOURCE: the topic read; SINK: the topic written */
  topic?: string;
  /** the state stores the operator keeps (this engine's store names) */
  stores: string[];
}

/** the steps of a plan, from the sink (or, for a transient query, the projection) down */
export function executionSteps(plan: SinkNode, queryId: string, sinkTopic?: string): Step {
  const step = (op: Step['op'], schema: LogicalSchema, context: string[], inputs: Step[], extra: Partial<Step> = {}): Step => ({
    op,
    schema,
    context,
    inputs,
    stores: [],
    ...extra,
  });

  const sourceStep = (node: DataSourceNode, context: string[]): Step => step('SOURCE', node.schema, context, [], { topic: node.side.source.topic });

  /**
   * a join's side: ksqlDB prefixes its columns with the alias (PrependAlias) after reading it, and
   * first re-keys it (<side>SourceKeyed) when the join criteria is not its key
   */
  const joinSide = (node: DataSourceNode, prefix: string, side: 'Left' | 'Right', rekey: boolean, key: LogicalSchema['key']): Step => {
    const prefixed: LogicalSchema = {
      key: rekey ? key : node.schema.key,
      value: [...node.schema.key, ...node.schema.value].map((c) => ({ ...c, name: node.side.prefix + c.name, namespace: 'VALUE' })),
    };
    const read = sourceStep(node, [`KafkaTopic_${prefix}${side}`, 'Source']);
    const keyed = rekey ? step('REKEY', { key, value: node.schema.value }, [`${prefix}${side}SourceKeyed`], [read]) : read;
    return step('PROJECT', prefixed, [`PrependAlias${prefix}${side}`], [keyed]);
  };

  const joinStores = (node: JoinNode): string[] => {
    const at = `${queryId}-join${node.index}`;
    switch (node.spec.kind) {
      case 'stream-table':
        return [`${at}-table`];
      case 'stream-stream':
        return [`${at}-windows`];
      default:
        return [`${at}-left`, `${at}-right`];
    }
  };

  /** `prefix`: ksqlDB names a join nested as another's left side L_Join, its sides L_Left and L_Right */
  const joinStep = (node: JoinNode, prefix: string): Step => {
    const j = node.spec;
    // a foreign-key join looks the right key up from the left rows as they are
    const rekeyLeft = j.kind !== 'table-table-fk' && !j.leftIsKey;
    // a right side whose key format is not the left's (the FROM source's) is re-keyed into it, unless the
    // left is re-keyed anyway (then into the right's format)
    const leftKeyFormat = sourcesOf(node)[0]!.side.source.keyFormat;
    const rekeyRight = j.kind !== 'table-table-fk' && (!j.rightIsKey || (!rekeyLeft && node.right.side.source.keyFormat !== leftKeyFormat));
    const key = node.schema.key;
    let left: Step;
    if (node.left.kind === 'source') left = joinSide(node.left, prefix, 'Left', rekeyLeft, key);
    else {
      const inner = joinStep(node.left, prefix + 'L_');
      left = rekeyLeft ? step('REKEY', { key, value: inner.schema.value }, [`${prefix}LeftSourceKeyed`], [inner]) : inner;
    }
    return step('JOIN', node.schema, [`${prefix}Join`], [left, joinSide(node.right, prefix, 'Right', rekeyRight, key)], { stores: joinStores(node) });
  };

  const walk = (node: PlanNode, aggregated: boolean): Step => {
    switch (node.kind) {
      case 'sink':
        return step('SINK', node.schema, [node.name ?? 'OUTPUT'], [walk(node.source, aggregated)], { topic: sinkTopic });
      case 'project':
        return step('PROJECT', node.schema, aggregated ? ['Aggregate', 'Project'] : ['Project'], [walk(node.source, aggregated)]);
      case 'filter':
        // HAVING filters an aggregate's rows; WHERE the rows read
        return step(
          'FILTER',
          node.schema,
          node.source.kind === 'aggregate' || node.source.kind === 'suppress' ? ['Aggregate', 'HavingFilter'] : ['WhereFilter'],
          [walk(node.source, aggregated)],
        );
      case 'flatMap':
        return step('FLAT_MAP', node.schema, ['FlatMap'], [walk(node.source, aggregated)]);
      case 'repartition':
        return node.keyUnchanged ? walk(node.source, aggregated) : step('REKEY', node.schema, ['PartitionBy'], [walk(node.source, aggregated)]);
      case 'suppress': {
        // ksqlDB's windowed aggregate step emits final results itself: no step of its own
        const aggregate = walk(node.source, aggregated);
        return { ...aggregate, stores: [...aggregate.stores, `${queryId}-suppress`] };
      }
      case 'aggregate': {
        const input = walk(node.source, false);
        const prepared = step('PROJECT', node.source.schema, ['Aggregate', 'Prepare'], [input]);
        const grouped = step('GROUP_BY', { key: node.schema.key, value: node.source.schema.value }, ['Aggregate', 'GroupBy'], [prepared]);
        return step('AGGREGATE', node.schema, ['Aggregate', 'Aggregate'], [grouped], { stores: [`${queryId}-aggregate`] });
      }
      case 'join':
        return joinStep(node, '');
      case 'source':
        return sourceStep(node, ['KsqlTopic', 'Source']);
    }
  };
  const aggregated = hasAggregate(plan);
  const root = walk(plan, aggregated);
  // a transient query (no sink name) has no sink step: its rows go to the client
  return plan.name === undefined ? root.inputs[0]! : root;
}

function hasAggregate(node: PlanNode): boolean {
  if (node.kind === 'aggregate') return true;
  if (node.kind === 'source') return false;
  if (node.kind === 'join') return hasAggregate(node.left);
  return hasAggregate(node.source);
}

/** ksqlDB's PlanSummary text: a step's line, then each input's text, indented as ksqlDB indents them */
export function describeExecutionPlan(plan: SinkNode, queryId: string): string {
  const summarize = (s: Step, indent: string): string => {
    let text = `${indent} > [ ${s.op} ] | Schema: ${schemaToString(s.schema, false)} | Logger: ${queryId}.${s.context.join('.')}\n`;
    for (const input of s.inputs) text += '\t' + indent + summarize(input, indent + '\t');
    return text;
  };
  return summarize(executionSteps(plan, queryId), '');
}

/**
 * The operators as Kafka Streams' TopologyDescription prints a topology: each source topic's node,
 * the processors (named by their query context, with their state stores) and the sink, each with
 * the nodes it feeds (-->) and is fed by (<--). All of a query's operators run in one task here (the
 * engine repartitions in-process), so there is one sub-topology.
 */
export function describeTopology(plan: SinkNode, queryId: string, sinkTopic?: string): string {
  interface Vertex {
    kind: 'Source' | 'Processor' | 'Sink';
    name: string;
    detail: string;
    next: string[];
    prev: string[];
  }
  const vertices: Vertex[] = [];
  let counter = 0;
  const seq = () => String(counter++).padStart(10, '0');
  const names = new Set<string>();
  const unique = (name: string) => {
    let n = name;
    for (let i = 1; names.has(n); i++) n = `${name}-${i}`;
    names.add(n);
    return n;
  };
  const add = (s: Step): Vertex => {
    const inputs = s.inputs.map(add);
    const v: Vertex =
      s.op === 'SOURCE'
        ? { kind: 'Source', name: `KSTREAM-SOURCE-${seq()}`, detail: `(topics: [${s.topic}])`, next: [], prev: [] }
        : s.op === 'SINK'
          ? { kind: 'Sink', name: `KSTREAM-SINK-${seq()}`, detail: `(topic: ${s.topic ?? s.context[0]})`, next: [], prev: [] }
          : { kind: 'Processor', name: unique(s.context.join('-')), detail: `(stores: [${s.stores.join(', ')}])`, next: [], prev: [] };
    for (const i of inputs) {
      i.next.push(v.name);
      v.prev.push(i.name);
    }
    vertices.push(v);
    return v;
  };
  add(executionSteps(plan, queryId, sinkTopic));
  // sources first, as Kafka Streams lists them, then the rest in the order records reach them
  const ordered = [...vertices.filter((v) => v.kind === 'Source'), ...vertices.filter((v) => v.kind !== 'Source')];
  const lines = ['Topologies:', '   Sub-topology: 0'];
  for (const v of ordered) {
    lines.push(`    ${v.kind}: ${v.name} ${v.detail}`);
    if (v.kind !== 'Sink') lines.push(`      --> ${v.next.length ? v.next.join(', ') : 'none'}`);
    if (v.kind !== 'Source') lines.push(`      <-- ${v.prev.join(', ')}`);
  }
  return lines.join('\n') + '\n\n';
}
