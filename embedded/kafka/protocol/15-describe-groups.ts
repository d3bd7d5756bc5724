/**
 * DescribeGroups (key 15), served v0–2. AK DescribeGroupsRequest/Response.json.
 * v1+ throttleTimeMs; v2 is identical to v1.
 */
import { defineApi, firstFlexible } from './api.ts';
import { array, field } from './schema.ts';

export const apiKey = 15;
export const apiName = 'DescribeGroups';
export const minVersion = 0;
export const maxVersion = 2;
const FLEXIBLE = '5+';
export const firstFlexibleVersion = firstFlexible(FLEXIBLE);

export interface DescribeGroupsRequest {
  groups: string[];
}

export interface DescribeGroupsResponse {
  /** v1+ */
  throttleTimeMs: number;
  groups: DescribedGroup[];
}
export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: DescribedGroupMember[];
}
export interface DescribedGroupMember {
  memberId: string;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}

export const { decodeRequest, encodeRequest, decodeResponse, encodeResponse } = defineApi<DescribeGroupsRequest, DescribeGroupsResponse>({
  name: apiName,
  minVersion,
  maxVersion,
  flexibleVersions: FLEXIBLE,
  request: [array('groups', '0+', 'string')],
  response: [
    field('throttleTimeMs', 'int32', '1+'),
    array('groups', '0+', [
      field('errorCode', 'int16', '0+'),
      field('groupId', 'string', '0+'),
      field('groupState', 'string', '0+'),
      field('protocolType', 'string', '0+'),
      field('protocolData', 'string', '0+'),
      array('members', '0+', [
        field('memberId', 'string', '0+'),
        field('clientId', 'string', '0+'),
        field('clientHost', 'string', '0+'),
        field('memberMetadata', 'bytes', '0+'),
        field('memberAssignment', 'bytes', '0+'),
      ]),
    ]),
  ],
});
