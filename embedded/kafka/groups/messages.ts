/**
 * Request and response bodies of the group APIs, as plain objects. Field names are apache/kafka's
 * JSON message spec names with the first letter lowercased, so the broker's handlers can pass a
 * decoded request straight in and encode what comes back. Fields a version lacks are optional on
 * requests; responses always carry every field and the encoder writes the ones its version has.
 *
 * INT64 values (offsets) are accepted as number or bigint and returned as number.
 */

export type Int64 = number | bigint;

// ---- JoinGroup (key 11) ----

export interface JoinGroupRequestProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupRequestBody {
  groupId: string;
  sessionTimeoutMs: number;
  /** v1+. Missing or negative (v0) means "same as sessionTimeoutMs", as Kafka does for v0. */
  rebalanceTimeoutMs?: number;
  /** '' for a member joining for the first time. */
  memberId: string;
  /** v5+. Recorded and reported, but members are treated as dynamic (no static membership). */
  groupInstanceId?: string | null;
  protocolType: string;
  protocols: JoinGroupRequestProtocol[];
  /** v8+; ignored. */
  reason?: string | null;
}

/** What the connection knows about the joining client; not part of the request body. */
export interface JoinGroupContext {
  /** The request header's client id; the new member id is `${clientId}-${uuid}`. */
  clientId: string | null;
  /** The client's address as describeGroups should show it (Kafka shows "/127.0.0.1"). */
  clientHost: string;
  /** True for JoinGroup v4+: a member with an empty id first gets 79 MEMBER_ID_REQUIRED with its id. */
  requireKnownMemberId?: boolean;
}

export interface JoinGroupResponseMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinGroupResponseBody {
  throttleTimeMs: number;
  errorCode: number;
  /** -1 on errors. */
  generationId: number;
  /** v7+ (nullable there); null on errors. */
  protocolType: string | null;
  /** The chosen protocol; '' on errors (what Kafka writes below v7, where the field is not nullable). */
  protocolName: string;
  /** The leader's member id; '' on errors. */
  leader: string;
  /** v9+; always false (no static membership). */
  skipAssignment: boolean;
  memberId: string;
  /** Every member's metadata for the chosen protocol, for the leader only; [] for followers. */
  members: JoinGroupResponseMember[];
}

// ---- SyncGroup (key 14) ----

export interface SyncGroupRequestAssignment {
  memberId: string;
  assignment: Buffer;
}

export interface SyncGroupRequestBody {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId?: string | null;
  /** v5+; checked against the group's when given. */
  protocolType?: string | null;
  /** v5+; checked against the group's when given. */
  protocolName?: string | null;
  /** Only the leader fills this in. */
  assignments: SyncGroupRequestAssignment[];
}

export interface SyncGroupResponseBody {
  throttleTimeMs: number;
  errorCode: number;
  /** v5+; null on errors. */
  protocolType: string | null;
  /** v5+; null on errors. */
  protocolName: string | null;
  /** The member's own assignment; empty on errors or when the leader gave it none. */
  assignment: Buffer;
}

// ---- Heartbeat (key 12) ----

export interface HeartbeatRequestBody {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId?: string | null;
}

export interface HeartbeatResponseBody {
  throttleTimeMs: number;
  errorCode: number;
}

// ---- LeaveGroup (key 13) ----

export interface LeaveGroupRequestMember {
  memberId: string;
  groupInstanceId?: string | null;
  reason?: string | null;
}

export interface LeaveGroupRequestBody {
  groupId: string;
  /** v0–2: the one member leaving. Ignored when `members` is given. */
  memberId?: string;
  /** v3+: the members leaving, each answered with its own error code. */
  members?: LeaveGroupRequestMember[];
}

export interface LeaveGroupResponseMember {
  memberId: string;
  groupInstanceId: string | null;
  errorCode: number;
}

export interface LeaveGroupResponseBody {
  throttleTimeMs: number;
  /**
   * With `members` in the request (v3+): group-level errors only. Without (v0–2): the group-level
   * error, else the member's error, as Kafka's LeaveGroupResponse folds it.
   */
  errorCode: number;
  members: LeaveGroupResponseMember[];
}

// ---- OffsetCommit (key 8) ----

export interface OffsetCommitRequestPartition {
  partitionIndex: number;
  committedOffset: Int64;
  /** v6+; -1 when missing. */
  committedLeaderEpoch?: number;
  /** v1 only; ignored (the coordinator stamps its own time). */
  commitTimestamp?: Int64;
  committedMetadata?: string | null;
}

export interface OffsetCommitRequestTopic {
  name: string;
  partitions: OffsetCommitRequestPartition[];
}

export interface OffsetCommitRequestBody {
  groupId: string;
  /** -1 (or missing, as in v0) together with an empty memberId is a simple, group-less commit. */
  generationId?: number;
  /** The same field under its newer apache/kafka name; used when generationId is missing. */
  generationIdOrMemberEpoch?: number;
  memberId?: string;
  groupInstanceId?: string | null;
  /** v2–4; ignored (offsets do not expire here). */
  retentionTimeMs?: Int64;
  topics: OffsetCommitRequestTopic[];
}

export interface OffsetCommitResponsePartition {
  partitionIndex: number;
  errorCode: number;
}

export interface OffsetCommitResponseTopic {
  name: string;
  partitions: OffsetCommitResponsePartition[];
}

export interface OffsetCommitResponseBody {
  throttleTimeMs: number;
  topics: OffsetCommitResponseTopic[];
}

// ---- OffsetFetch (key 9), v0–7 shape ----

export interface OffsetFetchRequestTopic {
  name: string;
  partitionIndexes: number[];
}

export interface OffsetFetchRequestBody {
  groupId: string;
  /** null (v2+) = every committed partition of the group. */
  topics: OffsetFetchRequestTopic[] | null;
  /** v7+; accepted and ignored (there are no transactional offsets). */
  requireStable?: boolean;
}

export interface OffsetFetchOptions {
  /** Metadata of a partition with no commit: null instead of ''. Default false (''). */
  nullMetadataWhenMissing?: boolean;
}

export interface OffsetFetchResponsePartition {
  partitionIndex: number;
  /** -1 when nothing is committed. */
  committedOffset: number;
  /** v5+; -1 when unknown. */
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchResponseTopic {
  name: string;
  partitions: OffsetFetchResponsePartition[];
}

export interface OffsetFetchResponseBody {
  throttleTimeMs: number;
  /** v2+. For group-level errors the requested partitions carry the error too (what v0–1 need). */
  errorCode: number;
  topics: OffsetFetchResponseTopic[];
}

// ---- DescribeGroups (key 15) ----

export interface DescribedGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** The member's metadata for the chosen protocol; empty unless the group is Stable. */
  memberMetadata: Buffer;
  /** Empty unless the group is Stable. */
  memberAssignment: Buffer;
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  /** "Empty" | "PreparingRebalance" | "CompletingRebalance" | "Stable" | "Dead" ('' with an error). */
  groupState: string;
  protocolType: string;
  /** The chosen protocol while Stable, else ''. */
  protocolData: string;
  members: DescribedGroupMember[];
  /** v3+; INT32_MIN = not requested. */
  authorizedOperations: number;
}

export interface DescribeGroupsResponseBody {
  throttleTimeMs: number;
  groups: DescribedGroup[];
}

// ---- ListGroups (key 16) ----

export interface ListGroupsRequestBody {
  /** v4+; empty or missing = every state. */
  statesFilter?: string[];
}

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  /** v4+. */
  groupState: string;
}

export interface ListGroupsResponseBody {
  throttleTimeMs: number;
  errorCode: number;
  groups: ListedGroup[];
}

// ---- DeleteGroups (key 42) ----

export interface DeleteGroupsResult {
  groupId: string;
  errorCode: number;
}

export interface DeleteGroupsResponseBody {
  throttleTimeMs: number;
  results: DeleteGroupsResult[];
}
