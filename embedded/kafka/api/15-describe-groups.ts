import { ErrorCode } from '../protocol/errors.ts';
import type { DescribeGroupsRequest, DescribeGroupsResponse } from '../protocol/index.ts';
import type { Handler } from './context.ts';
import { notCoordinator } from './group-routing.ts';

export const handleDescribeGroups: Handler<DescribeGroupsRequest, DescribeGroupsResponse> = (ctx, request) => {
  const local = request.groups.filter((g) => !notCoordinator(ctx, g));
  const described = new Map(ctx.cluster.groups.describeGroups(local).groups.map((g) => [g.groupId, g]));
  return {
    throttleTimeMs: 0,
    groups: request.groups.map(
      (groupId) =>
        described.get(groupId) ?? {
          errorCode: ErrorCode.NOT_COORDINATOR,
          groupId,
          groupState: '',
          protocolType: '',
          protocolData: '',
          members: [],
        },
    ),
  };
};
