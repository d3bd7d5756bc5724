import { ErrorCode } from '../protocol/errors.ts';
import type { OffsetFetchRequest, OffsetFetchResponse } from '../protocol/index.ts';
import type { Handler } from './context.ts';
import { notCoordinator } from './group-routing.ts';

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
