// Step 6b, the WINDOW clause of an aggregation: TUMBLING, HOPPING or SESSION with its size, advance,
// grace period (ksqlDB's default: 24 h minus the size, none under EMIT FINAL) and retention.
import type { Query } from '../parser/ast.ts';
import type { WindowInfo } from '../plan/logical.ts';
import { err } from './context.ts';

export function planWindow(q: Query): WindowInfo | undefined {
  if (!q.window) return undefined;
  const w = q.window;
  const size = w.size.ms;
  const advance = w.type === 'HOPPING' ? w.advance!.ms : size;
  if (size <= 0) err('Window size must be positive', w.pos);
  if (w.type === 'HOPPING' && (advance <= 0 || advance > size)) err(`Window advance must be positive and not larger than the window size`, w.pos);
  const emitFinal = q.emit === 'FINAL';
  const defaultGrace = emitFinal ? 0 : Math.max(86_400_000 - size, 0);
  if (w.retention && w.retention.ms < size + (w.grace?.ms ?? 0)) {
    err(`The retention period of the window must be greater than or equal to the window size plus the grace period.`, w.pos);
  }
  return { type: w.type, size, advance, grace: w.grace ? w.grace.ms : defaultGrace, retention: w.retention?.ms };
}

/** the clauses that need a GROUP BY (and EMIT FINAL a window) */
export function checkGroupingClauses(q: Query): void {
  if (q.window && !q.groupBy) err('WINDOW clause requires a GROUP BY clause.', q.window.pos);
  if (q.emit === 'FINAL' && !(q.window && q.groupBy)) err('EMIT FINAL is only supported for windowed aggregations.', q.pos);
  if (q.having && !q.groupBy) err('HAVING clause requires a GROUP BY clause.', q.having.pos);
}
