import { ErrorCode } from '../protocol/errors.ts';
import type { DeleteTopicsRequest, DeleteTopicsResponse } from '../protocol/index.ts';
import type { Handler } from './context.ts';

export const handleDeleteTopics: Handler<DeleteTopicsRequest, DeleteTopicsResponse> = (ctx, request) => {
  const isController = ctx.broker.id === ctx.cluster.controllerId();
  return {
    throttleTimeMs: 0,
    responses: request.topicNames.map((name) => {
      if (!isController) return { name, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: null };
      const result = ctx.cluster.deleteTopic(name);
      return { name, errorCode: result.errorCode, errorMessage: result.errorMessage };
    }),
  };
};
