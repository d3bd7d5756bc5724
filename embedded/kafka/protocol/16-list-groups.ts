/**
 * ListGroups (key 16), served v0–2. AK ListGroupsRequest/Response.json.
 * Empty request body at v0–2; v1+ throttleTimeMs.
 */
import { defineApi, firstFlexible } from './api.ts';
import { array, field } from './schema.ts';

export const apiKey = 16;
export const apiName = 'ListGroups';
export const minVersion = 0;
export const maxVersion = 2;
const FLEXIBLE = '3+';
export const firstFlexibleVersion = firstFlexible(FLEXIBLE);

/** No fields at v0–2. */
export type ListGroupsRequest = Record<string, never>;

export interface ListGroupsResponse {
  /** v1+ */
  throttleTimeMs: number;
  errorCode: number;
  groups: ListedGroup[];
}
export interface ListedGroup {
  groupId: string;
  protocolType: string;
}

export const { decodeRequest, encodeRequest, decodeResponse, encodeResponse } = defineApi<ListGroupsRequest, ListGroupsResponse>({
  name: apiName,
  minVersion,
  maxVersion,
  flexibleVersions: FLEXIBLE,
  request: [],
  response: [
    field('throttleTimeMs', 'int32', '1+'),
    field('errorCode', 'int16', '0+'),
    array('groups', '0+', [field('groupId', 'string', '0+'), field('protocolType', 'string', '0+')]),
  ],
});
