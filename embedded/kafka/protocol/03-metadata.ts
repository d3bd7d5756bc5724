/**
 * Metadata (key 3), served v0–6. AK MetadataRequest/Response.json.
 * Request `topics`: null = all topics (v1+); [] = no topics at v1+, but ALL topics at v0.
 * Deltas: v1 rack/controllerId/isInternal; v2 clusterId; v3 throttleTimeMs; v4
 * allowAutoTopicCreation; v5 offlineReplicas.
 */
import { defineApi, firstFlexible } from './api.ts';
import { array, field } from './schema.ts';

export const apiKey = 3;
export const apiName = 'Metadata';
export const minVersion = 0;
export const maxVersion = 6;
const FLEXIBLE = '9+';
export const firstFlexibleVersion = firstFlexible(FLEXIBLE);

export interface MetadataRequest {
  /** nullable from v1 (null = all topics) */
  topics: MetadataRequestTopic[] | null;
  /** v4+, default true */
  allowAutoTopicCreation: boolean;
}
export interface MetadataRequestTopic {
  name: string;
}

export interface MetadataResponse {
  /** v3+ */
  throttleTimeMs: number;
  brokers: MetadataResponseBroker[];
  /** v2+, default null */
  clusterId: string | null;
  /** v1+, default -1 */
  controllerId: number;
  topics: MetadataResponseTopic[];
}
export interface MetadataResponseBroker {
  nodeId: number;
  host: string;
  port: number;
  /** v1+, default null */
  rack: string | null;
}
export interface MetadataResponseTopic {
  errorCode: number;
  name: string;
  /** v1+, default false */
  isInternal: boolean;
  partitions: MetadataResponsePartition[];
}
export interface MetadataResponsePartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  replicaNodes: number[];
  isrNodes: number[];
  /** v5+ */
  offlineReplicas: number[];
}

export const { decodeRequest, encodeRequest, decodeResponse, encodeResponse } = defineApi<MetadataRequest, MetadataResponse>({
  name: apiName,
  minVersion,
  maxVersion,
  flexibleVersions: FLEXIBLE,
  request: [array('topics', '0+', [field('name', 'string', '0+')], { nullable: '1+' }), field('allowAutoTopicCreation', 'bool', '4+', { default: true })],
  response: [
    field('throttleTimeMs', 'int32', '3+'),
    array('brokers', '0+', [
      field('nodeId', 'int32', '0+'),
      field('host', 'string', '0+'),
      field('port', 'int32', '0+'),
      field('rack', 'string', '1+', { nullable: '1+', default: null }),
    ]),
    field('clusterId', 'string', '2+', { nullable: '2+', default: null }),
    field('controllerId', 'int32', '1+', { default: -1 }),
    array('topics', '0+', [
      field('errorCode', 'int16', '0+'),
      field('name', 'string', '0+'),
      field('isInternal', 'bool', '1+'),
      array('partitions', '0+', [
        field('errorCode', 'int16', '0+'),
        field('partitionIndex', 'int32', '0+'),
        field('leaderId', 'int32', '0+'),
        array('replicaNodes', '0+', 'int32'),
        array('isrNodes', '0+', 'int32'),
        array('offlineReplicas', '5+', 'int32'),
      ]),
    ]),
  ],
});
