/**
 * Kafka wire protocol: the registry of served APIs and request/response framing.
 *
 * Broker side:   decodeRequestFrame(frame) → { apiKey, header, body }   (frame = bytes after the INT32 size)
 *                encodeResponseFrame(apiKey, version, correlationId, body) → Buffer (with the size prefix)
 * Client side (tests, benchmarks):
 *                encodeRequestFrame(...) → Buffer (with the size prefix)
 *                decodeResponseFrame(apiKey, version, frame) → { correlationId, body }
 *
 * Errors: ProtocolError for malformed bytes; UnknownApiKeyError / UnsupportedVersionError (both
 * ProtocolError subclasses) carry the request header. A real broker closes the connection on all
 * of them, except an UnsupportedVersionError with `isApiVersions`, which is answered with
 * encodeApiVersionsUnsupportedFrame(correlationId).
 */
import * as Produce from './00-produce.ts';
import * as Fetch from './01-fetch.ts';
import * as ListOffsets from './02-list-offsets.ts';
import * as Metadata from './03-metadata.ts';
import * as OffsetCommit from './08-offset-commit.ts';
import * as OffsetFetch from './09-offset-fetch.ts';
import * as FindCoordinator from './10-find-coordinator.ts';
import * as JoinGroup from './11-join-group.ts';
import * as Heartbeat from './12-heartbeat.ts';
import * as LeaveGroup from './13-leave-group.ts';
import * as SyncGroup from './14-sync-group.ts';
import * as DescribeGroups from './15-describe-groups.ts';
import * as ListGroups from './16-list-groups.ts';
import * as ApiVersions from './18-api-versions.ts';
import * as CreateTopics from './19-create-topics.ts';
import * as DeleteTopics from './20-delete-topics.ts';
import * as DeleteRecords from './21-delete-records.ts';
import * as InitProducerId from './22-init-producer-id.ts';
import * as DescribeConfigs from './32-describe-configs.ts';
import * as AlterConfigs from './33-alter-configs.ts';
import * as CreatePartitions from './37-create-partitions.ts';
import * as DeleteGroups from './42-delete-groups.ts';
import type { ApiModule } from './api.ts';
import { ErrorCode, ProtocolError, UnknownApiKeyError, UnsupportedVersionError } from './errors.ts';
import {
  decodeRequestHeaderFixed,
  decodeResponseHeader,
  encodeRequestHeader,
  encodeResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  type RequestHeader,
} from './header.ts';
import { Reader } from './reader.ts';
import { Writer } from './writer.ts';

export * from './errors.ts';
export { Reader } from './reader.ts';
export { Writer } from './writer.ts';
export { crc32c } from './crc32c.ts';
export * from './record-batch/index.ts';
export type { RequestHeader } from './header.ts';
export type { ApiModule } from './api.ts';

export type { ProduceRequest, TopicProduceData, PartitionProduceData, ProduceResponse, TopicProduceResponse, PartitionProduceResponse } from './00-produce.ts';
export type {
  FetchRequest,
  FetchTopic,
  FetchPartition,
  ForgottenTopic,
  FetchResponse,
  FetchableTopicResponse,
  FetchPartitionData,
  AbortedTransaction,
} from './01-fetch.ts';
export type {
  ListOffsetsRequest,
  ListOffsetsTopic,
  ListOffsetsPartition,
  ListOffsetsResponse,
  ListOffsetsTopicResponse,
  ListOffsetsPartitionResponse,
} from './02-list-offsets.ts';
export type {
  MetadataRequest,
  MetadataRequestTopic,
  MetadataResponse,
  MetadataResponseBroker,
  MetadataResponseTopic,
  MetadataResponsePartition,
} from './03-metadata.ts';
export type {
  OffsetCommitRequest,
  OffsetCommitRequestTopic,
  OffsetCommitRequestPartition,
  OffsetCommitResponse,
  OffsetCommitResponseTopic,
  OffsetCommitResponsePartition,
} from './08-offset-commit.ts';
export type {
  OffsetFetchRequest,
  OffsetFetchRequestTopic,
  OffsetFetchResponse,
  OffsetFetchResponseTopic,
  OffsetFetchResponsePartition,
} from './09-offset-fetch.ts';
export type { FindCoordinatorRequest, FindCoordinatorResponse } from './10-find-coordinator.ts';
export type { JoinGroupRequest, JoinGroupRequestProtocol, JoinGroupResponse, JoinGroupResponseMember } from './11-join-group.ts';
export type { HeartbeatRequest, HeartbeatResponse } from './12-heartbeat.ts';
export type { LeaveGroupRequest, MemberIdentity, LeaveGroupResponse, MemberResponse } from './13-leave-group.ts';
export type { SyncGroupRequest, SyncGroupRequestAssignment, SyncGroupResponse } from './14-sync-group.ts';
export type { DescribeGroupsRequest, DescribeGroupsResponse, DescribedGroup, DescribedGroupMember } from './15-describe-groups.ts';
export type { ListGroupsRequest, ListGroupsResponse, ListedGroup } from './16-list-groups.ts';
export type { ApiVersionsRequest, ApiVersionsResponse, ApiVersion } from './18-api-versions.ts';
export type {
  CreateTopicsRequest,
  CreatableTopic,
  CreatableReplicaAssignment,
  CreatableTopicConfig,
  CreateTopicsResponse,
  CreatableTopicResult,
} from './19-create-topics.ts';
export type { DeleteTopicsRequest, DeleteTopicsResponse, DeletableTopicResult } from './20-delete-topics.ts';
export type {
  DeleteRecordsRequest,
  DeleteRecordsTopic,
  DeleteRecordsPartition,
  DeleteRecordsResponse,
  DeleteRecordsTopicResult,
  DeleteRecordsPartitionResult,
} from './21-delete-records.ts';
export type { InitProducerIdRequest, InitProducerIdResponse } from './22-init-producer-id.ts';
export type {
  DescribeConfigsRequest,
  DescribeConfigsResource,
  DescribeConfigsResponse,
  DescribeConfigsResult,
  DescribeConfigsResourceResult,
  DescribeConfigsSynonym,
} from './32-describe-configs.ts';
export type { AlterConfigsRequest, AlterConfigsResource, AlterableConfig, AlterConfigsResponse, AlterConfigsResourceResponse } from './33-alter-configs.ts';
export type {
  CreatePartitionsRequest,
  CreatePartitionsTopic,
  CreatePartitionsAssignment,
  CreatePartitionsResponse,
  CreatePartitionsTopicResult,
} from './37-create-partitions.ts';
export type { DeleteGroupsRequest, DeleteGroupsResponse, DeletableGroupResult } from './42-delete-groups.ts';

export {
  Produce,
  Fetch,
  ListOffsets,
  Metadata,
  OffsetCommit,
  OffsetFetch,
  FindCoordinator,
  JoinGroup,
  Heartbeat,
  LeaveGroup,
  SyncGroup,
  DescribeGroups,
  ListGroups,
  ApiVersions,
  CreateTopics,
  DeleteTopics,
  DeleteRecords,
  InitProducerId,
  DescribeConfigs,
  AlterConfigs,
  CreatePartitions,
  DeleteGroups,
};

/** Api keys by name (the keys we serve). */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  InitProducerId: 22,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  CreatePartitions: 37,
  DeleteGroups: 42,
} as const;

/** Dispatch table: api key → its codec module. */
export const API_MODULES = {
  0: Produce,
  1: Fetch,
  2: ListOffsets,
  3: Metadata,
  8: OffsetCommit,
  9: OffsetFetch,
  10: FindCoordinator,
  11: JoinGroup,
  12: Heartbeat,
  13: LeaveGroup,
  14: SyncGroup,
  15: DescribeGroups,
  16: ListGroups,
  18: ApiVersions,
  19: CreateTopics,
  20: DeleteTopics,
  21: DeleteRecords,
  22: InitProducerId,
  32: DescribeConfigs,
  33: AlterConfigs,
  37: CreatePartitions,
  42: DeleteGroups,
  // biome-ignore lint/suspicious/noExplicitAny: variance: each module has its own body types
} as const satisfies Record<number, ApiModule<any, any>>;

export type ApiKeyNumber = keyof typeof API_MODULES;
/** Request body type of an api key, e.g. RequestOf<0> = ProduceRequest. */
export type RequestOf<K extends ApiKeyNumber> = ReturnType<(typeof API_MODULES)[K]['decodeRequest']>;
/** Response body type of an api key, e.g. ResponseOf<0> = ProduceResponse. */
export type ResponseOf<K extends ApiKeyNumber> = ReturnType<(typeof API_MODULES)[K]['decodeResponse']>;

/** The codec module of an api key, or undefined if we do not serve it. */
export function getApi(apiKey: number): ApiModule<unknown, unknown> | undefined {
  return Object.prototype.hasOwnProperty.call(API_MODULES, apiKey)
    ? (API_MODULES[apiKey as ApiKeyNumber] as unknown as ApiModule<unknown, unknown>)
    : undefined;
}

/** key → served version range; identical on every broker. The ApiVersions answer is built from it. */
export const SUPPORTED_APIS: Readonly<Record<number, { readonly minVersion: number; readonly maxVersion: number }>> = Object.freeze(
  Object.fromEntries(Object.values(API_MODULES).map((m) => [m.apiKey, Object.freeze({ minVersion: m.minVersion, maxVersion: m.maxVersion })])),
);

/** True when (key, version) uses the flexible encoding (per the AK spec's flexibleVersions). */
export function isFlexible(apiKey: number, version: number): boolean {
  const m = getApi(apiKey);
  return m !== undefined && version >= m.firstFlexibleVersion;
}

/** A decoded request; narrow on `apiKey` to get the body type. */
export type DecodedRequest = {
  [K in ApiKeyNumber]: { apiKey: K; header: RequestHeader & { apiKey: K }; body: RequestOf<K> };
}[ApiKeyNumber];

/**
 * Decodes one request frame (the bytes after the INT32 size prefix): header (v1, or v2 for flexible
 * versions) and body. Bytes after the body are ignored, as Kafka does.
 * @throws UnknownApiKeyError, UnsupportedVersionError, ProtocolError (truncated/malformed)
 */
export function decodeRequestFrame(frame: Buffer): DecodedRequest {
  const r = new Reader(frame);
  const header = decodeRequestHeaderFixed(r);
  const m = getApi(header.apiKey);
  if (!m) throw new UnknownApiKeyError(header);
  if (header.apiVersion < m.minVersion || header.apiVersion > m.maxVersion) {
    throw new UnsupportedVersionError(header, m.minVersion, m.maxVersion);
  }
  if (header.apiVersion >= m.firstFlexibleVersion) r.skipTaggedFields(); // header v2
  const body = m.decodeRequest(r, header.apiVersion);
  return { apiKey: header.apiKey, header, body } as DecodedRequest;
}

/** Encodes a response: INT32 size + response header (v0, or v1 when flexible except ApiVersions) + body. */
export function encodeResponseFrame<K extends ApiKeyNumber>(apiKey: K, version: number, correlationId: number, body: ResponseOf<K>): Buffer;
export function encodeResponseFrame(apiKey: number, version: number, correlationId: number, body: unknown): Buffer;
export function encodeResponseFrame(apiKey: number, version: number, correlationId: number, body: unknown): Buffer {
  const m = getApi(apiKey);
  if (!m) throw new ProtocolError(`cannot encode a response for unknown api key ${apiKey}`);
  const w = new Writer(512);
  w.writeInt32(0); // size, patched below
  encodeResponseHeader(w, correlationId, responseHeaderVersion(apiKey, version >= m.firstFlexibleVersion));
  m.encodeResponse(w, version, body);
  w.patchInt32(0, w.length - 4);
  return w.toBuffer();
}

/** The body Kafka answers an ApiVersions request at an unsupported version with (v0 layout). */
export function apiVersionsUnsupportedResponse(): ApiVersions.ApiVersionsResponse {
  return {
    errorCode: ErrorCode.UNSUPPORTED_VERSION,
    apiKeys: [{ apiKey: ApiVersions.apiKey, minVersion: ApiVersions.minVersion, maxVersion: ApiVersions.maxVersion }],
    throttleTimeMs: 0,
  };
}

/** Whole frame (size + header v0 + v0 body) answering an ApiVersions request at an unsupported version. */
export function encodeApiVersionsUnsupportedFrame(correlationId: number): Buffer {
  return encodeResponseFrame(ApiVersions.apiKey, 0, correlationId, apiVersionsUnsupportedResponse());
}

// ------------------------------------------------------------------ client side

/** Encodes a request: INT32 size + request header (v1, or v2 when flexible) + body. */
export function encodeRequestFrame<K extends ApiKeyNumber>(
  apiKey: K,
  version: number,
  correlationId: number,
  clientId: string | null,
  body: RequestOf<K>,
): Buffer;
export function encodeRequestFrame(apiKey: number, version: number, correlationId: number, clientId: string | null, body: unknown): Buffer;
export function encodeRequestFrame(apiKey: number, version: number, correlationId: number, clientId: string | null, body: unknown): Buffer {
  const m = getApi(apiKey);
  if (!m) throw new ProtocolError(`cannot encode a request for unknown api key ${apiKey}`);
  const w = new Writer(256);
  w.writeInt32(0);
  encodeRequestHeader(w, { apiKey, apiVersion: version, correlationId, clientId }, requestHeaderVersion(version >= m.firstFlexibleVersion));
  m.encodeRequest(w, version, body);
  w.patchInt32(0, w.length - 4);
  return w.toBuffer();
}

/** Decodes a response frame (the bytes after the INT32 size prefix) for a request we sent. */
export function decodeResponseFrame<K extends ApiKeyNumber>(apiKey: K, version: number, frame: Buffer): { correlationId: number; body: ResponseOf<K> };
export function decodeResponseFrame(apiKey: number, version: number, frame: Buffer): { correlationId: number; body: unknown };
export function decodeResponseFrame(apiKey: number, version: number, frame: Buffer): { correlationId: number; body: unknown } {
  const m = getApi(apiKey);
  if (!m) throw new ProtocolError(`cannot decode a response for unknown api key ${apiKey}`);
  const r = new Reader(frame);
  const { correlationId } = decodeResponseHeader(r, responseHeaderVersion(apiKey, version >= m.firstFlexibleVersion));
  return { correlationId, body: m.decodeResponse(r, version) };
}
