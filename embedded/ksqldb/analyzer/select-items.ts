// Step 4, the SELECT list: `*`, `alias.*` and `struct->*` expanded, and each item named: its alias,
// else its column's name (prefixed by its source's alias when a join makes it ambiguous), a struct
// field's name, or KSQL_COL_n.
import { compileExpr, exprToString } from '../expr/compile.ts';
import type { SelectItem } from '../parser/ast.ts';
import { PSEUDO_COLUMNS, allColumns, typeToString } from '../types.ts';
import { err, type QueryContext, type SelectItemOut } from './context.ts';

export interface SelectList {
  items: SelectItemOut[];
  /** the next free KSQL_COL_n name */
  nextColName: () => string;
  /** the next free name for an unaliased struct field */
  fieldAlias: (field: string) => string;
}

export function planSelectItems(ctx: QueryContext, syntheticKey: string | undefined): SelectList {
  const { q, sides, scope, isJoin } = ctx;
  let colCounter = 0;
  const taken = new Set<string>([
    ...sides.flatMap((s) => allColumns(s.source.schema).map((c) => c.name)),
    ...q.select.flatMap((s) => (s.kind === 'expr' && s.alias ? [s.alias] : [])),
  ]);
  const nextColName = (): string => {
    let n: string;
    do n = `KSQL_COL_${colCounter++}`;
    while (taken.has(n));
    return n;
  };
  const fieldAlias = structFieldAliases(sides.flatMap((s) => allColumns(s.source.schema).map((c) => c.name)));
  const items: SelectItemOut[] = [];
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
        name = ambiguous ? `${sides[f.side!]!.alias}_${colName}` : colName;
      } else if (it.expr.kind === 'deref') name = fieldAlias(it.expr.field);
      else name = nextColName();
    }
    items.push({ expr: it.expr, name, pos: it.pos });
  }
  return { items, nextColName, fieldAlias };
}

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
