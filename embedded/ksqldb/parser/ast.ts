// The abstract syntax tree produced by the parser. Pure data, serialisable.
import type { Position } from '../errors.ts';
import type { SqlType } from '../types.ts';

export type Expr =
  | { kind: 'lit'; type: SqlType; value: unknown; text?: string; pos: Position }
  | { kind: 'col'; source?: string; name: string; pos: Position }
  | { kind: 'arith'; op: '+' | '-' | '*' | '/' | '%'; left: Expr; right: Expr; pos: Position }
  | { kind: 'neg'; operand: Expr; pos: Position }
  | { kind: 'cmp'; op: '=' | '<>' | '<' | '<=' | '>' | '>=' | 'DISTINCT' | 'NOT DISTINCT'; left: Expr; right: Expr; pos: Position }
  | { kind: 'logic'; op: 'AND' | 'OR'; left: Expr; right: Expr; pos: Position }
  | { kind: 'not'; operand: Expr; pos: Position }
  | { kind: 'isnull'; operand: Expr; negated: boolean; pos: Position }
  | { kind: 'between'; operand: Expr; low: Expr; high: Expr; negated: boolean; pos: Position }
  | { kind: 'in'; operand: Expr; list: Expr[]; negated: boolean; pos: Position }
  | { kind: 'like'; operand: Expr; pattern: Expr; escape?: Expr; negated: boolean; pos: Position }
  | { kind: 'case'; operand?: Expr; whens: { when: Expr; then: Expr }[]; else?: Expr; pos: Position }
  | { kind: 'cast'; operand: Expr; type: SqlType | 'NULL'; pos: Position }
  | { kind: 'call'; name: string; args: Expr[]; star: boolean; distinct: boolean; pos: Position }
  | { kind: 'array'; items: Expr[]; pos: Position }
  | { kind: 'subscript'; base: Expr; index: Expr; pos: Position }
  | { kind: 'deref'; base: Expr; field: string; pos: Position }
  | { kind: 'struct'; fields: { name: string; value: Expr }[]; pos: Position }
  | { kind: 'map'; entries: { key: Expr; value: Expr }[]; pos: Position }
  /** `x => body`, `(a, b) => body`: an argument of TRANSFORM, FILTER, REDUCE */
  | { kind: 'lambda'; params: string[]; body: Expr; pos: Position }
  /** a lambda's parameter, referenced in its body */
  | { kind: 'lambdaVar'; name: string; pos: Position };

export type SelectItem =
  | { kind: 'star'; source?: string; pos: Position }
  | { kind: 'expr'; expr: Expr; alias?: string; pos: Position }
  /** `s->*`: every field of a STRUCT, each a column named by the field */
  | { kind: 'structStar'; expr: Expr; pos: Position };

export interface SourceRef {
  name: string;
  alias?: string;
  pos: Position;
}

export interface Duration {
  ms: number;
  text: string;
}

export interface WindowSpec {
  type: 'TUMBLING' | 'HOPPING' | 'SESSION';
  size: Duration;
  advance?: Duration;
  grace?: Duration;
  retention?: Duration;
  pos: Position;
}

export interface JoinClause {
  type: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';
  right: SourceRef;
  on: Expr;
  within?: { before: Duration; after: Duration; grace?: Duration };
  pos: Position;
}

export interface Query {
  select: SelectItem[];
  from: SourceRef;
  joins: JoinClause[];
  window?: WindowSpec;
  where?: Expr;
  groupBy?: Expr[];
  partitionBy?: Expr[];
  having?: Expr;
  emit?: 'CHANGES' | 'FINAL';
  limit?: number;
  pos: Position;
}

export interface ColumnDef {
  name: string;
  type: SqlType;
  key: boolean;
  primaryKey: boolean;
  /** HEADERS (every header) or HEADER('key') (one header's value) */
  header?: { key?: string };
  pos: Position;
}

export type PropValue = string | number | boolean | null;
export type Props = Record<string, { value: PropValue; pos: Position }>;

export type Statement =
  | {
      kind: 'createSource';
      sourceType: 'STREAM' | 'TABLE';
      name: string;
      orReplace: boolean;
      ifNotExists: boolean;
      source: boolean;
      columns: ColumnDef[];
      props: Props;
      pos: Position;
      text: string;
    }
  | {
      kind: 'createAs';
      sourceType: 'STREAM' | 'TABLE';
      name: string;
      orReplace: boolean;
      ifNotExists: boolean;
      props: Props;
      query: Query;
      pos: Position;
      text: string;
    }
  | { kind: 'insertInto'; target: string; props: Props; query: Query; pos: Position; text: string }
  | { kind: 'insertValues'; target: string; columns?: string[]; values: Expr[]; pos: Position; text: string }
  | { kind: 'drop'; sourceType: 'STREAM' | 'TABLE'; name: string; ifExists: boolean; deleteTopic: boolean; pos: Position; text: string }
  | { kind: 'terminate'; queryId: string | 'ALL'; pos: Position; text: string }
  | { kind: 'show'; what: 'STREAMS' | 'TABLES' | 'QUERIES' | 'TOPICS' | 'PROPERTIES' | 'FUNCTIONS'; extended: boolean; pos: Position; text: string }
  | { kind: 'describe'; name: string; extended: boolean; pos: Position; text: string }
  | { kind: 'set'; name: string; value: string; pos: Position; text: string }
  | { kind: 'unset'; name: string; pos: Position; text: string }
  | { kind: 'runScript'; path: string; pos: Position; text: string }
  | { kind: 'select'; query: Query; pos: Position; text: string }
  /** EXPLAIN of a running query (by id) or of a query statement that is not run (CREATE ... AS, INSERT INTO, SELECT) */
  | { kind: 'explain'; queryId?: string; statement?: Statement; pos: Position; text: string }
  | { kind: 'createType'; name: string; type: SqlType; ifNotExists: boolean; pos: Position; text: string }
  | { kind: 'dropType'; name: string; ifExists: boolean; pos: Position; text: string }
  /** ASSERT [NOT EXISTS] TOPIC name [WITH (PARTITIONS=n, REPLICAS=n)] [TIMEOUT n unit] */
  | { kind: 'assertTopic'; topic: string; exists: boolean; props: Props; timeoutMs?: number; pos: Position; text: string }
  /** ASSERT [NOT EXISTS] SCHEMA [SUBJECT name] [ID n] [TIMEOUT n unit] */
  | { kind: 'assertSchema'; subject?: string; id?: number; exists: boolean; timeoutMs?: number; pos: Position; text: string };
