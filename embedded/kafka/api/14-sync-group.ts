import { ErrorCode } from '../protocol/errors.ts';
import type { SyncGroupRequest, SyncGroupResponse } from '../protocol/index.ts';
import type { Handler } from './context.ts';
import { notCoordinator } from './group-routing.ts';

export const handleSyncGroup: Handler<SyncGroupRequest, SyncGroupResponse> = async (ctx, request) => {
  if (notCoordinator(ctx, request.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.NOT_COORDINATOR, assignment: Buffer.alloc(0) };
  return ctx.cluster.groups.sync(request);
};
