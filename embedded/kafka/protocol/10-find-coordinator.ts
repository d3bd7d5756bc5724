/**
 * FindCoordinator (key 10), served v0–2. AK FindCoordinatorRequest/Response.json.
 * keyType (v1+): 0 = group, 1 = transaction. v1+ adds throttleTimeMs and errorMessage.
 */
import { defineApi, firstFlexible } from './api.ts';
import { field } from './schema.ts';

export const apiKey = 10;
export const apiName = 'FindCoordinator';
export const minVersion = 0;
export const maxVersion = 2;
const FLEXIBLE = '3+';
export const firstFlexibleVersion = firstFlexible(FLEXIBLE);

export interface FindCoordinatorRequest {
  key: string;
  /** v1+, default 0 (group) */
  keyType: number;
}

export interface FindCoordinatorResponse {
  /** v1+ */
  throttleTimeMs: number;
  errorCode: number;
  /** v1+, nullable */
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

export const { decodeRequest, encodeRequest, decodeResponse, encodeResponse } = defineApi<FindCoordinatorRequest, FindCoordinatorResponse>({
  name: apiName,
  minVersion,
  maxVersion,
  flexibleVersions: FLEXIBLE,
  request: [field('key', 'string', '0-3'), field('keyType', 'int8', '1+')],
  response: [
    field('throttleTimeMs', 'int32', '1+'),
    field('errorCode', 'int16', '0-3'),
    field('errorMessage', 'string', '1-3', { nullable: '1-3' }),
    field('nodeId', 'int32', '0-3'),
    field('host', 'string', '0-3'),
    field('port', 'int32', '0-3'),
  ],
});
