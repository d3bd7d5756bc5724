/**
 * DeleteTopics (key 20), served v0–3. AK DeleteTopicsRequest/Response.json.
 * v1+ throttleTimeMs; v2/v3 identical layout. Unknown topics answer error 3.
 */
import { defineApi, firstFlexible } from './api.ts';
import { array, field } from './schema.ts';

export const apiKey = 20;
export const apiName = 'DeleteTopics';
export const minVersion = 0;
export const maxVersion = 3;
const FLEXIBLE = '4+';
export const firstFlexibleVersion = firstFlexible(FLEXIBLE);

export interface DeleteTopicsRequest {
  topicNames: string[];
  timeoutMs: number;
}

export interface DeleteTopicsResponse {
  /** v1+ */
  throttleTimeMs: number;
  responses: DeletableTopicResult[];
}
export interface DeletableTopicResult {
  name: string;
  errorCode: number;
}

export const { decodeRequest, encodeRequest, decodeResponse, encodeResponse } = defineApi<DeleteTopicsRequest, DeleteTopicsResponse>({
  name: apiName,
  minVersion,
  maxVersion,
  flexibleVersions: FLEXIBLE,
  request: [array('topicNames', '0-5', 'string'), field('timeoutMs', 'int32', '0+')],
  response: [field('throttleTimeMs', 'int32', '1+'), array('responses', '0+', [field('name', 'string', '0+'), field('errorCode', 'int16', '0+')])],
});
