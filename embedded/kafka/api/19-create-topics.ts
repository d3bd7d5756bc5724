import { ErrorCode } from '../protocol/errors.ts';
import type { CreateTopicsRequest, CreateTopicsResponse } from '../protocol/index.ts';
import type { Handler } from './context.ts';

/** Served by every broker: like Kafka 4 (KRaft), which forwards admin requests to the active controller. */
export const handleCreateTopics: Handler<CreateTopicsRequest, CreateTopicsResponse> = (ctx, request) => {
  const seen = new Set<string>();
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((t) => {
      if (seen.has(t.name)) {
        return { name: t.name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Create topics request from client contains a duplicate topic: ${t.name}` };
      }
      seen.add(t.name);
      const result = ctx.cluster.createTopic(
        {
          name: t.name,
          numPartitions: t.numPartitions,
          replicationFactor: t.replicationFactor,
          assignments: t.assignments,
          configs: Object.fromEntries(t.configs.map((c) => [c.name, c.value])),
        },
        request.validateOnly,
      );
      return { name: t.name, errorCode: result.errorCode, errorMessage: result.errorMessage };
    }),
  };
};
