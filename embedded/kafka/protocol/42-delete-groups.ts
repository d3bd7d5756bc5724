/**
 * DeleteGroups (key 42), served v0–1 (identical layouts). AK DeleteGroupsRequest/Response.json.
 * Note the AK field name `GroupsNames` → `groupsNames`.
 */
import { defineApi, firstFlexible } from './api.ts';
import { array, field } from './schema.ts';

export const apiKey = 42;
export const apiName = 'DeleteGroups';
export const minVersion = 0;
export const maxVersion = 1;
const FLEXIBLE = '2+';
export const firstFlexibleVersion = firstFlexible(FLEXIBLE);

export interface DeleteGroupsRequest {
  groupsNames: string[];
}

export interface DeleteGroupsResponse {
  throttleTimeMs: number;
  results: DeletableGroupResult[];
}
export interface DeletableGroupResult {
  groupId: string;
  errorCode: number;
}

export const { decodeRequest, encodeRequest, decodeResponse, encodeResponse } = defineApi<DeleteGroupsRequest, DeleteGroupsResponse>({
  name: apiName,
  minVersion,
  maxVersion,
  flexibleVersions: FLEXIBLE,
  request: [array('groupsNames', '0+', 'string')],
  response: [field('throttleTimeMs', 'int32', '0+'), array('results', '0+', [field('groupId', 'string', '0+'), field('errorCode', 'int16', '0+')])],
});
