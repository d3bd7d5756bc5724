/**
 * CreateTopics (key 19), served v0–4. AK CreateTopicsRequest/Response.json.
 * numPartitions / replicationFactor may be -1 ("broker default") at any version (kafkajs sends -1).
 * Note the AK spec spells the top-level fields `timeoutMs` and `validateOnly` in lower camel case.
 * Deltas: v1 validateOnly + errorMessage; v2 throttleTimeMs; v3/v4 identical layout.
 */
import { defineApi, firstFlexible } from './api.ts';
import { array, field } from './schema.ts';

export const apiKey = 19;
export const apiName = 'CreateTopics';
export const minVersion = 0;
export const maxVersion = 4;
const FLEXIBLE = '5+';
export const firstFlexibleVersion = firstFlexible(FLEXIBLE);

export interface CreateTopicsRequest {
  topics: CreatableTopic[];
  /** default 60000 */
  timeoutMs: number;
  /** v1+, default false */
  validateOnly: boolean;
}
export interface CreatableTopic {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: CreatableReplicaAssignment[];
  configs: CreatableTopicConfig[];
}
export interface CreatableReplicaAssignment {
  partitionIndex: number;
  brokerIds: number[];
}
export interface CreatableTopicConfig {
  name: string;
  value: string | null;
}

export interface CreateTopicsResponse {
  /** v2+ */
  throttleTimeMs: number;
  topics: CreatableTopicResult[];
}
export interface CreatableTopicResult {
  name: string;
  errorCode: number;
  /** v1+ */
  errorMessage: string | null;
}

export const { decodeRequest, encodeRequest, decodeResponse, encodeResponse } = defineApi<CreateTopicsRequest, CreateTopicsResponse>({
  name: apiName,
  minVersion,
  maxVersion,
  flexibleVersions: FLEXIBLE,
  request: [
    array('topics', '0+', [
      field('name', 'string', '0+'),
      field('numPartitions', 'int32', '0+'),
      field('replicationFactor', 'int16', '0+'),
      array('assignments', '0+', [field('partitionIndex', 'int32', '0+'), array('brokerIds', '0+', 'int32')]),
      array('configs', '0+', [field('name', 'string', '0+'), field('value', 'string', '0+', { nullable: '0+' })]),
    ]),
    field('timeoutMs', 'int32', '0+', { default: 60000 }),
    field('validateOnly', 'bool', '1+'),
  ],
  response: [
    field('throttleTimeMs', 'int32', '2+'),
    array('topics', '0+', [field('name', 'string', '0+'), field('errorCode', 'int16', '0+'), field('errorMessage', 'string', '1+', { nullable: '0+' })]),
  ],
});
