import { partitionKey } from '../data-waiters.ts';
import { ErrorCode } from '../protocol/errors.ts';
import type { FetchRequest, FetchResponse } from '../protocol/index.ts';
import type { Handler, RequestContext } from './context.ts';

/**
 * Fetch with long poll: if fewer than minBytes are ready, the request parks until one of its
 * partitions gets new committed data or maxWaitMs passes. Errors answer at once.
 */
export const handleFetch: Handler<FetchRequest, FetchResponse> = async (ctx, request) => {
  const deadline = Date.now() + Math.max(0, request.maxWaitMs);
  const keys = request.topics.flatMap((t) => t.partitions.map((p) => partitionKey(t.topic, p.partition)));
  for (;;) {
    const { response, bytes, failed } = readOnce(ctx, request);
    const left = deadline - Date.now();
    if (failed || bytes >= Math.max(1, request.minBytes) || left <= 0 || ctx.signal.aborted || keys.length === 0) return response;
    await ctx.cluster.waiters.wait(keys, left, ctx.signal);
  }
};

function readOnce(ctx: RequestContext, request: FetchRequest): { response: FetchResponse; bytes: number; failed: boolean } {
  let budget = request.maxBytes > 0 ? request.maxBytes : 0x7fffffff;
  let bytes = 0;
  let failed = false;
  const responses = request.topics.map((t) => ({
    topic: t.topic,
    topicId: t.topicId,
    partitions: t.partitions.map((p) => {
      // KIP-74: the first non-empty partition may exceed the budget so a large batch can always make progress.
      const limit = bytes === 0 ? Math.max(1, p.partitionMaxBytes) : Math.min(p.partitionMaxBytes, budget);
      const result =
        limit > 0
          ? ctx.cluster.fetch(ctx.broker.id, t.topic, p.partition, p.fetchOffset, limit)
          : { ...ctx.cluster.fetch(ctx.broker.id, t.topic, p.partition, p.fetchOffset, 1), records: Buffer.alloc(0) };
      if (result.errorCode !== ErrorCode.NONE) failed = true;
      const size = result.records?.length ?? 0;
      bytes += size;
      budget = Math.max(0, budget - size);
      return {
        partitionIndex: p.partition,
        errorCode: result.errorCode,
        highWatermark: result.highWatermark,
        lastStableOffset: result.lastStableOffset,
        logStartOffset: result.logStartOffset,
        abortedTransactions: [],
        preferredReadReplica: -1,
        records: result.records,
      };
    }),
  }));
  return { response: { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses }, bytes, failed };
}
