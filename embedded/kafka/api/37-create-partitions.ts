import { ErrorCode } from '../protocol/errors.ts';
import type { CreatePartitionsRequest, CreatePartitionsResponse } from '../protocol/index.ts';
import type { Handler } from './context.ts';

export const handleCreatePartitions: Handler<CreatePartitionsRequest, CreatePartitionsResponse> = (ctx, request) => {
  const isController = ctx.broker.id === ctx.cluster.controllerId();
  return {
    throttleTimeMs: 0,
    results: request.topics.map((t) => {
      if (!isController) return { name: t.name, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: 'This is not the correct controller for this cluster.' };
      const assignments = t.assignments && t.assignments.length > 0 ? t.assignments.map((a) => a.brokerIds) : null;
      const result = ctx.cluster.createPartitions(t.name, t.count, assignments, request.validateOnly);
      return { name: t.name, errorCode: result.errorCode, errorMessage: result.errorMessage };
    }),
  };
};
