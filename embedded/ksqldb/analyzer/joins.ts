// Step 2, joins: each JOIN in order, checked as ksqlDB checks it (join kinds, outer joins, WITHIN,
// formats, equality criteria over one side each, table keys, windowed sources) and planned as a
// JoinNode over the previous join (or the FROM source). Tracks which expressions equal the join
// result's key, and gives the result a synthetic key column when no source column holds it.
import { compileExpr, exprToString } from '../expr/compile.ts';
import type { Expr } from '../parser/ast.ts';
import type { DataSourceNode, JoinNode, JoinSpec } from '../plan/logical.ts';
import { T, allColumns, type Column, type LogicalSchema, type SqlType } from '../types.ts';
import { colRefs, err, type QueryContext } from './context.ts';
import { mapExpr } from './rewrite.ts';

export interface PlannedJoins {
  /** the last JoinNode, or the FROM source when there is no join */
  node: DataSourceNode | JoinNode;
  joins: JoinSpec[];
  /** STREAM or TABLE: what the joined rows are */
  resultType: 'STREAM' | 'TABLE';
  /** normalized expressions that all equal the join result's key */
  keyClass: string[];
  keyType: SqlType;
  /** a foreign-key join keeps the left table's (possibly multi-column) primary key */
  fkKey?: { norms: string[][]; types: SqlType[] };
  syntheticKey?: string;
}

export function planJoins(ctx: QueryContext, sources: DataSourceNode[]): PlannedJoins {
  const { q, sides, scope } = ctx;
  const left = sides[0]!.source;
  const leftAlias = sides[0]!.alias;
  const joinNorm = (e: Expr): string =>
    exprToString(mapExpr(e, (x) => (x.kind === 'col' ? { kind: 'col', name: '#' + scope.resolve(x).field, pos: x.pos } : undefined)));

  const joinSpecs: JoinSpec[] = [];
  let accType: 'STREAM' | 'TABLE' = left.type;
  let keyClass: string[] = [];
  let keyType: SqlType = T.STRING;
  let fkKeyNorms: string[][] | undefined;
  let fkKeyTypes: SqlType[] | undefined;
  const joinNodes: JoinNode[] = [];
  /** per join: the expressions its output key equals, per key column, and their types */
  const keyAfter: { norms: string[][]; types: SqlType[] }[] = [];
  q.joins.forEach((j, ji) => {
    const r = sides[ji + 1]!.source;
    let kind = checkedJoinKind(ctx, ji, accType);
    const { on, le, re } = joinCriteria(ctx, ji);
    const isPk = (e: Expr, src: typeof r) => e.kind === 'col' && scope.lookup(e).key && src.schema.key.length === 1;
    if (kind !== 'stream-stream' && !isPk(re, r)) {
      err(
        `Cannot repartition a TABLE source. If this is a join, make sure that the criteria uses the TABLE's key column ${r.schema.key.map((c) => c.name).join(', ')} instead of ${exprToString(re)}`,
        on.pos,
      );
    }
    if (kind === 'table-table' && (ji === 0 ? !isPk(le, left) : !keyClass.includes(joinNorm(le)))) {
      if (j.type !== 'INNER' && j.type !== 'LEFT') err(`${j.type === 'FULL' ? 'FULL OUTER' : 'RIGHT OUTER'} joins are not supported on foreign keys.`, j.pos);
      if (ji > 0)
        err(
          `Invalid join condition: foreign-key table-table joins are not supported as part of n-way joins. Got ${exprToString(le)} = ${exprToString(re)}.`,
          on.pos,
        );
      kind = 'table-table-fk';
      fkKeyNorms = left.schema.key.map((c) => [joinNorm({ kind: 'col', source: leftAlias, name: c.name, pos: j.pos })]);
      fkKeyTypes = left.schema.key.map((c) => c.type);
      keyClass = fkKeyNorms.length === 1 ? fkKeyNorms[0]! : [];
    }
    checkWindowedJoin(ctx, ji, le, re, on);
    const leftKey = compileExpr(le, scope);
    const rightKey = compileExpr(re, scope);
    if (leftKey.type.base !== rightKey.type.base) {
      err(`Invalid join condition: types don't match. Got ${exprToString(le)}{${leftKey.type.base}} = ${exprToString(re)}{${rightKey.type.base}}.`, on.pos);
    }
    const spec: JoinSpec = {
      kind,
      type: j.type,
      leftKey,
      rightKey,
      // a FULL OUTER join's key is its own (either side's may be null): no column of it equals it
      leftIsKey: ji === 0 ? !!isPk(le, left) : q.joins[ji - 1]!.type !== 'FULL' && keyClass.includes(joinNorm(le)),
      rightIsKey: !!isPk(re, r),
      within: j.within ? { before: j.within.before.ms, after: j.within.after.ms, grace: j.within.grace?.ms } : undefined,
    };
    joinSpecs.push(spec);
    if (kind !== 'table-table-fk') {
      const ln = joinNorm(le);
      keyClass = keyClass.includes(ln) ? [...keyClass, joinNorm(re)] : [ln, joinNorm(re)];
      keyType = leftKey.type;
    } else if (ji === 0) keyType = left.schema.key[0]!.type;
    accType = kind === 'table-table' || kind === 'table-table-fk' ? 'TABLE' : 'STREAM';
    joinNodes.push({ kind: 'join', index: ji, left: joinNodes[ji - 1] ?? sources[0]!, right: sources[ji + 1]!, spec, schema: { key: [], value: [] } });
    keyAfter.push({ norms: keyClass.length ? [keyClass] : (fkKeyNorms ?? []), types: kind === 'table-table-fk' ? fkKeyTypes! : [keyType] });
  });
  const lastIsFk = joinSpecs[joinSpecs.length - 1]?.kind === 'table-table-fk';
  const syntheticKey = lastIsFk ? undefined : syntheticKeyName(ctx, keyClass);
  if (syntheticKey) {
    scope.addSynthetic(syntheticKey, keyType);
    keyClass = ['#' + syntheticKey];
  }
  const fkKey = lastIsFk && fkKeyNorms ? { norms: fkKeyNorms, types: fkKeyTypes! } : undefined;
  joinNodes.forEach((n, i) => {
    const key = i === joinNodes.length - 1 && syntheticKey ? { norms: [['#' + syntheticKey]], types: [keyType] } : keyAfter[i]!;
    n.schema = joinRowSchema(n, key);
  });
  const lastNode = joinNodes[joinNodes.length - 1];
  if (lastNode) lastNode.syntheticKey = syntheticKey;
  return { node: lastNode ?? sources[0]!, joins: joinSpecs, resultType: accType, keyClass, keyType, fkKey, syntheticKey };
}

/** The kind of join `ji` (by what the join so far and its right source are), with the checks of join type, WITHIN and format. */
function checkedJoinKind(ctx: QueryContext, ji: number, accType: 'STREAM' | 'TABLE'): JoinSpec['kind'] {
  const { q, sides } = ctx;
  const j = q.joins[ji]!;
  const left = sides[0]!.source;
  const r = sides[ji + 1]!.source;
  const lname = ji === 0 ? left.name : 'the join result';
  const kind: JoinSpec['kind'] =
    accType === 'STREAM' && r.type === 'STREAM' ? 'stream-stream' : accType === 'TABLE' && r.type === 'TABLE' ? 'table-table' : 'stream-table';
  if (accType === 'TABLE' && r.type === 'STREAM')
    err(`Invalid join order: table-stream joins are not supported; only stream-table joins. Got ${lname} JOIN ${r.name}.`, j.pos);
  if (kind === 'stream-table' && j.type !== 'INNER' && j.type !== 'LEFT')
    err(`Invalid join type: ${j.type}-OUTER join not supported for stream-table join. Got ${lname} [${j.type}] JOIN ${r.name}.`, j.pos);
  if (kind === 'stream-stream' && !j.within)
    err(
      `Stream-Stream joins must have a WITHIN clause specified. None was provided. To learn about how to specify a WITHIN clause with a stream-stream join, please visit: https://docs.confluent.io/current/ksql/docs/syntax-reference.html#create-stream-as-select`,
      j.pos,
    );
  if (kind !== 'stream-stream' && j.within)
    err(
      `A window definition was provided for a Stream-Table join. These joins are not windowed. Please drop the window definition (ie. the WITHIN clause) and try to execute your join again.`,
      j.pos,
    );
  const kafkaJoin = (ji === 0 ? [left, r] : [r]).filter((x) => x.valueFormat === 'KAFKA').map((x) => x.name);
  if (kafkaJoin.length) err(`Source(s) ${kafkaJoin.join(', ')} are using the 'KAFKA' value format. This format does not yet support JOIN.`, j.pos);
  return kind;
}

/** Join `ji`'s ON: one equality, `le` over the sources joined so far and `re` over the new one (swapped if written the other way). */
function joinCriteria(ctx: QueryContext, ji: number): { on: Extract<Expr, { kind: 'cmp' }>; le: Expr; re: Expr } {
  const { q, sides, scope } = ctx;
  const j = q.joins[ji]!;
  if (j.on.kind !== 'cmp' || j.on.op !== '=') err(`Unsupported join expression: ${exprToString(j.on)}. Only equality joins are supported`, j.pos);
  const on = j.on as Extract<Expr, { kind: 'cmp' }>;
  const sideOf = (e: Expr): number => {
    const s = new Set(colRefs(e).map((c) => scope.lookup(c).side));
    if (s.size > 1 && [...s].every((x) => x! <= ji)) return 0;
    if (s.size !== 1)
      err(
        `Invalid comparison expression '${exprToString(e)}' in join '${exprToString(on)}'. Each side of the join comparision must contain references from exactly one source.`,
        e.pos,
      );
    return [...s][0]!;
  };
  let le = on.left;
  let re = on.right;
  const ls = sideOf(le);
  const rs = sideOf(re);
  if (ls === rs)
    err(
      `Each side of the join must reference exactly one source and not the same source. Left side references ${sides[ls]!.alias} and right references ${sides[rs]!.alias}`,
      on.pos,
    );
  if (ls === ji + 1) [le, re] = [re, le];
  if (sideOf(re) !== ji + 1 || sideOf(le) > ji)
    err(`Invalid join criteria ${exprToString(on)}: the join must reference ${sides[ji + 1]!.alias} on one side`, on.pos);
  return { on, le, re };
}

/** Windowed sources join only windowed to windowed, key to key, with the same window (the window is part of the key). */
function checkWindowedJoin(ctx: QueryContext, ji: number, le: Expr, re: Expr, on: Expr): void {
  const { q, sides, scope } = ctx;
  const j = q.joins[ji]!;
  const r = sides[ji + 1]!.source;
  const lsrcs = sides.slice(0, ji + 1).map((x) => x.source);
  const lw = lsrcs.find((x) => x.windowType);
  if (!lw && !r.windowType) return;
  const l0 = lsrcs[0]!;
  if (!lw || !r.windowType || lsrcs.some((x) => !x.windowType)) {
    const w = lw ?? r;
    const nw = lw ? r : l0;
    err(`Can not join windowed source to non-windowed source.\n\`${w.name}\` is ${w.windowType} windowed\n\`${nw.name}\` is not windowed`, j.pos);
  }
  const sess = (t?: string) => t === 'SESSION';
  if (sess(lw!.windowType) !== sess(r.windowType)) {
    err(
      `Incompatible windowed sources.\nLeft source: ${lw!.windowType}\nRight source: ${r.windowType}\nSession windowed sources can only be joined to other session windowed sources, and may still not result in expected behaviour as session bounds must be an exact match for the join to work\nHopping and tumbling windowed sources can only be joined to other hopping and tumbling windowed sources`,
      j.pos,
    );
  }
  const keyRef = (e: Expr) => e.kind === 'col' && scope.lookup(e).key;
  if (!keyRef(le) || !keyRef(re) || lw!.windowSize !== r.windowSize || lw!.windowType !== r.windowType) {
    err('Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.', on.pos);
  }
}

/**
 * The name of the synthetic key column (ROWKEY, or ROWKEY_n when a source has that name) that a FULL
 * OUTER join, or a join whose criteria are not plain columns, gives its result; undefined when a column
 * holds the key.
 */
function syntheticKeyName(ctx: QueryContext, keyClass: string[]): string | undefined {
  const { q, sides } = ctx;
  const lastJoin = q.joins[q.joins.length - 1];
  // (a plain column normalises to '#field'; a struct field, `#s->f`, or a subscript is an expression)
  if (!lastJoin || (lastJoin.type !== 'FULL' && keyClass.some((n) => /^#[^()\s]+$/.test(n) && !/->|\[/.test(n)))) return undefined;
  const used = new Set(sides.flatMap((s) => allColumns(s.source.schema).map((c) => c.name)));
  let n = 0;
  let name = 'ROWKEY';
  while (used.has(name)) name = `ROWKEY_${++n}`;
  return name;
}

/** a join's output rows: its key column, then the columns of each joined source prefixed by its alias */
function joinRowSchema(node: JoinNode, key: { norms: string[][]; types: SqlType[] }): LogicalSchema {
  const sides: DataSourceNode[] = [];
  for (let n: DataSourceNode | JoinNode = node; ; n = n.left) {
    if (n.kind === 'source') {
      sides.unshift(n);
      break;
    }
    sides.unshift(n.right);
  }
  const value: Column[] = sides.flatMap((s) =>
    [...s.schema.key, ...s.schema.value].map((c) => ({ name: s.side.prefix + c.name, type: c.type, namespace: 'VALUE' as const })),
  );
  // a key that equals a plain column is named after it; an expression's key is ROWKEY
  const keyName = (norm: string | undefined) => (norm && /^#[^()\s]+$/.test(norm) && !/->|\[/.test(norm) ? norm.slice(1) : 'ROWKEY');
  return { key: key.norms.map((alts, i) => ({ name: keyName(alts[0]), type: key.types[i]!, namespace: 'KEY' as const })), value };
}
