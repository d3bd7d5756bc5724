/**
 * LeaveGroup (key 13), served v0–3. AK LeaveGroupRequest/Response.json.
 * v0–2: a single `memberId`; v3+: a `members` batch (and per-member results in the response).
 * Both fields are always present after decoding (memberId '' at v3, members [] at v0–2).
 */
import { defineApi, firstFlexible } from './api.ts';
import { array, field } from './schema.ts';

export const apiKey = 13;
export const apiName = 'LeaveGroup';
export const minVersion = 0;
export const maxVersion = 3;
const FLEXIBLE = '4+';
export const firstFlexibleVersion = firstFlexible(FLEXIBLE);

export interface LeaveGroupRequest {
  groupId: string;
  /** v0–2 only */
  memberId: string;
  /** v3+ */
  members: MemberIdentity[];
}
export interface MemberIdentity {
  memberId: string;
  /** default null */
  groupInstanceId: string | null;
}

export interface LeaveGroupResponse {
  /** v1+ */
  throttleTimeMs: number;
  errorCode: number;
  /** v3+ */
  members: MemberResponse[];
}
export interface MemberResponse {
  memberId: string;
  groupInstanceId: string | null;
  errorCode: number;
}

export const { decodeRequest, encodeRequest, decodeResponse, encodeResponse } = defineApi<LeaveGroupRequest, LeaveGroupResponse>({
  name: apiName,
  minVersion,
  maxVersion,
  flexibleVersions: FLEXIBLE,
  request: [
    field('groupId', 'string', '0+'),
    field('memberId', 'string', '0-2'),
    array('members', '3+', [field('memberId', 'string', '3+'), field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null })]),
  ],
  response: [
    field('throttleTimeMs', 'int32', '1+'),
    field('errorCode', 'int16', '0+'),
    array('members', '3+', [
      field('memberId', 'string', '3+'),
      field('groupInstanceId', 'string', '3+', { nullable: '3+' }),
      field('errorCode', 'int16', '3+'),
    ]),
  ],
});
