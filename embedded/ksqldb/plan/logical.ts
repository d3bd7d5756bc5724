// The logical plan of a query: a tree of nodes from the sink down to the data sources, each with the
// schema of the rows it outputs, named as ksqlDB's planner names them (DataSourceNode, JoinNode,
// FilterNode, FlatMapNode, RepartitionNode, AggregateNode, SuppressNode, ProjectNode, SinkNode).
// The analyzer's steps build it; plan/physical.ts maps each node to an operator.
import type { Side } from '../analyzer/scope.ts';
import type { Compiled } from '../expr/compile.ts';
import type { WindowType } from '../formats/index.ts';
import type { AggregateImpl } from '../functions/aggregate.ts';
import type { LogicalSchema } from '../types.ts';

export interface WindowInfo {
  type: WindowType;
  size: number;
  advance: number;
  grace: number;
  retention?: number;
}

/** one table function call: its argument, and the values it outputs for one argument value */
export interface TableFunctionSpec {
  field: string;
  /** the call as written, for the plan's description */
  text: string;
  arg: Compiled;
  explode: (arg: unknown) => unknown[];
}

export interface AggregateSpec {
  groupBy: Compiled[];
  aggs: { impl: AggregateImpl; args: Compiled[]; text: string }[];
  window?: WindowInfo;
  /** input is a table: changes carry old values to undo */
  tableInput: boolean;
}

export interface JoinSpec {
  /** table-table-fk: the left side joins on a foreign-key expression, output keyed by the left key */
  kind: 'stream-table' | 'table-table' | 'table-table-fk' | 'stream-stream';
  type: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';
  /** expression over the left row giving the join key */
  leftKey: Compiled;
  /** expression over the right row giving the join key */
  rightKey: Compiled;
  /** stream-stream: WITHIN (before, after) and GRACE PERIOD, ms */
  within?: { before: number; after: number; grace?: number };
  /** whether the left key is the left source's own key (no repartition needed) */
  leftIsKey: boolean;
  /** whether the right key is the right source's own key (else ksqlDB re-keys that side first) */
  rightIsKey: boolean;
}

/** a source of the query (FROM or a JOIN's right side): its rows are its columns plus pseudo columns */
export interface DataSourceNode {
  kind: 'source';
  side: Side;
  schema: LogicalSchema;
}

/** joins the rows of `left` (a source or an earlier join) with the rows of a source */
export interface JoinNode {
  kind: 'join';
  /** position among the query's joins (0 = FROM joined with the first JOIN) */
  index: number;
  left: DataSourceNode | JoinNode;
  right: DataSourceNode;
  spec: JoinSpec;
  /** the synthetic key column (ROWKEY...) this join writes into its rows: FULL OUTER joins, expression keys */
  syntheticKey?: string;
  schema: LogicalSchema;
}

/** WHERE (over a stream or a table's changes) or HAVING (over an aggregate's changes) */
export interface FilterNode {
  kind: 'filter';
  source: PlanNode;
  predicate: Compiled;
  /** the predicate's text, for the plan's description */
  text: string;
  /** input rows are a table's changes: a row that stops matching becomes a delete */
  onTable: boolean;
  schema: LogicalSchema;
}

/** table functions (EXPLODE ...): one output row per element, the calls' outputs zipped, padded with nulls */
export interface FlatMapNode {
  kind: 'flatMap';
  source: PlanNode;
  functions: TableFunctionSpec[];
  schema: LogicalSchema;
}

/**
 * A new key: PARTITION BY expressions (`keys`; [] is PARTITION BY NULL, no key), or the source's key
 * columns reordered to the projection's order (`order`, a permutation).
 */
export interface RepartitionNode {
  kind: 'repartition';
  source: PlanNode;
  keys?: (Compiled & { keyOnly?: boolean })[];
  order?: number[];
  /** PARTITION BY the key the rows already have: ksqlDB's plan has no step for it */
  keyUnchanged?: boolean;
  schema: LogicalSchema;
}

/** GROUP BY with its aggregate calls and window; outputs one changing row per group (and window) */
export interface AggregateNode {
  kind: 'aggregate';
  source: PlanNode;
  spec: AggregateSpec;
  schema: LogicalSchema;
}

/** EMIT FINAL: holds a windowed aggregate's rows until the window closes */
export interface SuppressNode {
  kind: 'suppress';
  source: AggregateNode;
  window: WindowInfo;
  schema: LogicalSchema;
}

/** the SELECT list: value column expressions over the input rows */
export interface ProjectNode {
  kind: 'project';
  source: PlanNode;
  values: { name: string; expr: Compiled }[];
  schema: LogicalSchema;
}

/** the query's output: a stream or table (named for persistent queries, none for a transient SELECT) */
export interface SinkNode {
  kind: 'sink';
  source: ProjectNode;
  name?: string;
  resultType: 'STREAM' | 'TABLE';
  /** output key window (from the WINDOW clause or a windowed source) */
  window?: { type: WindowType; size?: number };
  schema: LogicalSchema;
}

export type PlanNode = DataSourceNode | JoinNode | FilterNode | FlatMapNode | RepartitionNode | AggregateNode | SuppressNode | ProjectNode | SinkNode;

/** the nodes a node reads from, left first */
export function inputsOf(node: PlanNode): PlanNode[] {
  switch (node.kind) {
    case 'source':
      return [];
    case 'join':
      return [node.left, node.right];
    default:
      return [node.source];
  }
}

/** every node of the tree, parents before their inputs */
export function planNodes(root: PlanNode): PlanNode[] {
  return [root, ...inputsOf(root).flatMap(planNodes)];
}

/** the first node of a kind, searching from the root */
export function findNode<K extends PlanNode['kind']>(root: PlanNode, kind: K): Extract<PlanNode, { kind: K }> | undefined {
  return planNodes(root).find((n): n is Extract<PlanNode, { kind: K }> => n.kind === kind);
}

/** the data sources under a node in FROM order: the FROM source, then each JOIN's right side */
export function sourcesOf(node: PlanNode): DataSourceNode[] {
  if (node.kind === 'source') return [node];
  if (node.kind === 'join') return [...sourcesOf(node.left), node.right];
  return inputsOf(node).flatMap(sourcesOf);
}
