/**
 * Fetch (key 1), served v0–11 (records are always magic-2 batches). AK FetchRequest/Response.json.
 * Deltas: v5 logStartOffset; v7 sessions + forgottenTopicsData + top-level errorCode/sessionId;
 * v9 currentLeaderEpoch; v11 rackId and preferredReadReplica.
 * `abortedTransactions[].producerId` is an exact bigint. `topicId` (v13+) is described only so that
 * decoded objects carry it (zero uuid); it is never on the wire at the served versions.
 */
import { defineApi, firstFlexible } from './api.ts';
import { array, field } from './schema.ts';

export const apiKey = 1;
export const apiName = 'Fetch';
export const minVersion = 0;
export const maxVersion = 11;
const FLEXIBLE = '12+';
export const firstFlexibleVersion = firstFlexible(FLEXIBLE);

export interface FetchRequest {
  /** -1 for consumers */
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  /** v3+, default 0x7fffffff */
  maxBytes: number;
  /** v4+: 0 read_uncommitted, 1 read_committed */
  isolationLevel: number;
  /** v7+, default 0 */
  sessionId: number;
  /** v7+, default -1 */
  sessionEpoch: number;
  topics: FetchTopic[];
  /** v7+ */
  forgottenTopicsData: ForgottenTopic[];
  /** v11+, default '' */
  rackId: string;
}
export interface FetchTopic {
  topic: string;
  /** v13+ only (not served): always the zero uuid when decoded; optional when encoding */
  topicId?: string;
  partitions: FetchPartition[];
}
export interface FetchPartition {
  partition: number;
  /** v9+, default -1 */
  currentLeaderEpoch: number;
  fetchOffset: number;
  /** v5+, default -1 */
  logStartOffset: number;
  partitionMaxBytes: number;
}
export interface ForgottenTopic {
  topic: string;
  /** v13+ only (not served): always the zero uuid when decoded */
  topicId?: string;
  partitions: number[];
}

export interface FetchResponse {
  /** v1+ */
  throttleTimeMs: number;
  /** v7+ */
  errorCode: number;
  /** v7+, default 0 */
  sessionId: number;
  responses: FetchableTopicResponse[];
}
export interface FetchableTopicResponse {
  topic: string;
  /** v13+ only (not served): ignored when encoding v4–11 */
  topicId?: string;
  partitions: FetchPartitionData[];
}
/** AK name: PartitionData */
export interface FetchPartitionData {
  partitionIndex: number;
  errorCode: number;
  highWatermark: number;
  /** v4+, default -1 */
  lastStableOffset: number;
  /** v5+, default -1 */
  logStartOffset: number;
  /** v4+, nullable */
  abortedTransactions: AbortedTransaction[] | null;
  /** v11+, default -1 */
  preferredReadReplica: number;
  records: Buffer | null;
}
export interface AbortedTransaction {
  producerId: bigint;
  firstOffset: number;
}

export const { decodeRequest, encodeRequest, decodeResponse, encodeResponse } = defineApi<FetchRequest, FetchResponse>({
  name: apiName,
  minVersion,
  maxVersion,
  flexibleVersions: FLEXIBLE,
  request: [
    field('replicaId', 'int32', '0-14', { default: -1 }),
    field('maxWaitMs', 'int32', '0+'),
    field('minBytes', 'int32', '0+'),
    field('maxBytes', 'int32', '3+', { default: 0x7fffffff }),
    field('isolationLevel', 'int8', '4+'),
    field('sessionId', 'int32', '7+'),
    field('sessionEpoch', 'int32', '7+', { default: -1 }),
    array('topics', '0+', [
      field('topic', 'string', '0-12'),
      field('topicId', 'uuid', '13+'),
      array('partitions', '0+', [
        field('partition', 'int32', '0+'),
        field('currentLeaderEpoch', 'int32', '9+', { default: -1 }),
        field('fetchOffset', 'int64', '0+'),
        field('logStartOffset', 'int64', '5+', { default: -1 }),
        field('partitionMaxBytes', 'int32', '0+'),
      ]),
    ]),
    array('forgottenTopicsData', '7+', [field('topic', 'string', '7-12'), field('topicId', 'uuid', '13+'), array('partitions', '7+', 'int32')]),
    field('rackId', 'string', '11+'),
  ],
  response: [
    field('throttleTimeMs', 'int32', '1+'),
    field('errorCode', 'int16', '7+'),
    field('sessionId', 'int32', '7+'),
    array('responses', '0+', [
      field('topic', 'string', '0-12'),
      field('topicId', 'uuid', '13+'),
      array('partitions', '0+', [
        field('partitionIndex', 'int32', '0+'),
        field('errorCode', 'int16', '0+'),
        field('highWatermark', 'int64', '0+'),
        field('lastStableOffset', 'int64', '4+', { default: -1 }),
        field('logStartOffset', 'int64', '5+', { default: -1 }),
        array('abortedTransactions', '4+', [field('producerId', 'int64big', '4+'), field('firstOffset', 'int64', '4+')], {
          nullable: '4+',
        }),
        field('preferredReadReplica', 'int32', '11+', { default: -1 }),
        field('records', 'records', '0+', { nullable: '0+' }),
      ]),
    ]),
  ],
});
