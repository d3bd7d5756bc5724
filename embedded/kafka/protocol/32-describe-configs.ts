/**
 * DescribeConfigs (key 32), served v0–2. AK DescribeConfigsRequest/Response.json.
 * resourceType: 2 = topic, 4 = broker. `configurationKeys` null = all keys.
 * v0 has per-config `isDefault`; v1+ replaces it with `configSource` and adds `synonyms`
 * (and the request's includeSynonyms). v2 is identical to v1.
 */
import { defineApi, firstFlexible } from './api.ts';
import { array, field } from './schema.ts';

export const apiKey = 32;
export const apiName = 'DescribeConfigs';
export const minVersion = 0;
export const maxVersion = 2;
const FLEXIBLE = '4+';
export const firstFlexibleVersion = firstFlexible(FLEXIBLE);

export interface DescribeConfigsRequest {
  resources: DescribeConfigsResource[];
  /** v1+, default false */
  includeSynonyms: boolean;
}
export interface DescribeConfigsResource {
  resourceType: number;
  resourceName: string;
  configurationKeys: string[] | null;
}

export interface DescribeConfigsResponse {
  throttleTimeMs: number;
  results: DescribeConfigsResult[];
}
export interface DescribeConfigsResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  configs: DescribeConfigsResourceResult[];
}
export interface DescribeConfigsResourceResult {
  name: string;
  value: string | null;
  readOnly: boolean;
  /** v0 only */
  isDefault: boolean;
  /** v1+, default -1 */
  configSource: number;
  isSensitive: boolean;
  /** v1+ */
  synonyms: DescribeConfigsSynonym[];
}
export interface DescribeConfigsSynonym {
  name: string;
  value: string | null;
  source: number;
}

export const { decodeRequest, encodeRequest, decodeResponse, encodeResponse } = defineApi<DescribeConfigsRequest, DescribeConfigsResponse>({
  name: apiName,
  minVersion,
  maxVersion,
  flexibleVersions: FLEXIBLE,
  request: [
    array('resources', '0+', [
      field('resourceType', 'int8', '0+'),
      field('resourceName', 'string', '0+'),
      array('configurationKeys', '0+', 'string', { nullable: '0+' }),
    ]),
    field('includeSynonyms', 'bool', '1+'),
  ],
  response: [
    field('throttleTimeMs', 'int32', '0+'),
    array('results', '0+', [
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '0+', { nullable: '0+' }),
      field('resourceType', 'int8', '0+'),
      field('resourceName', 'string', '0+'),
      array('configs', '0+', [
        field('name', 'string', '0+'),
        field('value', 'string', '0+', { nullable: '0+' }),
        field('readOnly', 'bool', '0+'),
        field('isDefault', 'bool', '0'),
        field('configSource', 'int8', '1+', { default: -1 }),
        field('isSensitive', 'bool', '0+'),
        array('synonyms', '1+', [field('name', 'string', '1+'), field('value', 'string', '1+', { nullable: '0+' }), field('source', 'int8', '1+')]),
      ]),
    ]),
  ],
});
