import type { DeleteRecordsRequest, DeleteRecordsResponse } from '../protocol/index.ts';
import type { Handler } from './context.ts';

export const handleDeleteRecords: Handler<DeleteRecordsRequest, DeleteRecordsResponse> = (ctx, request) => ({
  throttleTimeMs: 0,
  topics: request.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      const result = ctx.cluster.deleteRecords(t.name, p.partitionIndex, p.offset);
      return { partitionIndex: p.partitionIndex, lowWatermark: result.lowWatermark, errorCode: result.errorCode };
    }),
  })),
});
