import { ErrorCode } from '../protocol/errors.ts';
import type { HeartbeatRequest, HeartbeatResponse } from '../protocol/index.ts';
import type { Handler } from './context.ts';
import { notCoordinator } from './group-routing.ts';

export const handleHeartbeat: Handler<HeartbeatRequest, HeartbeatResponse> = (ctx, request) => {
  if (notCoordinator(ctx, request.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.NOT_COORDINATOR };
  return ctx.cluster.groups.heartbeat(request);
};
