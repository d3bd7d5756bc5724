/**
 * CreatePartitions (key 37), served v0–1 (identical layouts). AK CreatePartitionsRequest/Response.json.
 * `count` is the new total partition count; `assignments` null = broker decides.
 */
import { defineApi, firstFlexible } from './api.ts';
import { array, field } from './schema.ts';

export const apiKey = 37;
export const apiName = 'CreatePartitions';
export const minVersion = 0;
export const maxVersion = 1;
const FLEXIBLE = '2+';
export const firstFlexibleVersion = firstFlexible(FLEXIBLE);

export interface CreatePartitionsRequest {
  topics: CreatePartitionsTopic[];
  timeoutMs: number;
  validateOnly: boolean;
}
export interface CreatePartitionsTopic {
  name: string;
  count: number;
  assignments: CreatePartitionsAssignment[] | null;
}
export interface CreatePartitionsAssignment {
  brokerIds: number[];
}

export interface CreatePartitionsResponse {
  throttleTimeMs: number;
  results: CreatePartitionsTopicResult[];
}
export interface CreatePartitionsTopicResult {
  name: string;
  errorCode: number;
  /** default null */
  errorMessage: string | null;
}

export const { decodeRequest, encodeRequest, decodeResponse, encodeResponse } = defineApi<CreatePartitionsRequest, CreatePartitionsResponse>({
  name: apiName,
  minVersion,
  maxVersion,
  flexibleVersions: FLEXIBLE,
  request: [
    array('topics', '0+', [
      field('name', 'string', '0+'),
      field('count', 'int32', '0+'),
      array('assignments', '0+', [array('brokerIds', '0+', 'int32')], { nullable: '0+' }),
    ]),
    field('timeoutMs', 'int32', '0+'),
    field('validateOnly', 'bool', '0+'),
  ],
  response: [
    field('throttleTimeMs', 'int32', '0+'),
    array('results', '0+', [
      field('name', 'string', '0+'),
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
    ]),
  ],
});
