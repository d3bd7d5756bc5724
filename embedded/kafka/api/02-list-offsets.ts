import type { ListOffsetsRequest, ListOffsetsResponse } from '../protocol/index.ts';
import type { Handler } from './context.ts';

export const handleListOffsets: Handler<ListOffsetsRequest, ListOffsetsResponse> = (ctx, request) => ({
  throttleTimeMs: 0,
  topics: request.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      const found = ctx.cluster.listOffset(ctx.broker.id, t.name, p.partitionIndex, p.timestamp);
      return {
        partitionIndex: p.partitionIndex,
        errorCode: found.errorCode,
        // v0 answers with a list of offsets (at most maxNumOffsets); later versions with one offset.
        oldStyleOffsets: found.offset >= 0 && p.maxNumOffsets > 0 ? [found.offset] : [],
        timestamp: found.timestamp,
        offset: found.offset,
        leaderEpoch: -1,
      };
    }),
  })),
});
