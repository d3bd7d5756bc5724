// Analysis: resolves a SELECT against the metastore into an analysed query (types, key columns,
// output schema, aggregate and window specs). Pure: no state, no I/O.
import { KsqlError, type Position } from '../errors.ts';
import { compileExpr, exprToString, type Compiled } from '../expr/compile.ts';
import { getTableFunction, isTableFunctionName } from '../functions/table.ts';
import { getAggregateFunction, isAggregateName, type AggregateImpl } from '../functions/aggregate.ts';
import type { WindowType } from '../formats/index.ts';
import type { Metastore } from '../metastore.ts';
import type { Expr, Query, SelectItem } from '../parser/ast.ts';
import { PSEUDO_COLUMNS, RESERVED_COLUMNS, T, WINDOW_BOUNDS, allColumns, typeToString, type Column, type LogicalSchema, type SqlType } from '../types.ts';
import { mapExpr, walkExpr } from './rewrite.ts';
import { MapScope, SourceScope, type FieldInfo, type Side } from './scope.ts';

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
  arg: Compiled;
  explode: (arg: unknown) => unknown[];
}

export interface AggregateSpec {
  groupBy: Compiled[];
  aggs: { impl: AggregateImpl; args: Compiled[]; text: string }[];
  window?: WindowInfo;
  having?: Compiled;
  emitFinal: boolean;
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
}

export interface AnalyzedQuery {
  resultType: 'STREAM' | 'TABLE';
  sides: Side[];
  /** joins in order: joins[i] joins the result of joins[0..i-1] (or the FROM source) with sides[i+1] */
  joins: JoinSpec[];
  /** name of the synthetic join key column the last join writes into its rows */
  syntheticKey?: string;
  /** table function calls (EXPLODE ...): their outputs zipped into rows, padded with nulls */
  tableFunctions?: TableFunctionSpec[];
  where?: Compiled;
  /** new key expressions; [] = PARTITION BY NULL (no key) */
  partitionBy?: (Compiled & { keyOnly?: boolean })[];
  /** permutation applied to the key columns (output key order differs from the source's) */
  rekey?: number[];
  aggregate?: AggregateSpec;
  /** value column expressions evaluated over the (joined / aggregated) row */
  values: { name: string; expr: Compiled }[];
  /** every SELECT item in order: a key column (keyIndex) or a value column (by name) — for transient queries */
  projection: { name: string; type: SqlType; keyIndex?: number }[];
  schema: LogicalSchema;
  /** output key window (from WINDOW clause or a windowed source) */
  window?: { type: WindowType; size?: number };
  /** the key format to default to when the statement gives none */
  inheritedKeyFormat: string;
  inheritedValueFormat: string;
  /** true when the key columns were explicitly in the projection */
  keyless: boolean;
}

export interface AnalyzeOptions {
  /** persistent queries must put their key columns in the projection */
  persistent: boolean;
  sinkName?: string;
  /** ksql.new.query.planner.enabled: key columns follow the projection and may be omitted */
  newPlanner?: boolean;
  /** the session's properties, for the functions that read settings (ksql.functions.*) */
  config?: Record<string, string>;
}

const err = (msg: string, pos?: Position): never => {
  throw new KsqlError(msg, { pos });
};

function hasAggregate(e: Expr): boolean {
  let found = false;
  walkExpr(e, (x) => {
    if (x.kind === 'call' && isAggregateName(x.name)) found = true;
  });
  return found;
}

function colRefs(e: Expr): Extract<Expr, { kind: 'col' }>[] {
  const out: Extract<Expr, { kind: 'col' }>[] = [];
  walkExpr(e, (x) => {
    if (x.kind === 'col') out.push(x);
  });
  return out;
}

interface ItemOut {
  expr: Expr;
  name: string;
  pos: Position;
}

export function analyzeQuery(q: Query, meta: Metastore, opts: AnalyzeOptions): AnalyzedQuery {
  // ---- sources ----
  const sides: Side[] = [];
  const left = meta.get(q.from.name);
  if (!left) err(`${q.from.name} does not exist.`, q.from.pos);
  const isJoin = q.joins.length > 0;
  const leftAlias = q.from.alias ?? q.from.name;
  sides.push({ source: left!, alias: leftAlias, prefix: isJoin ? leftAlias + '_' : '' });
  for (const j of q.joins) {
    const right = meta.get(j.right.name);
    if (!right) err(`${j.right.name} does not exist.`, j.right.pos);
    const rightAlias = j.right.alias ?? j.right.name;
    const clash = sides.find((s) => s.alias === rightAlias || s.source.name === right!.name);
    if (clash && clash.source.name === right!.name) err(`Can not join '${clash.source.name}' to '${right!.name}': self joins are not yet supported.`, j.pos);
    if (clash) err(`Can not join '${clash.source.name}' to '${right!.name}': the alias '${rightAlias}' is used twice`, j.pos);
    sides.push({ source: right!, alias: rightAlias, prefix: rightAlias + '_' });
  }
  const scope = new SourceScope(sides);
  const joinNorm = (e: Expr): string => exprToString(mapExpr(e, (x) => (x.kind === 'col' ? { kind: 'col', name: '#' + scope.resolve(x).field, pos: x.pos } : undefined)));

  const joinSpecs: JoinSpec[] = [];
  let accType: 'STREAM' | 'TABLE' = left!.type;
  /** normalized expressions that all equal the current join result's key */
  let keyClass: string[] = [];
  let keyType: SqlType = T.STRING;
  /** FK joins keep the left table's (possibly multi-column) primary key */
  let fkKeyNorms: string[][] | undefined;
  let fkKeyTypes: SqlType[] | undefined;
  q.joins.forEach((j, ji) => {
    const r = sides[ji + 1]!.source;
    const lname = ji === 0 ? left!.name : 'the join result';
    let kind: JoinSpec['kind'] = accType === 'STREAM' && r.type === 'STREAM' ? 'stream-stream' : accType === 'TABLE' && r.type === 'TABLE' ? 'table-table' : 'stream-table';
    if (accType === 'TABLE' && r.type === 'STREAM') err(`Invalid join order: table-stream joins are not supported; only stream-table joins. Got ${lname} JOIN ${r.name}.`, j.pos);
    if (kind === 'stream-table' && j.type !== 'INNER' && j.type !== 'LEFT') err(`Invalid join type: ${j.type}-OUTER join not supported for stream-table join. Got ${lname} [${j.type}] JOIN ${r.name}.`, j.pos);
    if (kind === 'stream-stream' && !j.within) err(`Stream-Stream joins must have a WITHIN clause specified. None was provided. To learn about how to specify a WITHIN clause with a stream-stream join, please visit: https://docs.confluent.io/current/ksql/docs/syntax-reference.html#create-stream-as-select`, j.pos);
    if (kind !== 'stream-stream' && j.within) err(`A window definition was provided for a Stream-Table join. These joins are not windowed. Please drop the window definition (ie. the WITHIN clause) and try to execute your join again.`, j.pos);
    const kafkaJoin = (ji === 0 ? [left!, r] : [r]).filter((x) => x.valueFormat === 'KAFKA').map((x) => x.name);
    if (kafkaJoin.length) err(`Source(s) ${kafkaJoin.join(', ')} are using the 'KAFKA' value format. This format does not yet support JOIN.`, j.pos);
    if (j.on.kind !== 'cmp' || j.on.op !== '=') err(`Unsupported join expression: ${exprToString(j.on)}. Only equality joins are supported`, j.pos);
    const on = j.on as Extract<Expr, { kind: 'cmp' }>;
    const sideOf = (e: Expr): number => {
      const s = new Set(colRefs(e).map((c) => scope.lookup(c).side));
      if (s.size > 1 && [...s].every((x) => x! <= ji)) return 0;
      if (s.size !== 1) err(`Invalid comparison expression '${exprToString(e)}' in join '${exprToString(on)}'. Each side of the join comparision must contain references from exactly one source.`, e.pos);
      return [...s][0]!;
    };
    let le = on.left;
    let re = on.right;
    const ls = sideOf(le);
    const rs = sideOf(re);
    if (ls === rs) err(`Each side of the join must reference exactly one source and not the same source. Left side references ${sides[ls]!.alias} and right references ${sides[rs]!.alias}`, on.pos);
    if (ls === ji + 1) [le, re] = [re, le];
    if (sideOf(re) !== ji + 1 || sideOf(le) > ji) err(`Invalid join criteria ${exprToString(on)}: the join must reference ${sides[ji + 1]!.alias} on one side`, on.pos);
    const isPk = (e: Expr, src: typeof r) => e.kind === 'col' && scope.lookup(e).key && src.schema.key.length === 1;
    if (kind !== 'stream-stream' && !isPk(re, r)) {
      err(`Cannot repartition a TABLE source. If this is a join, make sure that the criteria uses the TABLE's key column ${r.schema.key.map((c) => c.name).join(', ')} instead of ${exprToString(re)}`, on.pos);
    }
    if (kind === 'table-table' && (ji === 0 ? !isPk(le, left!) : !keyClass.includes(joinNorm(le)))) {
      if (j.type !== 'INNER' && j.type !== 'LEFT') err(`${j.type === 'FULL' ? 'FULL OUTER' : 'RIGHT OUTER'} joins are not supported on foreign keys.`, j.pos);
      if (ji > 0) err(`Invalid join condition: foreign-key table-table joins are not supported as part of n-way joins. Got ${exprToString(le)} = ${exprToString(re)}.`, on.pos);
      kind = 'table-table-fk';
      fkKeyNorms = left!.schema.key.map((c) => [joinNorm({ kind: 'col', source: leftAlias, name: c.name, pos: j.pos })]);
      fkKeyTypes = left!.schema.key.map((c) => c.type);
      keyClass = fkKeyNorms.length === 1 ? fkKeyNorms[0]! : [];
    }
    // windowed sources: only windowed-to-windowed, key-to-key (the window is part of the key)
    const lsrcs = sides.slice(0, ji + 1).map((x) => x.source);
    const lw = lsrcs.find((x) => x.windowType);
    if (lw || r.windowType) {
      const l0 = lsrcs[0]!;
      if (!lw || !r.windowType || lsrcs.some((x) => !x.windowType)) {
        const w = lw ?? r;
        const nw = lw ? r : l0;
        err(`Can not join windowed source to non-windowed source.\n\`${w.name}\` is ${w.windowType} windowed\n\`${nw.name}\` is not windowed`, j.pos);
      }
      const sess = (t?: string) => t === 'SESSION';
      if (sess(lw!.windowType) !== sess(r.windowType)) {
        err(`Incompatible windowed sources.\nLeft source: ${lw!.windowType}\nRight source: ${r.windowType}\nSession windowed sources can only be joined to other session windowed sources, and may still not result in expected behaviour as session bounds must be an exact match for the join to work\nHopping and tumbling windowed sources can only be joined to other hopping and tumbling windowed sources`, j.pos);
      }
      const keyRef = (e: Expr) => e.kind === 'col' && scope.lookup(e).key;
      if (!keyRef(le) || !keyRef(re) || lw!.windowSize !== r.windowSize || lw!.windowType !== r.windowType) {
        err('Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.', on.pos);
      }
    }
    const leftKey = compileExpr(le, scope);
    const rightKey = compileExpr(re, scope);
    if (leftKey.type.base !== rightKey.type.base) {
      err(`Invalid join condition: types don't match. Got ${exprToString(le)}{${leftKey.type.base}} = ${exprToString(re)}{${rightKey.type.base}}.`, on.pos);
    }
    joinSpecs.push({
      kind,
      type: j.type,
      leftKey,
      rightKey,
      leftIsKey: ji === 0 ? !!isPk(le, left!) : keyClass.includes(joinNorm(le)),
      within: j.within ? { before: j.within.before.ms, after: j.within.after.ms, grace: j.within.grace?.ms } : undefined,
    });
    if (kind !== 'table-table-fk') {
      const ln = joinNorm(le);
      keyClass = keyClass.includes(ln) ? [...keyClass, joinNorm(re)] : [ln, joinNorm(re)];
      keyType = leftKey.type;
    } else if (ji === 0) keyType = left!.schema.key[0]!.type;
    accType = kind === 'table-table' || kind === 'table-table-fk' ? 'TABLE' : 'STREAM';
  });
  // FULL OUTER joins, and joins whose criteria are not plain columns, get a synthetic key column
  let syntheticKey: string | undefined;
  const lastJoin = q.joins[q.joins.length - 1];
  const lastIsFk = joinSpecs[joinSpecs.length - 1]?.kind === 'table-table-fk';
  // (a plain column normalises to '#field'; a struct field, `#s->f`, or a subscript is an expression)
  if (lastJoin && !lastIsFk && (lastJoin.type === 'FULL' || !keyClass.some((n) => /^#[^()\s]+$/.test(n) && !/->|\[/.test(n)))) {
    const used = new Set(sides.flatMap((s) => allColumns(s.source.schema).map((c) => c.name)));
    let n = 0;
    syntheticKey = 'ROWKEY';
    while (used.has(syntheticKey)) syntheticKey = `ROWKEY_${++n}`;
    scope.addSynthetic(syntheticKey, keyType);
    keyClass = ['#' + syntheticKey];
  }

  // ---- WHERE ----
  let where: Compiled | undefined;
  if (q.where) {
    if (hasAggregate(q.where)) err('Aggregate functions are not allowed in WHERE clause.', q.where.pos);
    for (const c of colRefs(q.where)) {
      const f = scope.lookup(c);
      if (f.windowBound && !isJoin && sides[0]!.source.windowType === undefined) err(`Column '${c.name}' cannot be resolved.`, c.pos);
    }
    where = compileExpr(q.where, scope);
    if (where.type.base !== 'BOOLEAN') {
      err(`Type error in WHERE expression: Should evaluate to boolean but is ${exprToString(q.where)} (${where.type.base}) instead.`, q.where.pos);
    }
  }

  // ---- select items ----
  let colCounter = 0;
  const taken = new Set<string>([...sides.flatMap((s) => allColumns(s.source.schema).map((c) => c.name)), ...q.select.flatMap((s) => (s.kind === 'expr' && s.alias ? [s.alias] : []))]);
  const nextColName = (): string => {
    let n: string;
    do n = `KSQL_COL_${colCounter++}`;
    while (taken.has(n));
    return n;
  };
  const fieldAlias = structFieldAliases(sides.flatMap((s) => allColumns(s.source.schema).map((c) => c.name)));
  const items: ItemOut[] = [];
  const expandStar = (it: Extract<SelectItem, { kind: 'star' }>) => {
    if (syntheticKey && !it.source) items.push({ expr: { kind: 'col', name: syntheticKey, pos: it.pos }, name: syntheticKey, pos: it.pos });
    const idxs = it.source ? [sides.findIndex((s) => s.alias === it.source || s.source.name === it.source)] : sides.map((_, i) => i);
    if (idxs[0] === -1) err(`Source '${it.source}' not found in the FROM clause or is not a valid alias`, it.pos);
    for (const i of idxs) {
      const s = sides[i]!;
      // ksqlDB expands * over a repartitioned join from the join's value schema, where each side's
      // columns are its values, its pseudo columns (prefixed, so kept: L_ROWTIME ...), then its keys
      const joinPseudo = q.partitionBy && isJoin ? PSEUDO_COLUMNS.map((name) => ({ name })) : [];
      const cols = q.partitionBy ? [...s.source.schema.value, ...joinPseudo, ...s.source.schema.key] : allColumns(s.source.schema);
      for (const c of cols) {
        if (q.partitionBy && !isJoin && q.partitionBy.some((p) => p.kind === 'col' && !p.source && p.name === c.name)) continue;
        items.push({ expr: { kind: 'col', source: s.alias, name: c.name, pos: it.pos }, name: s.prefix + c.name, pos: it.pos });
      }
    }
  };
  for (const it of q.select) {
    if (it.kind === 'star') {
      expandStar(it);
      continue;
    }
    if (it.kind === 'structStar') {
      const t = compileExpr(it.expr, scope).type;
      if (t.base !== 'STRUCT') err(`Expected STRUCT type for ${exprToString(it.expr)}->*, got: ${typeToString(t)}`, it.pos);
      for (const f of t.fields!) items.push({ expr: { kind: 'deref', base: it.expr, field: f.name, pos: it.pos }, name: f.name, pos: it.pos });
      continue;
    }
    let name = it.alias;
    if (!name) {
      if (it.expr.kind === 'col') {
        const f = scope.lookup(it.expr);
        const colName = it.expr.name;
        const ambiguous = isJoin && scope.fields.filter((x) => x.column === colName).length > 1;
        void f;
        name = ambiguous ? `${sides[f.side!]!.alias}_${(it.expr as { name: string }).name}` : (it.expr as { name: string }).name;
      } else if (it.expr.kind === 'deref') name = fieldAlias(it.expr.field);
      else name = nextColName();
    }
    items.push({ expr: it.expr, name, pos: it.pos });
  }

  const isAggregate = !!q.groupBy || q.select.some((s) => s.kind === 'expr' && hasAggregate(s.expr)) || (!!q.having && hasAggregate(q.having));
  const srcWindowed = !isJoin && sides[0]!.source.windowType;
  if (q.window && !q.groupBy) err('WINDOW clause requires a GROUP BY clause.', q.window.pos);
  if (q.emit === 'FINAL' && !(q.window && q.groupBy)) err('EMIT FINAL is only supported for windowed aggregations.', q.pos);
  if (q.having && !q.groupBy) err('HAVING clause requires a GROUP BY clause.', q.having.pos);

  const isBound = (x: Expr) => x.kind === 'col' && (x.name === 'WINDOWSTART' || x.name === 'WINDOWEND') && !!q.window && !isJoin;
  const norm = (e: Expr, sc: { resolve: SourceScope['resolve'] } = scope): string =>
    exprToString(mapExpr(e, (x) => (x.kind === 'col' ? { kind: 'col', name: '#' + (isBound(x) ? (x as { name: string }).name : sc.resolve(x).field), pos: x.pos } : undefined)));

  const checkName = (name: string, pos: Position) => {
    if (RESERVED_COLUMNS.includes(name.toUpperCase()) && RESERVED_COLUMNS.includes(name)) {
      err(`\`${name}\` is a reserved column name. You cannot use it as an alias for a column.`, pos);
    }
  };

  let result: AnalyzedQuery;
  const inheritedKeyFormat = sides[0]!.source.keyFormat;
  const inheritedValueFormat = sides[0]!.source.valueFormat;

  if (!isAggregate) {
    if (q.partitionBy && sides[0]!.source.type === 'TABLE' && !isJoin) err('Cannot repartition a TABLE source. If this is a join, make sure that the criteria uses the TABLE\'s key column instead.', q.pos);
    // table functions (EXPLODE): each becomes a per-element field of the flattened rows
    const tableFunctions: TableFunctionSpec[] = [];
    for (const it of items) {
      it.expr = mapExpr(it.expr, (x) => {
        const fn = x.kind === 'call' ? getTableFunction(x.name) : undefined;
        if (!fn || x.kind !== 'call') return undefined;
        if (sides[0]!.source.type === 'TABLE' && !isJoin) err('Table source is not supported with table functions', x.pos);
        const args = x.args.map((a) => compileExpr(a, scope));
        const resolved = fn.resolve(args.map((a) => a.type));
        if (typeof resolved === 'string') return err(resolved, x.pos);
        const field = `#T${tableFunctions.length}`;
        tableFunctions.push({ field, arg: args[0]!, explode: resolved.explode });
        scope.addSynthetic(field, resolved.itemType);
        return { kind: 'col', name: field, pos: x.pos };
      });
    }
    if (tableFunctions.length && q.partitionBy) err('Table functions cannot be used with PARTITION BY.', q.pos);
    // compile items on the source scope
    const compiled = items.map((it) => {
      for (const c of colRefs(it.expr)) {
        const f = scope.lookup(c);
        if (f.windowBound && !srcWindowed) err(`Column '${c.name}' cannot be resolved.`, c.pos);
      }
      return compileExpr(it.expr, scope);
    });
    // key expressions
    let keyNorms: string[][]; // alternatives per key column
    let keyTypes: SqlType[];
    let partitionBy: (Compiled & { keyOnly?: boolean })[] | undefined;
    let keyless = false;
    if (q.partitionBy) {
      if (q.partitionBy.length === 0) err("PARTITION BY requires at least one expression", q.pos);
      const isNullLit = (e: Expr) => e.kind === 'lit' && e.value === null;
      if (q.partitionBy.some(isNullLit)) {
        if (q.partitionBy.length > 1) err('Cannot PARTITION BY multiple columns including NULL', q.partitionBy[0]!.pos);
        partitionBy = [];
        keyNorms = [];
        keyTypes = [];
        keyless = true;
      } else {
        for (const e of q.partitionBy) {
          if (hasAggregate(e)) err('PARTITION BY does not support aggregate functions.', e.pos);
          for (const c of colRefs(e)) {
            try {
              scope.lookup(c);
            } catch {
              err(`PARTITION BY column '${c.name}' cannot be resolved.`, c.pos);
            }
          }
        }
        partitionBy = q.partitionBy.map((e) => {
          const c = compileExpr(e, scope);
          const keyOnly = colRefs(e).every((r) => scope.lookup(r).key);
          return { ...c, keyOnly };
        });
        keyNorms = q.partitionBy.map((e) => [norm(e)]);
        keyTypes = partitionBy.map((c) => c.type);
      }
    } else if (isJoin && lastIsFk && fkKeyNorms) {
      keyNorms = fkKeyNorms;
      keyTypes = fkKeyTypes!;
    } else if (isJoin) {
      keyNorms = [keyClass];
      keyTypes = [keyType];
    } else {
      const src = sides[0]!.source;
      keyNorms = src.schema.key.map((c) => [norm({ kind: 'col', name: c.name, pos: q.pos })]);
      keyTypes = src.schema.key.map((c) => c.type);
      keyless = src.schema.key.length === 0;
    }
    const itemNorms = items.map((it) => norm(it.expr));
    const keyItem: number[] = [];
    keyNorms.forEach((alts, k) => {
      let matches = itemNorms.map((n, i) => (alts.includes(n) ? i : -1)).filter((i) => i >= 0);
      // a join key prefers the left-most source's join expression
      const preferred = matches.filter((i) => itemNorms[i] === alts[0]);
      if (preferred.length && matches[0] !== preferred[0]) matches = [preferred[0]!, ...matches.filter((i) => i !== preferred[0])];
      const starPartition = q.partitionBy && q.select.some((x) => x.kind === 'star');
      if ((starPartition || (opts.newPlanner && !q.partitionBy && !isJoin)) && matches.length === 0) {
        keyItem.push(-1);
        return;
      }
      if (opts.persistent && matches.length === 0) {
        const what = q.partitionBy ? 'PARTITION BY expression' : isJoin ? 'join expression' : 'key column';
        err(`Key missing from projection (ie, SELECT). The query used to build ${opts.sinkName ? '`' + opts.sinkName + '`' : 'the sink'} must include the ${what} ${alts.map((a) => a.replace(/#/g, '')).join(' or ')} in its projection (eg, SELECT ${alts[0]!.replace(/#/g, '')}...).`, q.pos);
      }
      const dupExpr = matches.some((m, i) => matches.findIndex((x) => itemNorms[x] === itemNorms[m]) !== i);
      if (opts.persistent && matches.length > 1 && (!isJoin || dupExpr)) {
        err(`The projection contains a key column more than once: ${matches.map((i) => '`' + items[i]!.name + '`').join(' and ')}. Each key column must only be in the projection once. If you intended to copy the key into the value, then consider using the AS_VALUE function to indicate which key reference should be copied.`, q.pos);
      }
      keyItem.push(matches.length ? matches[0]! : -1);
    });
    const partitionKeyName = (p: Expr | undefined): string => (p?.kind === 'col' ? p.name : p?.kind === 'deref' ? fieldAlias(p.field) : nextColName());
    let keyCols: Column[] = keyNorms.map((_, k) => ({
      name: keyItem[k]! >= 0 ? items[keyItem[k]!]!.name : partitionKeyName(q.partitionBy?.[k]),
      type: keyTypes[k]!,
      namespace: 'KEY',
    }));
    // without PARTITION BY, multiple key columns follow the projection order
    let rekey: number[] | undefined;
    if (opts.newPlanner && !q.partitionBy && !isJoin && keyItem.some((i) => i < 0)) {
      // new planner: a key column left out of the projection makes the result keyless
      keyCols = [];
      partitionBy = [];
      keyless = true;
    } else if (opts.newPlanner && !q.partitionBy && !isJoin && keyCols.length > 1 && keyItem.every((i) => i >= 0)) {
      const order = keyCols.map((_, k) => k).sort((a, b) => keyItem[a]! - keyItem[b]!);
      if (order.some((o, i) => o !== i)) {
        rekey = order;
        keyCols = order.map((o) => keyCols[o]!);
      }
    }
    const values: { name: string; expr: Compiled }[] = [];
    const valueCols: Column[] = [];
    items.forEach((it, i) => {
      if (keyItem.includes(i)) return;
      if (compiled[i]!.type.base === 'NULL') err("Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).", it.pos);
      values.push({ name: it.name, expr: compiled[i]! });
      valueCols.push({ name: it.name, type: compiled[i]!.type.base === 'NULL' ? T.STRING : compiled[i]!.type, namespace: 'VALUE' });
    });
    if (!opts.persistent) {
      // transient: key columns also appear as regular columns
    }
    const all = [...keyCols, ...valueCols];
    for (const c of [...keyCols.filter((_, k) => keyItem[k]! >= 0), ...valueCols]) checkName(c.name, q.pos);
    const dup = all.find((c, i) => all.findIndex((d) => d.name === c.name) !== i);
    if (dup) err(`Cannot create column with the same name as existing column: ${dup.name}`, q.pos);
    if (opts.persistent && valueCols.length === 0) err('The projection contains no value columns.', q.pos);
    const srcType = isJoin ? accType : sides[0]!.source.type;
    result = {
      resultType: srcType,
      sides,
      joins: joinSpecs,
      syntheticKey,
      tableFunctions: tableFunctions.length ? tableFunctions : undefined,
      where,
      partitionBy,
      rekey,
      values,
      schema: { key: keyCols, value: valueCols },
      projection: items.map((it, i) => {
        const k = keyItem.indexOf(i);
        return k >= 0 && keyCols.length ? { name: it.name, type: keyTypes[k]!, keyIndex: rekey ? rekey.indexOf(k) : k } : { name: it.name, type: compiled[i]!.type };
      }),
      window: sides[0]!.source.windowType ? { type: sides[0]!.source.windowType, size: sides[0]!.source.windowSize } : undefined,
      inheritedKeyFormat: keyless && partitionBy?.length === 0 ? 'NONE' : inheritedKeyFormat,
      inheritedValueFormat,
      keyless,
    };
    return result;
  }

  // ---- aggregation ----
  if (!q.groupBy) err('Aggregate functions require a GROUP BY clause.', q.pos);
  if (q.partitionBy) err('PARTITION BY and GROUP BY in the same query is not supported.', q.pos);
  const groupBy = q.groupBy!;
  if (groupBy.length === 0) err('GROUP BY requires at least one expression', q.pos);
  for (const g of groupBy) {
    if (hasAggregate(g)) err(`GROUP BY does not support aggregate functions: ${exprToString(g)} is an aggregate function.`, g.pos);
    for (const c of colRefs(g)) {
      const f = scope.lookup(c);
      if (f.windowBound || c.name === 'WINDOWSTART' || c.name === 'WINDOWEND') err(`GROUP BY does not support the window bounds columns WINDOWSTART and WINDOWEND.`, c.pos);
    }
  }
  for (const it of items) {
    walkExpr(it.expr, (x) => {
      if (x.kind === 'call' && isTableFunctionName(x.name)) err('Table functions cannot be used with aggregations.', x.pos);
    });
  }
  const tableInput = isJoin ? accType === 'TABLE' : sides[0]!.source.type === 'TABLE';
  const kafkaSources = sides.filter((s) => s.source.valueFormat === 'KAFKA').map((s) => s.source.name);
  if (kafkaSources.length) err(`Source(s) ${kafkaSources.join(', ')} are using the 'KAFKA' value format. This format does not yet support GROUP BY.`, q.pos);
  const groupCompiled = groupBy.map((g) => compileExpr(g, scope));
  const groupNorms = groupBy.map((g) => norm(g));
  const windowed = !!q.window;
  const aggMap = new Map<string, number>();
  const aggs: AggregateSpec['aggs'] = [];
  const aggFields = new Map<string, { field: string; type: SqlType }>();
  groupCompiled.forEach((g, i) => aggFields.set(`#G${i}`, { field: `#G${i}`, type: g.type }));
  if (windowed) for (const w of WINDOW_BOUNDS) aggFields.set(w, { field: w, type: T.BIGINT });

  const rewrite = (e: Expr, where: 'SELECT' | 'HAVING'): Expr =>
    mapExpr(e, (x) => {
      if (x.kind === 'col' && (x.name === 'WINDOWSTART' || x.name === 'WINDOWEND') && windowed) {
        if (isJoin) err(`SELECT column '${x.name}' cannot be resolved.`, x.pos);
        if (where === 'HAVING') err(`Window bounds column ${x.name} can only be used in the SELECT clause of windowed aggregations.`, x.pos);
        return { kind: 'col', name: x.name, pos: x.pos };
      }
      const n = x.kind === 'lit' ? undefined : norm(x);
      const gi = n === undefined ? -1 : groupNorms.indexOf(n);
      if (gi >= 0) return { kind: 'col', name: `#G${gi}`, pos: x.pos };
      if (x.kind === 'lit' && x.value !== null) {
        const li = groupNorms.indexOf(exprToString(x));
        if (li >= 0 && where === 'SELECT') return { kind: 'col', name: `#G${li}`, pos: x.pos };
      }
      if (x.kind === 'call' && isAggregateName(x.name)) {
        for (const a of x.args) {
          if (hasAggregate(a)) err(`Aggregate functions can not be nested: ${exprToString(x)}`, x.pos);
          for (const c of colRefs(a)) {
            const f = scope.lookup(c);
            if (f.windowBound || c.name === 'WINDOWSTART' || c.name === 'WINDOWEND') err(`Window bounds column ${c.name} can only be used in the SELECT clause of windowed aggregations and can not be passed to aggregate functions.`, c.pos);
          }
        }
        const key = norm(x);
        let idx = aggMap.get(key);
        if (idx === undefined) {
          const fn = getAggregateFunction(x.name)!;
          const countStar = x.name === 'COUNT' && (x.star || x.args.length === 0);
          const argExprs = countStar ? [] : x.args;
          argExprs.forEach((a, i) => {
            if (fn.literalsFrom && i >= fn.literalsFrom(argExprs.length) && a.kind !== 'lit') err(`Parameter ${i + 1} passed to function ${x.name} must be a literal constant, but was expression: '${exprToString(a)}'`, a.pos);
          });
          const args = argExprs.map((a) => compileExpr(a, scope));
          const lits = argExprs.map((a) => (a.kind === 'lit' ? a.value : undefined));
          // COUNT(<literal>) counts rows
          const impl = fn.resolve(x.name === 'COUNT' && argExprs.length === 1 && argExprs[0]!.kind === 'lit' && argExprs[0]!.value !== null ? [] : args.map((a) => a.type), lits, opts.config ?? {});
          if (typeof impl === 'string') err(impl, x.pos);
          const im = impl as AggregateImpl;
          if (tableInput && !im.undo) err(`The aggregation function(s) (${x.name}) cannot be applied to a table source, only to a stream source.`, x.pos);
          idx = aggs.length;
          aggs.push({ impl: im, args: x.name === 'COUNT' && argExprs.length === 1 && argExprs[0]!.kind === 'lit' ? [] : args, text: exprToString(x) });
          aggMap.set(key, idx);
          aggFields.set(`#A${idx}`, { field: `#A${idx}`, type: im.returnType });
        }
        return { kind: 'col', name: `#A${idx}`, pos: x.pos };
      }
      if (x.kind === 'col') {
        if ((x.name === 'WINDOWSTART' || x.name === 'WINDOWEND') && windowed && !x.source) {
          if (where === 'HAVING') err(`Window bounds column ${x.name} can only be used in the SELECT clause of windowed aggregations.`, x.pos);
          return x;
        }
        scope.lookup(x); // unknown columns first
        err(where === 'SELECT' ? `Non-aggregate SELECT expression(s) not part of GROUP BY: ${exprToString(x)}` : `Non-aggregate HAVING expression not part of GROUP BY: ${exprToString(x)}`, x.pos);
      }
      return undefined;
    });

  const aggScope = new MapScope(aggFields);
  const rewritten = items.map((it) => rewrite(it.expr, 'SELECT'));
  let having: Compiled | undefined;
  if (q.having) {
    having = compileExpr(rewrite(q.having, 'HAVING'), aggScope);
    if (having.type.base !== 'BOOLEAN') err(`Type error in HAVING expression: Should evaluate to boolean but is ${exprToString(q.having)} (${having.type.base}) instead.`, q.having.pos);
  }
  if (aggs.some((a) => a.impl.structState) && ['DELIMITED', 'KAFKA'].includes(inheritedValueFormat)) {
    err('One of the functions used in the statement has an intermediate type that the value format can not handle. Please remove the function or change the format.', q.pos);
  }
  if (aggs.length === 0) err('GROUP BY requires aggregate functions in either the SELECT or HAVING clause.', q.pos);
  const compiled = rewritten.map((e) => compileExpr(e, aggScope));
  const keyItem: number[] = groupBy.map((g, gi) => {
    const matches = rewritten.map((e, i) => (e.kind === 'col' && e.name === `#G${gi}` ? i : -1)).filter((i) => i >= 0);
    if (matches.length === 0 && opts.persistent) {
      err(`Key missing from projection (ie, SELECT). The query used to build ${opts.sinkName ? '`' + opts.sinkName + '`' : 'the sink'} must include the grouping expression ${exprToString(g)} in its projection (eg, SELECT ${exprToString(g)}...).`, q.pos);
    }
    if (matches.length > 1 && opts.persistent) {
      err(`The projection contains a key column more than once: ${matches.map((i) => '`' + items[i]!.name + '`').join(' and ')}. Each key column must only be in the projection once. If you intended to copy the key into the value, then consider using the AS_VALUE function to indicate which key reference should be copied.`, q.pos);
    }
    return matches.length ? matches[0]! : -1;
  });
  const keyCols: Column[] = groupBy.map((_, gi) => ({
    name: keyItem[gi]! >= 0 ? items[keyItem[gi]!]!.name : nextColName(),
    type: groupCompiled[gi]!.type,
    namespace: 'KEY',
  }));
  const values: { name: string; expr: Compiled }[] = [];
  const valueCols: Column[] = [];
  items.forEach((it, i) => {
    if (keyItem.includes(i)) return;
    values.push({ name: it.name, expr: compiled[i]! });
    valueCols.push({ name: it.name, type: compiled[i]!.type.base === 'NULL' ? T.STRING : compiled[i]!.type, namespace: 'VALUE' });
  });
  const all = [...keyCols, ...valueCols];
  for (const c of all) checkName(c.name, q.pos);
  const dup = all.find((c, i) => all.findIndex((d) => d.name === c.name) !== i);
  if (dup) err(`Cannot create column with the same name as existing column: ${dup.name}`, q.pos);
  if (opts.persistent && valueCols.length === 0) err('The projection contains no value columns.', q.pos);

  let window: WindowInfo | undefined;
  if (q.window) {
    const w = q.window;
    const size = w.size.ms;
    const advance = w.type === 'HOPPING' ? w.advance!.ms : size;
    if (size <= 0) err('Window size must be positive', w.pos);
    if (w.type === 'HOPPING' && (advance <= 0 || advance > size)) err(`Window advance must be positive and not larger than the window size`, w.pos);
    const emitFinal = q.emit === 'FINAL';
    const defaultGrace = emitFinal ? 0 : Math.max(86_400_000 - size, 0);
    window = { type: w.type, size, advance, grace: w.grace ? w.grace.ms : defaultGrace, retention: w.retention?.ms };
    if (w.retention && w.retention.ms < size + (w.grace?.ms ?? 0)) {
      err(`The retention period of the window must be greater than or equal to the window size plus the grace period.`, w.pos);
    }
  }
  return {
    resultType: 'TABLE',
    sides,
    joins: joinSpecs,
    syntheticKey,
    where,
    aggregate: { groupBy: groupCompiled, aggs, window, having, emitFinal: q.emit === 'FINAL', tableInput },
    values,
    schema: { key: keyCols, value: valueCols },
    projection: items.map((it, i) => {
      const k = keyItem.indexOf(i);
      return k >= 0 ? { name: it.name, type: groupCompiled[k]!.type, keyIndex: k } : { name: it.name, type: compiled[i]!.type };
    }),
    window: window ? { type: window.type, size: window.type === 'SESSION' ? undefined : window.size } : undefined,
    inheritedKeyFormat,
    inheritedValueFormat,
    keyless: false,
  };
}

export type { FieldInfo, Side };

/**
 * ksqlDB's names for unaliased `s->field` items (ColumnNames.StructFieldAliasGenerator): the field's
 * name, then NAME_1, NAME_2 ..., skipping the numbers the sources' columns already use.
 */
function structFieldAliases(sourceColumns: string[]): (field: string) => string {
  const split = (n: string) => {
    const m = /^(.*?)(?:_(\d+))?$/.exec(n)!;
    return { base: m[1]!, num: m[2] === undefined ? 0 : Number(m[2]) };
  };
  const used = new Map<string, { next: number; used: Set<number> }>();
  const gen = (base: string) => {
    let g = used.get(base);
    if (!g) used.set(base, (g = { next: 0, used: new Set() }));
    return g;
  };
  for (const c of sourceColumns) {
    const { base, num } = split(c);
    gen(base).used.add(num);
  }
  return (field) => {
    const base = split(field).base;
    const g = gen(base);
    let idx: number;
    do idx = g.next++;
    while (g.used.has(idx));
    return idx === 0 ? base : `${base}_${idx}`;
  };
}
