import type { CreatePartitionsRequest, CreatePartitionsResponse } from '../protocol/index.ts';
import type { Handler } from './context.ts';

/** Served by every broker: like Kafka 4 (KRaft), which forwards admin requests to the active controller. */
export const handleCreatePartitions: Handler<CreatePartitionsRequest, CreatePartitionsResponse> = (ctx, request) => {
  return {
    throttleTimeMs: 0,
    results: request.topics.map((t) => {
      const assignments = t.assignments && t.assignments.length > 0 ? t.assignments.map((a) => a.brokerIds) : null;
      const result = ctx.cluster.createPartitions(t.name, t.count, assignments, request.validateOnly);
      return { name: t.name, errorCode: result.errorCode, errorMessage: result.errorMessage };
    }),
  };
};
