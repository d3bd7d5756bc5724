import { ErrorCode } from '../protocol/errors.ts';
import type { DeleteGroupsRequest, DeleteGroupsResponse } from '../protocol/index.ts';
import type { Handler } from './context.ts';
import { notCoordinator } from './group-routing.ts';

export const handleDeleteGroups: Handler<DeleteGroupsRequest, DeleteGroupsResponse> = (ctx, request) => {
  const local = request.groupsNames.filter((g) => !notCoordinator(ctx, g));
  const results = new Map(ctx.cluster.groups.deleteGroups(local).results.map((r) => [r.groupId, r]));
  return {
    throttleTimeMs: 0,
    results: request.groupsNames.map((groupId) => results.get(groupId) ?? { groupId, errorCode: ErrorCode.NOT_COORDINATOR }),
  };
};
