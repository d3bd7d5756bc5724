import { ErrorCode } from '../protocol/errors.ts';
import type { InitProducerIdRequest, InitProducerIdResponse } from '../protocol/index.ts';
import type { Handler } from './context.ts';

/** Idempotent producers get a fresh id; transactional ids are refused (no transaction coordinator). */
export const handleInitProducerId: Handler<InitProducerIdRequest, InitProducerIdResponse> = (ctx, request) => {
  if (request.transactionalId !== null && request.transactionalId !== '') {
    return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, producerId: -1n, producerEpoch: -1 };
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: BigInt(ctx.cluster.allocateProducerId()), producerEpoch: 0 };
};
