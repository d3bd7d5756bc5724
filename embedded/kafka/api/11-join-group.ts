import { ErrorCode } from '../protocol/errors.ts';
import type { JoinGroupRequest, JoinGroupResponse } from '../protocol/index.ts';
import type { Handler } from './context.ts';
import { notCoordinator } from './group-routing.ts';

export const handleJoinGroup: Handler<JoinGroupRequest, JoinGroupResponse> = async (ctx, request) => {
  if (notCoordinator(ctx, request.groupId)) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.NOT_COORDINATOR, generationId: -1, protocolName: '', leader: '', memberId: request.memberId, members: [] };
  }
  return ctx.cluster.groups.join(request, {
    clientId: ctx.clientId,
    clientHost: ctx.clientHost,
    requireKnownMemberId: ctx.apiVersion >= 4,
  });
};
