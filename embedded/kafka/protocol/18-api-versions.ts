/**
 * ApiVersions (key 18), served v0–3. AK ApiVersionsRequest/Response.json.
 * v3 is flexible (compact encodings, tag buffers) and its REQUEST uses header v2, but its RESPONSE
 * always uses header v0 (handled in header.ts). The v3 tagged response fields (SupportedFeatures,
 * FinalizedFeatures…) are not modelled: written empty, skipped on read.
 */
import { defineApi, firstFlexible } from './api.ts';
import { array, field } from './schema.ts';

export const apiKey = 18;
export const apiName = 'ApiVersions';
export const minVersion = 0;
export const maxVersion = 3;
const FLEXIBLE = '3+';
export const firstFlexibleVersion = firstFlexible(FLEXIBLE);

export interface ApiVersionsRequest {
  /** v3+, default '' */
  clientSoftwareName: string;
  /** v3+, default '' */
  clientSoftwareVersion: string;
}

export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: ApiVersion[];
  /** v1+ */
  throttleTimeMs: number;
}
export interface ApiVersion {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export const { decodeRequest, encodeRequest, decodeResponse, encodeResponse } = defineApi<ApiVersionsRequest, ApiVersionsResponse>({
  name: apiName,
  minVersion,
  maxVersion,
  flexibleVersions: FLEXIBLE,
  request: [field('clientSoftwareName', 'string', '3+'), field('clientSoftwareVersion', 'string', '3+')],
  response: [
    field('errorCode', 'int16', '0+'),
    array('apiKeys', '0+', [field('apiKey', 'int16', '0+'), field('minVersion', 'int16', '0+'), field('maxVersion', 'int16', '0+')]),
    field('throttleTimeMs', 'int32', '1+'),
  ],
});
