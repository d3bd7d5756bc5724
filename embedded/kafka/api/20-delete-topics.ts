import type { DeleteTopicsRequest, DeleteTopicsResponse } from '../protocol/index.ts';
import type { Handler } from './context.ts';

/** Served by every broker: like Kafka 4 (KRaft), which forwards admin requests to the active controller. */
export const handleDeleteTopics: Handler<DeleteTopicsRequest, DeleteTopicsResponse> = (ctx, request) => {
  return {
    throttleTimeMs: 0,
    responses: request.topicNames.map((name) => {
      const result = ctx.cluster.deleteTopic(name);
      return { name, errorCode: result.errorCode, errorMessage: result.errorMessage };
    }),
  };
};
