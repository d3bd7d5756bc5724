import { ErrorCode } from '../protocol/errors.ts';
import type { OffsetCommitRequest, OffsetCommitResponse } from '../protocol/index.ts';
import type { Handler } from './context.ts';
import { notCoordinator } from './group-routing.ts';

export const handleOffsetCommit: Handler<OffsetCommitRequest, OffsetCommitResponse> = (ctx, request) => {
  if (notCoordinator(ctx, request.groupId)) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.NOT_COORDINATOR })),
      })),
    };
  }
  return ctx.cluster.groups.commitOffsets(request);
};
