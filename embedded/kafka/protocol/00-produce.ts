/**
 * Produce (key 0), served v0–7 like Kafka 3.x (librdkafka 2.0 enables gzip/snappy/lz4 only when v2 is offered); records must be magic-2 batches. AK ProduceRequest/Response.json.
 * v3–v7 requests are identical; responses add logAppendTimeMs (v2+) and logStartOffset (v5+).
 * Records are views into the request frame (zero-copy).
 */
import { defineApi, firstFlexible } from './api.ts';
import { array, field } from './schema.ts';

export const apiKey = 0;
export const apiName = 'Produce';
export const minVersion = 0;
export const maxVersion = 7;
const FLEXIBLE = '9+';
export const firstFlexibleVersion = firstFlexible(FLEXIBLE);

export interface ProduceRequest {
  /** v3+, null when not transactional */
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topicData: TopicProduceData[];
}
export interface TopicProduceData {
  name: string;
  partitionData: PartitionProduceData[];
}
export interface PartitionProduceData {
  index: number;
  records: Buffer | null;
}

export interface ProduceResponse {
  responses: TopicProduceResponse[];
  /** v1+ */
  throttleTimeMs: number;
}
export interface TopicProduceResponse {
  name: string;
  partitionResponses: PartitionProduceResponse[];
}
export interface PartitionProduceResponse {
  index: number;
  errorCode: number;
  baseOffset: number;
  /** v2+, -1 for CreateTime topics */
  logAppendTimeMs: number;
  /** v5+ */
  logStartOffset: number;
}

export const { decodeRequest, encodeRequest, decodeResponse, encodeResponse } = defineApi<ProduceRequest, ProduceResponse>({
  name: apiName,
  minVersion,
  maxVersion,
  flexibleVersions: FLEXIBLE,
  request: [
    field('transactionalId', 'string', '3+', { nullable: '3+', default: null }),
    field('acks', 'int16', '0+'),
    field('timeoutMs', 'int32', '0+'),
    array('topicData', '0+', [
      field('name', 'string', '0+'),
      array('partitionData', '0+', [field('index', 'int32', '0+'), field('records', 'records', '0+', { nullable: '0+' })]),
    ]),
  ],
  response: [
    array('responses', '0+', [
      field('name', 'string', '0+'),
      array('partitionResponses', '0+', [
        field('index', 'int32', '0+'),
        field('errorCode', 'int16', '0+'),
        field('baseOffset', 'int64', '0+'),
        field('logAppendTimeMs', 'int64', '2+', { default: -1 }),
        field('logStartOffset', 'int64', '5+', { default: -1 }),
      ]),
    ]),
    field('throttleTimeMs', 'int32', '1+'),
  ],
});
