import { ErrorCode } from '../protocol/errors.ts';
import type { LeaveGroupRequest, LeaveGroupResponse } from '../protocol/index.ts';
import type { Handler } from './context.ts';
import { notCoordinator } from './group-routing.ts';

export const handleLeaveGroup: Handler<LeaveGroupRequest, LeaveGroupResponse> = (ctx, request) => {
  if (notCoordinator(ctx, request.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.NOT_COORDINATOR, members: [] };
  // v0-2 name one member; v3+ list them (the decoder fills both fields with defaults).
  return ctx.apiVersion >= 3
    ? ctx.cluster.groups.leave({ groupId: request.groupId, members: request.members })
    : ctx.cluster.groups.leave({ groupId: request.groupId, memberId: request.memberId });
};
