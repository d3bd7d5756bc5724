/**
 * DeleteRecords (key 21), served v0–1 (identical layouts). AK DeleteRecordsRequest/Response.json.
 * `offset` -1 means "up to the high watermark".
 */
import { defineApi, firstFlexible } from './api.ts';
import { array, field } from './schema.ts';

export const apiKey = 21;
export const apiName = 'DeleteRecords';
export const minVersion = 0;
export const maxVersion = 1;
const FLEXIBLE = '2+';
export const firstFlexibleVersion = firstFlexible(FLEXIBLE);

export interface DeleteRecordsRequest {
  topics: DeleteRecordsTopic[];
  timeoutMs: number;
}
export interface DeleteRecordsTopic {
  name: string;
  partitions: DeleteRecordsPartition[];
}
export interface DeleteRecordsPartition {
  partitionIndex: number;
  offset: number;
}

export interface DeleteRecordsResponse {
  throttleTimeMs: number;
  topics: DeleteRecordsTopicResult[];
}
export interface DeleteRecordsTopicResult {
  name: string;
  partitions: DeleteRecordsPartitionResult[];
}
export interface DeleteRecordsPartitionResult {
  partitionIndex: number;
  lowWatermark: number;
  errorCode: number;
}

export const { decodeRequest, encodeRequest, decodeResponse, encodeResponse } = defineApi<DeleteRecordsRequest, DeleteRecordsResponse>({
  name: apiName,
  minVersion,
  maxVersion,
  flexibleVersions: FLEXIBLE,
  request: [
    array('topics', '0+', [field('name', 'string', '0+'), array('partitions', '0+', [field('partitionIndex', 'int32', '0+'), field('offset', 'int64', '0+')])]),
    field('timeoutMs', 'int32', '0+'),
  ],
  response: [
    field('throttleTimeMs', 'int32', '0+'),
    array('topics', '0+', [
      field('name', 'string', '0+'),
      array('partitions', '0+', [field('partitionIndex', 'int32', '0+'), field('lowWatermark', 'int64', '0+'), field('errorCode', 'int16', '0+')]),
    ]),
  ],
});
