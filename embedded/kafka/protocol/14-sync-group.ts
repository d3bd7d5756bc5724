/**
 * SyncGroup (key 14), served v0–3. AK SyncGroupRequest/Response.json.
 * Only the leader fills `assignments`. v1+ throttleTimeMs; v3+ groupInstanceId.
 * Assignment bytes are views into the request frame; copy them if you keep them.
 */
import { defineApi, firstFlexible } from './api.ts';
import { array, field } from './schema.ts';

export const apiKey = 14;
export const apiName = 'SyncGroup';
export const minVersion = 0;
export const maxVersion = 3;
const FLEXIBLE = '4+';
export const firstFlexibleVersion = firstFlexible(FLEXIBLE);

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  /** v3+, default null */
  groupInstanceId: string | null;
  assignments: SyncGroupRequestAssignment[];
}
export interface SyncGroupRequestAssignment {
  memberId: string;
  assignment: Buffer;
}

export interface SyncGroupResponse {
  /** v1+ */
  throttleTimeMs: number;
  errorCode: number;
  assignment: Buffer;
}

export const { decodeRequest, encodeRequest, decodeResponse, encodeResponse } = defineApi<SyncGroupRequest, SyncGroupResponse>({
  name: apiName,
  minVersion,
  maxVersion,
  flexibleVersions: FLEXIBLE,
  request: [
    field('groupId', 'string', '0+'),
    field('generationId', 'int32', '0+'),
    field('memberId', 'string', '0+'),
    field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
    array('assignments', '0+', [field('memberId', 'string', '0+'), field('assignment', 'bytes', '0+')]),
  ],
  response: [field('throttleTimeMs', 'int32', '1+'), field('errorCode', 'int16', '0+'), field('assignment', 'bytes', '0+')],
});
