/**
 * OffsetCommit (key 8), served v0–5. AK OffsetCommitRequest/Response.json.
 * NOTE the AK field name `GenerationIdOrMemberEpoch` (renamed from GenerationId in AK 3.6+):
 * it is the group generation for classic groups. -1 with memberId '' = a simple (group-less) commit.
 * Deltas: v1 generation/member + per-partition commitTimestamp (v1 only); v2–4 retentionTimeMs;
 * v3 throttleTimeMs.
 */
import { defineApi, firstFlexible } from './api.ts';
import { array, field } from './schema.ts';

export const apiKey = 8;
export const apiName = 'OffsetCommit';
export const minVersion = 0;
export const maxVersion = 5;
const FLEXIBLE = '8+';
export const firstFlexibleVersion = firstFlexible(FLEXIBLE);

export interface OffsetCommitRequest {
  groupId: string;
  /** v1+, default -1 (the generation id) */
  generationIdOrMemberEpoch: number;
  /** v1+, default '' */
  memberId: string;
  /** v2–4 only, default -1 (broker default retention) */
  retentionTimeMs: number;
  topics: OffsetCommitRequestTopic[];
}
export interface OffsetCommitRequestTopic {
  name: string;
  partitions: OffsetCommitRequestPartition[];
}
export interface OffsetCommitRequestPartition {
  partitionIndex: number;
  committedOffset: number;
  /** v1 only, default -1 */
  commitTimestamp: number;
  committedMetadata: string | null;
}

export interface OffsetCommitResponse {
  /** v3+ */
  throttleTimeMs: number;
  topics: OffsetCommitResponseTopic[];
}
export interface OffsetCommitResponseTopic {
  name: string;
  partitions: OffsetCommitResponsePartition[];
}
export interface OffsetCommitResponsePartition {
  partitionIndex: number;
  errorCode: number;
}

export const { decodeRequest, encodeRequest, decodeResponse, encodeResponse } = defineApi<OffsetCommitRequest, OffsetCommitResponse>({
  name: apiName,
  minVersion,
  maxVersion,
  flexibleVersions: FLEXIBLE,
  request: [
    field('groupId', 'string', '0+'),
    field('generationIdOrMemberEpoch', 'int32', '1+', { default: -1 }),
    field('memberId', 'string', '1+'),
    field('retentionTimeMs', 'int64', '2-4', { default: -1 }),
    array('topics', '0+', [
      field('name', 'string', '0+'),
      array('partitions', '0+', [
        field('partitionIndex', 'int32', '0+'),
        field('committedOffset', 'int64', '0+'),
        field('commitTimestamp', 'int64', '1', { default: -1 }),
        field('committedMetadata', 'string', '0+', { nullable: '0+' }),
      ]),
    ]),
  ],
  response: [
    field('throttleTimeMs', 'int32', '3+'),
    array('topics', '0+', [
      field('name', 'string', '0+'),
      array('partitions', '0+', [field('partitionIndex', 'int32', '0+'), field('errorCode', 'int16', '0+')]),
    ]),
  ],
});
