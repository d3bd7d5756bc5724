// Name resolution: which row field a column reference reads, for single sources and joins.
import { KsqlError, type Position } from '../errors.ts';
import type { Scope } from '../expr/compile.ts';
import type { DataSource } from '../metastore.ts';
import { PSEUDO_COLUMNS, T, WINDOW_BOUNDS, allColumns, type SqlType } from '../types.ts';

export interface Side {
  source: DataSource;
  alias: string;
  /** field prefix in joined rows ('' for single-source queries) */
  prefix: string;
}

export interface FieldInfo {
  field: string;
  type: SqlType;
  side?: number;
  column?: string;
  pseudo?: boolean;
  windowBound?: boolean;
  key?: boolean;
}

/** Fields a source contributes to its rows: key + value columns, pseudo columns, window bounds. */
export function sideFields(side: Side, idx: number): FieldInfo[] {
  const out: FieldInfo[] = [];
  for (const c of allColumns(side.source.schema)) {
    out.push({ field: side.prefix + c.name, type: c.type, side: idx, column: c.name, key: c.namespace === 'KEY' });
  }
  for (const p of PSEUDO_COLUMNS) {
    out.push({ field: side.prefix + p, type: p === 'ROWPARTITION' ? T.INTEGER : T.BIGINT, side: idx, column: p, pseudo: true });
  }
  if (side.source.windowType) {
    for (const w of WINDOW_BOUNDS) out.push({ field: side.prefix + w, type: T.BIGINT, side: idx, column: w, windowBound: true, pseudo: true });
  }
  return out;
}

export class SourceScope implements Scope {
  readonly fields: FieldInfo[];
  constructor(readonly sides: Side[]) {
    this.fields = sides.flatMap((s, i) => sideFields(s, i));
  }
  /** a join's synthetic key column (ROWKEY): unqualified, not owned by any source */
  addSynthetic(name: string, type: SqlType): void {
    this.fields.push({ field: name, type, column: name, key: true });
  }
  lookup(ref: { source?: string; name: string; pos: Position }): FieldInfo {
    let candidates = this.fields;
    if (ref.source) {
      const idx = this.sides.findIndex(
        (s) => s.alias === ref.source || (s.source.name === ref.source && this.sides.filter((x) => x.source.name === ref.source).length === 1),
      );
      if (idx < 0) throw new KsqlError(`Source '${ref.source}' not found in the FROM clause or is not a valid alias`, { pos: ref.pos });
      candidates = candidates.filter((f) => f.side === idx);
      const f = candidates.find((c) => c.column === ref.name);
      if (!f) throw new KsqlError(`Column '${ref.source}.${ref.name}' cannot be resolved.`, { pos: ref.pos });
      return f;
    }
    const matches = candidates.filter((c) => c.column === ref.name);
    if (matches.length === 0) throw new KsqlError(`Column '${ref.name}' cannot be resolved.`, { pos: ref.pos });
    if (matches.length > 1) {
      // ROWTIME etc. in a join default to the left side only when qualified; otherwise ambiguous
      throw new KsqlError(`Column '${ref.name}' is ambiguous. Could be any of: ${matches.map((m) => `${this.sides[m.side!]!.alias}.${ref.name}`).join(', ')}`, {
        pos: ref.pos,
      });
    }
    return matches[0]!;
  }
  resolve(ref: { source?: string; name: string; pos: Position }): { field: string; type: SqlType } {
    return this.lookup(ref);
  }
}

/** A scope over explicitly named fields (post-aggregation rows). */
export class MapScope implements Scope {
  constructor(
    private map: Map<string, { field: string; type: SqlType }>,
    private fallback?: Scope,
  ) {}
  resolve(ref: { source?: string; name: string; pos: Position }): { field: string; type: SqlType } {
    const f = !ref.source ? this.map.get(ref.name) : undefined;
    if (f) return f;
    if (this.fallback) return this.fallback.resolve(ref);
    throw new KsqlError(`Column '${ref.source ? ref.source + '.' : ''}${ref.name}' cannot be resolved.`, { pos: ref.pos });
  }
}
