import { ErrorCode } from '../protocol/errors.ts';
import type { FindCoordinatorRequest, FindCoordinatorResponse } from '../protocol/index.ts';
import type { Handler } from './context.ts';

export const handleFindCoordinator: Handler<FindCoordinatorRequest, FindCoordinatorResponse> = (ctx, request) => {
  if (request.keyType !== 0) {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
      errorMessage: 'transactions are not supported by this broker',
      nodeId: -1,
      host: '',
      port: -1,
    };
  }
  if (request.key === '') {
    return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID, errorMessage: 'The group id is invalid', nodeId: -1, host: '', port: -1 };
  }
  const id = ctx.cluster.coordinatorFor(request.key);
  const broker = ctx.cluster.brokers.get(id);
  if (!broker) {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
      errorMessage: 'The coordinator is not available.',
      nodeId: -1,
      host: '',
      port: -1,
    };
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, nodeId: id, host: ctx.cluster.options.host, port: broker.port };
};
