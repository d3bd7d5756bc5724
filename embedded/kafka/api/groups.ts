/**
 * The group APIs. One coordinator object serves the whole cluster; each group is still owned by one
 * broker (FindCoordinator's answer), and a group request sent elsewhere gets NOT_COORDINATOR, so
 * clients route exactly as they do against Kafka and move on when that broker stops.
 */
import { ErrorCode } from '../protocol/errors.ts';
import type {
  DeleteGroupsRequest, DeleteGroupsResponse, DescribeGroupsRequest, DescribeGroupsResponse, HeartbeatRequest,
  HeartbeatResponse, JoinGroupRequest, JoinGroupResponse, LeaveGroupRequest, LeaveGroupResponse, ListGroupsRequest,
  ListGroupsResponse, OffsetCommitRequest, OffsetCommitResponse, OffsetFetchRequest, OffsetFetchResponse,
  SyncGroupRequest, SyncGroupResponse,
} from '../protocol/index.ts';
import type { Handler, RequestContext } from './context.ts';

function notCoordinator(ctx: RequestContext, groupId: string): boolean {
  return ctx.cluster.coordinatorFor(groupId) !== ctx.broker.id;
}

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

export const handleSyncGroup: Handler<SyncGroupRequest, SyncGroupResponse> = async (ctx, request) => {
  if (notCoordinator(ctx, request.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.NOT_COORDINATOR, assignment: Buffer.alloc(0) };
  return ctx.cluster.groups.sync(request);
};

export const handleHeartbeat: Handler<HeartbeatRequest, HeartbeatResponse> = (ctx, request) => {
  if (notCoordinator(ctx, request.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.NOT_COORDINATOR };
  return ctx.cluster.groups.heartbeat(request);
};

export const handleLeaveGroup: Handler<LeaveGroupRequest, LeaveGroupResponse> = (ctx, request) => {
  if (notCoordinator(ctx, request.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.NOT_COORDINATOR, members: [] };
  // v0-2 name one member; v3+ list them (the decoder fills both fields with defaults).
  return ctx.apiVersion >= 3
    ? ctx.cluster.groups.leave({ groupId: request.groupId, members: request.members })
    : ctx.cluster.groups.leave({ groupId: request.groupId, memberId: request.memberId });
};

export const handleOffsetCommit: Handler<OffsetCommitRequest, OffsetCommitResponse> = (ctx, request) => {
  if (notCoordinator(ctx, request.groupId)) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.NOT_COORDINATOR })) })),
    };
  }
  return ctx.cluster.groups.commitOffsets(request);
};

export const handleOffsetFetch: Handler<OffsetFetchRequest, OffsetFetchResponse> = (ctx, request) => {
  if (notCoordinator(ctx, request.groupId)) {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NOT_COORDINATOR,
      topics: (request.topics ?? []).map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1, metadata: '', errorCode: ErrorCode.NOT_COORDINATOR })),
      })),
    };
  }
  return ctx.cluster.groups.fetchOffsets(request);
};

export const handleDescribeGroups: Handler<DescribeGroupsRequest, DescribeGroupsResponse> = (ctx, request) => {
  const local = request.groups.filter((g) => !notCoordinator(ctx, g));
  const described = new Map(ctx.cluster.groups.describeGroups(local).groups.map((g) => [g.groupId, g]));
  return {
    throttleTimeMs: 0,
    groups: request.groups.map((groupId) => described.get(groupId) ?? {
      errorCode: ErrorCode.NOT_COORDINATOR, groupId, groupState: '', protocolType: '', protocolData: '', members: [],
    }),
  };
};

/** Each broker lists the groups it coordinates (kafkajs and the Kafka CLI ask every broker). */
export const handleListGroups: Handler<ListGroupsRequest, ListGroupsResponse> = (ctx) => {
  const all = ctx.cluster.groups.listGroups();
  return { ...all, groups: all.groups.filter((g) => !notCoordinator(ctx, g.groupId)) };
};

export const handleDeleteGroups: Handler<DeleteGroupsRequest, DeleteGroupsResponse> = (ctx, request) => {
  const local = request.groupsNames.filter((g) => !notCoordinator(ctx, g));
  const results = new Map(ctx.cluster.groups.deleteGroups(local).results.map((r) => [r.groupId, r]));
  return {
    throttleTimeMs: 0,
    results: request.groupsNames.map((groupId) => results.get(groupId) ?? { groupId, errorCode: ErrorCode.NOT_COORDINATOR }),
  };
};
