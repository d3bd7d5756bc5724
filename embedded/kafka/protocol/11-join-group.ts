/**
 * JoinGroup (key 11), served v0–5. AK JoinGroupRequest/Response.json.
 * Deltas: v1 rebalanceTimeoutMs; v2 throttleTimeMs; v4 MEMBER_ID_REQUIRED (79) semantics;
 * v5 groupInstanceId (request and members[]). Only the leader gets a non-empty `members`.
 * Protocol metadata bytes are views into the request frame; copy them if you keep them.
 */
import { defineApi, firstFlexible } from './api.ts';
import { array, field } from './schema.ts';

export const apiKey = 11;
export const apiName = 'JoinGroup';
export const minVersion = 0;
export const maxVersion = 5;
const FLEXIBLE = '6+';
export const firstFlexibleVersion = firstFlexible(FLEXIBLE);

export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  /** v1+, default -1 */
  rebalanceTimeoutMs: number;
  memberId: string;
  /** v5+, default null */
  groupInstanceId: string | null;
  protocolType: string;
  protocols: JoinGroupRequestProtocol[];
}
export interface JoinGroupRequestProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupResponse {
  /** v2+ */
  throttleTimeMs: number;
  errorCode: number;
  /** default -1 */
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  members: JoinGroupResponseMember[];
}
export interface JoinGroupResponseMember {
  memberId: string;
  /** v5+, default null */
  groupInstanceId: string | null;
  metadata: Buffer;
}

export const { decodeRequest, encodeRequest, decodeResponse, encodeResponse } = defineApi<JoinGroupRequest, JoinGroupResponse>({
  name: apiName,
  minVersion,
  maxVersion,
  flexibleVersions: FLEXIBLE,
  request: [
    field('groupId', 'string', '0+'),
    field('sessionTimeoutMs', 'int32', '0+'),
    field('rebalanceTimeoutMs', 'int32', '1+', { default: -1 }),
    field('memberId', 'string', '0+'),
    field('groupInstanceId', 'string', '5+', { nullable: '5+', default: null }),
    field('protocolType', 'string', '0+'),
    array('protocols', '0+', [field('name', 'string', '0+'), field('metadata', 'bytes', '0+')]),
  ],
  response: [
    field('throttleTimeMs', 'int32', '2+'),
    field('errorCode', 'int16', '0+'),
    field('generationId', 'int32', '0+', { default: -1 }),
    field('protocolName', 'string', '0+', { nullable: '7+' }),
    field('leader', 'string', '0+'),
    field('memberId', 'string', '0+'),
    array('members', '0+', [
      field('memberId', 'string', '0+'),
      field('groupInstanceId', 'string', '5+', { nullable: '5+', default: null }),
      field('metadata', 'bytes', '0+'),
    ]),
  ],
});
