// Step 7, the sink: the query's output (a stream or a table, named for a persistent query), its
// schema and window, and the formats it inherits from the FROM source.
import type { SinkNode } from '../plan/logical.ts';
import type { QueryContext } from './context.ts';
import type { PlannedProjection } from './projection.ts';

export function planSink(ctx: QueryContext, out: PlannedProjection): SinkNode {
  return {
    kind: 'sink',
    source: out.node,
    name: ctx.opts.sinkName,
    resultType: out.resultType,
    window: out.window,
    schema: { key: out.key, value: out.value },
  };
}
