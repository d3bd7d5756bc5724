import type { ProduceRequest, ProduceResponse } from '../protocol/index.ts';
import type { Handler } from './context.ts';

export const handleProduce: Handler<ProduceRequest, ProduceResponse> = (ctx, request) => {
  if (request.transactionalId !== null && request.transactionalId !== '') {
    // Transactions are not offered (InitProducerId with a transactional id is refused), so neither are transactional writes.
    return {
      throttleTimeMs: 0,
      responses: request.topicData.map((t) => ({
        name: t.name,
        partitionResponses: t.partitionData.map((p) => ({
          index: p.index,
          errorCode: 53,
          baseOffset: -1,
          logAppendTimeMs: -1,
          logStartOffset: -1,
        })),
      })),
    };
  }
  const responses = request.topicData.map((t) => ({
    name: t.name,
    partitionResponses: t.partitionData.map((p) => {
      const result = ctx.cluster.produce(ctx.broker.id, t.name, p.index, p.records, request.acks);
      return {
        index: p.index,
        errorCode: result.errorCode,
        baseOffset: result.baseOffset,
        logAppendTimeMs: result.logAppendTimeMs,
        logStartOffset: result.logStartOffset,
      };
    }),
  }));
  if (request.acks === 0) return undefined;
  return { throttleTimeMs: 0, responses };
};
