/**
 * OffsetFetch (key 9), served v0–4 (kafkajs starts at v1). AK OffsetFetchRequest/Response.json.
 * Request `topics` is nullable from v2 (null = every committed partition of the group).
 * Deltas: v2 top-level errorCode; v3 throttleTimeMs.
 */
import { defineApi, firstFlexible } from './api.ts';
import { array, field } from './schema.ts';

export const apiKey = 9;
export const apiName = 'OffsetFetch';
export const minVersion = 0;
export const maxVersion = 4;
const FLEXIBLE = '6+';
export const firstFlexibleVersion = firstFlexible(FLEXIBLE);

export interface OffsetFetchRequest {
  groupId: string;
  /** nullable from v2 */
  topics: OffsetFetchRequestTopic[] | null;
}
export interface OffsetFetchRequestTopic {
  name: string;
  partitionIndexes: number[];
}

export interface OffsetFetchResponse {
  /** v3+ */
  throttleTimeMs: number;
  topics: OffsetFetchResponseTopic[];
  /** v2+, default 0 */
  errorCode: number;
}
export interface OffsetFetchResponseTopic {
  name: string;
  partitions: OffsetFetchResponsePartition[];
}
export interface OffsetFetchResponsePartition {
  partitionIndex: number;
  /** -1 when nothing is committed */
  committedOffset: number;
  metadata: string | null;
  errorCode: number;
}

export const { decodeRequest, encodeRequest, decodeResponse, encodeResponse } = defineApi<OffsetFetchRequest, OffsetFetchResponse>({
  name: apiName,
  minVersion,
  maxVersion,
  flexibleVersions: FLEXIBLE,
  request: [
    field('groupId', 'string', '0-7'),
    array('topics', '0-7', [field('name', 'string', '0-7'), array('partitionIndexes', '0-7', 'int32')], { nullable: '2-7' }),
  ],
  response: [
    field('throttleTimeMs', 'int32', '3+'),
    array('topics', '0-7', [
      field('name', 'string', '0-7'),
      array('partitions', '0-7', [
        field('partitionIndex', 'int32', '0-7'),
        field('committedOffset', 'int64', '0-7'),
        field('metadata', 'string', '0-7', { nullable: '0-7' }),
        field('errorCode', 'int16', '0-7'),
      ]),
    ]),
    field('errorCode', 'int16', '2-7'),
  ],
});
