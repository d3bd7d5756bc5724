/**
 * InitProducerId (key 22), served v0–1 (identical layouts). AK InitProducerIdRequest/Response.json.
 * `producerId` is an exact bigint (default -1n).
 */
import { defineApi, firstFlexible } from './api.ts';
import { field } from './schema.ts';

export const apiKey = 22;
export const apiName = 'InitProducerId';
export const minVersion = 0;
export const maxVersion = 1;
const FLEXIBLE = '2+';
export const firstFlexibleVersion = firstFlexible(FLEXIBLE);

export interface InitProducerIdRequest {
  transactionalId: string | null;
  transactionTimeoutMs: number;
}

export interface InitProducerIdResponse {
  throttleTimeMs: number;
  errorCode: number;
  producerId: bigint;
  producerEpoch: number;
}

export const { decodeRequest, encodeRequest, decodeResponse, encodeResponse } = defineApi<InitProducerIdRequest, InitProducerIdResponse>({
  name: apiName,
  minVersion,
  maxVersion,
  flexibleVersions: FLEXIBLE,
  request: [field('transactionalId', 'string', '0+', { nullable: '0+' }), field('transactionTimeoutMs', 'int32', '0+')],
  response: [
    field('throttleTimeMs', 'int32', '0+'),
    field('errorCode', 'int16', '0+'),
    field('producerId', 'int64big', '0+', { default: -1n }),
    field('producerEpoch', 'int16', '0+'),
  ],
});
