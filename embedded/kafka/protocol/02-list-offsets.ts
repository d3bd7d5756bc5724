/**
 * ListOffsets (key 2), served v0–3. AK ListOffsetsRequest/Response.json.
 * v0: per-partition maxNumOffsets in the request, and `oldStyleOffsets` (an array) instead of
 * timestamp/offset in the response. v2+: isolationLevel and throttleTimeMs.
 * Timestamps -1 (latest) and -2 (earliest) are special.
 */
import { defineApi, firstFlexible } from './api.ts';
import { array, field } from './schema.ts';

export const apiKey = 2;
export const apiName = 'ListOffsets';
export const minVersion = 0;
export const maxVersion = 3;
const FLEXIBLE = '6+';
export const firstFlexibleVersion = firstFlexible(FLEXIBLE);

export interface ListOffsetsRequest {
  replicaId: number;
  /** v2+ */
  isolationLevel: number;
  topics: ListOffsetsTopic[];
}
export interface ListOffsetsTopic {
  name: string;
  partitions: ListOffsetsPartition[];
}
export interface ListOffsetsPartition {
  partitionIndex: number;
  timestamp: number;
  /** v0 only, default 1 */
  maxNumOffsets: number;
}

export interface ListOffsetsResponse {
  /** v2+ */
  throttleTimeMs: number;
  topics: ListOffsetsTopicResponse[];
}
export interface ListOffsetsTopicResponse {
  name: string;
  partitions: ListOffsetsPartitionResponse[];
}
export interface ListOffsetsPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  /** v0 only */
  oldStyleOffsets: number[];
  /** v1+, default -1 */
  timestamp: number;
  /** v1+, default -1 */
  offset: number;
}

export const { decodeRequest, encodeRequest, decodeResponse, encodeResponse } = defineApi<ListOffsetsRequest, ListOffsetsResponse>({
  name: apiName,
  minVersion,
  maxVersion,
  flexibleVersions: FLEXIBLE,
  request: [
    field('replicaId', 'int32', '0+'),
    field('isolationLevel', 'int8', '2+'),
    array('topics', '0+', [
      field('name', 'string', '0+'),
      array('partitions', '0+', [
        field('partitionIndex', 'int32', '0+'),
        field('timestamp', 'int64', '0+'),
        field('maxNumOffsets', 'int32', '0', { default: 1 }),
      ]),
    ]),
  ],
  response: [
    field('throttleTimeMs', 'int32', '2+'),
    array('topics', '0+', [
      field('name', 'string', '0+'),
      array('partitions', '0+', [
        field('partitionIndex', 'int32', '0+'),
        field('errorCode', 'int16', '0+'),
        array('oldStyleOffsets', '0', 'int64'),
        field('timestamp', 'int64', '1+', { default: -1 }),
        field('offset', 'int64', '1+', { default: -1 }),
      ]),
    ]),
  ],
});
