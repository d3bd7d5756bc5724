/**
 * Heartbeat (key 12), served v0–3. AK HeartbeatRequest/Response.json.
 * v1+ throttleTimeMs; v3+ groupInstanceId. Answer 27 (REBALANCE_IN_PROGRESS) to make members rejoin.
 */
import { defineApi, firstFlexible } from './api.ts';
import { field } from './schema.ts';

export const apiKey = 12;
export const apiName = 'Heartbeat';
export const minVersion = 0;
export const maxVersion = 3;
const FLEXIBLE = '4+';
export const firstFlexibleVersion = firstFlexible(FLEXIBLE);

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  /** v3+, default null */
  groupInstanceId: string | null;
}

export interface HeartbeatResponse {
  /** v1+ */
  throttleTimeMs: number;
  errorCode: number;
}

export const { decodeRequest, encodeRequest, decodeResponse, encodeResponse } = defineApi<HeartbeatRequest, HeartbeatResponse>({
  name: apiName,
  minVersion,
  maxVersion,
  flexibleVersions: FLEXIBLE,
  request: [
    field('groupId', 'string', '0+'),
    field('generationId', 'int32', '0+'),
    field('memberId', 'string', '0+'),
    field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
  ],
  response: [field('throttleTimeMs', 'int32', '1+'), field('errorCode', 'int16', '0+')],
});
