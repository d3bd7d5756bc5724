// Step 1, sources: the FROM source and each JOIN's right side, resolved in the metastore, with the
// alias their columns are qualified by. Self joins and reused aliases are rejected here.
import type { Metastore } from '../metastore.ts';
import type { Query } from '../parser/ast.ts';
import type { DataSourceNode } from '../plan/logical.ts';
import { PSEUDO_COLUMNS, T, WINDOW_BOUNDS, type LogicalSchema } from '../types.ts';
import { err } from './context.ts';
import type { Side } from './scope.ts';

export function planSources(q: Query, meta: Metastore): { sides: Side[]; nodes: DataSourceNode[] } {
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
  return { sides, nodes: sides.map((side) => ({ kind: 'source', side, schema: sourceRowSchema(side) })) };
}

/**
 * The rows a source outputs, as ksqlDB's DataSourceNode describes them: its key columns, then its
 * value columns, its pseudo columns and (windowed sources) the window bounds.
 */
export function sourceRowSchema(side: Side): LogicalSchema {
  const s = side.source;
  const pseudo = PSEUDO_COLUMNS.map((name) => ({ name, type: name === 'ROWPARTITION' ? T.INTEGER : T.BIGINT, namespace: 'VALUE' as const }));
  const bounds = s.windowType ? WINDOW_BOUNDS.map((name) => ({ name, type: T.BIGINT, namespace: 'VALUE' as const })) : [];
  return { key: s.schema.key, value: [...s.schema.value, ...pseudo, ...bounds] };
}
