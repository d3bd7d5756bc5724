import { ErrorCode } from '../protocol/errors.ts';
import type { AlterConfigsRequest, AlterConfigsResponse } from '../protocol/index.ts';
import type { Handler } from './context.ts';
import { RESOURCE_TOPIC } from './32-describe-configs.ts';

export const handleAlterConfigs: Handler<AlterConfigsRequest, AlterConfigsResponse> = (ctx, request) => ({
  throttleTimeMs: 0,
  responses: request.resources.map((resource) => {
    const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
    if (resource.resourceType !== RESOURCE_TOPIC) {
      return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'only topic configs can be altered on this broker' };
    }
    const topic = ctx.cluster.topic(resource.resourceName);
    if (!topic) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic ${resource.resourceName} does not exist` };
    const result = ctx.cluster.alterTopicConfig(topic, Object.fromEntries(resource.configs.map((c) => [c.name, c.value])), request.validateOnly);
    return { ...base, errorCode: result.errorCode, errorMessage: result.errorMessage };
  }),
});
