/**
 * The group APIs as the coordinator takes and answers them. The request and response types are the
 * protocol's (`protocol/NN-*.ts`, one definition each, also used by the decoders, the handlers in `api/`
 * and the encoders); this module adds only what those lack:
 *
 * - the fields of newer versions than the broker serves that the coordinator already honours (SyncGroup v5
 *   protocol checks, JoinGroup v7 protocolType, DescribeGroups v3 authorized operations, ListGroups v4
 *   states, OffsetFetch v5 leader epochs); the encoders skip them at the served versions;
 * - `Lenient<T>`: the coordinator reads every request field itself (`request-readers.ts`) and answers
 *   INVALID_REQUEST for a missing or mistyped one, so direct callers (the tests) may leave fields out.
 */
import type {
  DeletableGroupResult,
  DeleteGroupsResponse,
  DescribedGroup as ServedDescribedGroup,
  DescribedGroupMember as ServedDescribedGroupMember,
  DescribeGroupsResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  ListedGroup as ServedListedGroup,
  ListGroupsResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  OffsetFetchResponsePartition as ServedOffsetFetchResponsePartition,
  SyncGroupRequest,
  SyncGroupResponse,
} from '../protocol/index.ts';

/** Every field optional, down through arrays and nested objects (Buffers stay whole). */
export type Lenient<T> = T extends Buffer ? T : T extends readonly (infer Item)[] ? Lenient<Item>[] : T extends object ? { [K in keyof T]?: Lenient<T[K]> } : T;

/** What the connection knows about the joining client; not part of the request body. */
export interface JoinGroupContext {
  /** The request header's client id; the new member id is `${clientId}-${uuid}`. */
  clientId: string | null;
  /** The client's address as describeGroups should show it (Kafka shows "/127.0.0.1"). */
  clientHost: string;
  /** True for JoinGroup v4+: a member with an empty id first gets 79 MEMBER_ID_REQUIRED with its id. */
  requireKnownMemberId?: boolean;
}

export type JoinGroupInput = Lenient<JoinGroupRequest>;
export type JoinGroupAnswer = JoinGroupResponse & {
  /** v7+; null on errors. */
  protocolType: string | null;
  /** v9+; always false (no static membership). */
  skipAssignment: boolean;
};

/** SyncGroup v5+: in a request, checked against the group's when not null; in a response, null on errors. */
export interface SyncGroupProtocol {
  protocolType: string | null;
  protocolName: string | null;
}
export type SyncGroupInput = Lenient<SyncGroupRequest> & Partial<SyncGroupProtocol>;
export type SyncGroupAnswer = SyncGroupResponse & SyncGroupProtocol;

export type HeartbeatInput = Lenient<HeartbeatRequest>;
export type HeartbeatAnswer = HeartbeatResponse;

/** v0–2 name one member (`memberId`), v3+ list them (`members`, each answered with its own error code). */
export type LeaveGroupInput = Lenient<LeaveGroupRequest>;
export type LeaveGroupAnswer = LeaveGroupResponse;

export type OffsetCommitInput = Lenient<OffsetCommitRequest>;
export type OffsetCommitAnswer = OffsetCommitResponse;

export type OffsetFetchInput = Lenient<OffsetFetchRequest>;
export type OffsetFetchResponsePartition = ServedOffsetFetchResponsePartition & {
  /** v5+; -1 when unknown. */
  committedLeaderEpoch: number;
};
export type OffsetFetchAnswer = Omit<OffsetFetchResponse, 'topics'> & {
  topics: Array<{ name: string; partitions: OffsetFetchResponsePartition[] }>;
};

export interface OffsetFetchOptions {
  /** Metadata of a partition with no commit: null instead of ''. Default false (''). */
  nullMetadataWhenMissing?: boolean;
}

export type DescribedGroupMember = ServedDescribedGroupMember & {
  /** v4+. */
  groupInstanceId: string | null;
};
export type DescribedGroup = Omit<ServedDescribedGroup, 'members'> & {
  members: DescribedGroupMember[];
  /** v3+; INT32_MIN = not requested. */
  authorizedOperations: number;
};
export type DescribeGroupsAnswer = Omit<DescribeGroupsResponse, 'groups'> & { groups: DescribedGroup[] };

export interface ListGroupsOptions {
  /** v4+; empty or missing = every state (compared case-insensitively). */
  statesFilter?: string[];
}
export type ListedGroup = ServedListedGroup & {
  /** v4+. */
  groupState: string;
};
export type ListGroupsAnswer = Omit<ListGroupsResponse, 'groups'> & { groups: ListedGroup[] };

export type DeleteGroupsResult = DeletableGroupResult;
export type DeleteGroupsAnswer = DeleteGroupsResponse;
