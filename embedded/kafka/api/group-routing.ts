/**
 * Where group requests go. One coordinator object serves the whole cluster, but each group is owned by one
 * broker (FindCoordinator's answer) and a group request sent elsewhere gets NOT_COORDINATOR, so clients route
 * exactly as they do against Kafka and move on when that broker stops.
 */
import type { RequestContext } from './context.ts';

/** True when this broker does not coordinate `groupId`: the request is answered NOT_COORDINATOR. */
export function notCoordinator(ctx: RequestContext, groupId: string): boolean {
  return ctx.cluster.coordinatorFor(groupId) !== ctx.broker.id;
}
