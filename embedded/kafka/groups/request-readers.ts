/**
 * Turns decoded request bodies into the shapes the coordinator works on, or null when a body is
 * malformed (wrong types, missing fields). Decoders never produce such bodies, but the coordinator
 * must answer with an error code rather than throw whatever it is given.
 */
import type {
  HeartbeatRequest,
  JoinGroupRequest,
  JoinGroupRequestProtocol,
  MemberIdentity,
  OffsetFetchRequestTopic,
  SyncGroupRequest,
  SyncGroupRequestAssignment,
} from '../protocol/index.ts';
import type { JoinGroupContext, SyncGroupProtocol } from './messages.ts';
import { EMPTY_BYTES } from './member.ts';

/** A JoinGroup with the joining client's facts; rebalanceTimeoutMs is sessionTimeoutMs when v0 lacks it. */
export type JoinRequest = JoinGroupRequest & Required<Omit<JoinGroupContext, 'clientId'>> & { clientId: string };

/** A SyncGroup with its v5+ protocol checks (null when not given). */
export type SyncRequest = SyncGroupRequest & SyncGroupProtocol;

export interface LeaveRequest {
  /** v3+ shape: answer each member separately. */
  batch: boolean;
  members: MemberIdentity[];
}

export interface CommitRequestHeader {
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface CommitPartition {
  partitionIndex: number;
  /** Null when the partition entry itself is malformed. */
  offset: number | null;
  leaderEpoch: number;
  metadata: string;
  wellFormed: boolean;
}

export function readJoinRequest(body: unknown, context: unknown): JoinRequest | null {
  if (!isRecord(body) || !isRecord(context)) return null;
  const { groupId, memberId, sessionTimeoutMs, rebalanceTimeoutMs, protocolType, protocols } = body;
  const { clientId, clientHost, requireKnownMemberId } = context as Partial<JoinGroupContext> & Record<string, unknown>;
  if (typeof groupId !== 'string' || typeof memberId !== 'string' || typeof protocolType !== 'string') return null;
  if (!isInt32(sessionTimeoutMs)) return null;
  if (rebalanceTimeoutMs !== undefined && rebalanceTimeoutMs !== null && !isInt32(rebalanceTimeoutMs)) return null;
  if (!Array.isArray(protocols)) return null;
  const readProtocols: JoinGroupRequestProtocol[] = [];
  for (const protocol of protocols as unknown[]) {
    if (!isRecord(protocol) || typeof protocol.name !== 'string') return null;
    const metadata = readBytes(protocol.metadata);
    if (!metadata) return null;
    readProtocols.push({ name: protocol.name, metadata });
  }
  const groupInstanceId = readNullableString(body.groupInstanceId);
  if (groupInstanceId === undefined) return null;
  const rebalance = typeof rebalanceTimeoutMs === 'number' && rebalanceTimeoutMs >= 0 ? rebalanceTimeoutMs : sessionTimeoutMs;
  return {
    groupId,
    memberId,
    groupInstanceId,
    sessionTimeoutMs,
    rebalanceTimeoutMs: rebalance,
    protocolType,
    protocols: readProtocols,
    clientId: typeof clientId === 'string' ? clientId : '',
    clientHost: typeof clientHost === 'string' ? clientHost : '',
    requireKnownMemberId: requireKnownMemberId === true,
  };
}

export function readSyncRequest(body: unknown): SyncRequest | null {
  if (!isRecord(body)) return null;
  const { groupId, generationId, memberId, assignments } = body;
  if (typeof groupId !== 'string' || typeof memberId !== 'string' || !isInt32(generationId)) return null;
  const protocolType = readNullableString(body.protocolType);
  const protocolName = readNullableString(body.protocolName);
  const groupInstanceId = readNullableString(body.groupInstanceId);
  if (protocolType === undefined || protocolName === undefined || groupInstanceId === undefined) return null;
  const readAssignments: SyncGroupRequestAssignment[] = [];
  if (assignments !== undefined && assignments !== null) {
    if (!Array.isArray(assignments)) return null;
    for (const entry of assignments as unknown[]) {
      if (!isRecord(entry) || typeof entry.memberId !== 'string') return null;
      const assignment = readBytes(entry.assignment);
      if (!assignment) return null;
      readAssignments.push({ memberId: entry.memberId, assignment });
    }
  }
  return { groupId, generationId, memberId, groupInstanceId, protocolType, protocolName, assignments: readAssignments };
}

export function readHeartbeatRequest(body: unknown): HeartbeatRequest | null {
  if (!isRecord(body)) return null;
  const { groupId, generationId, memberId } = body;
  if (typeof groupId !== 'string' || typeof memberId !== 'string' || !isInt32(generationId)) return null;
  const groupInstanceId = readNullableString(body.groupInstanceId);
  if (groupInstanceId === undefined) return null;
  return { groupId, generationId, memberId, groupInstanceId };
}

export function readLeaveRequest(body: unknown): LeaveRequest | null {
  if (!isRecord(body)) return null;
  if (Array.isArray(body.members)) {
    const members: MemberIdentity[] = [];
    for (const entry of body.members as unknown[]) {
      if (!isRecord(entry) || typeof entry.memberId !== 'string') return null;
      const groupInstanceId = readNullableString(entry.groupInstanceId);
      if (groupInstanceId === undefined) return null;
      members.push({ memberId: entry.memberId, groupInstanceId });
    }
    return { batch: true, members };
  }
  if (typeof body.memberId !== 'string') return null;
  return { batch: false, members: [{ memberId: body.memberId, groupInstanceId: null }] };
}

export function readCommitHeader(body: unknown): CommitRequestHeader | null {
  if (!isRecord(body)) return null;
  const generation = body.generationIdOrMemberEpoch ?? -1;
  if (!isInt32(generation)) return null;
  const memberId = body.memberId ?? '';
  if (typeof memberId !== 'string') return null;
  const groupInstanceId = readNullableString(body.groupInstanceId);
  if (groupInstanceId === undefined) return null;
  return { generationId: generation, memberId, groupInstanceId };
}

/** The topics of an OffsetCommit, skipping entries too malformed to even be answered. */
export function readCommitTopics(body: unknown): Array<{ name: string; partitions: CommitPartition[] }> | null {
  if (!isRecord(body) || !Array.isArray(body.topics)) return null;
  const topics: Array<{ name: string; partitions: CommitPartition[] }> = [];
  for (const topic of body.topics as unknown[]) {
    if (!isRecord(topic) || typeof topic.name !== 'string' || !Array.isArray(topic.partitions)) continue;
    const partitions: CommitPartition[] = [];
    for (const partition of topic.partitions as unknown[]) {
      if (!isRecord(partition) || !isInt32(partition.partitionIndex)) continue;
      const offset = readInt64(partition.committedOffset);
      const epoch = partition.committedLeaderEpoch ?? -1;
      const metadata = partition.committedMetadata ?? '';
      const wellFormed = offset !== null && isInt32(epoch) && typeof metadata === 'string';
      partitions.push({
        partitionIndex: partition.partitionIndex,
        offset,
        leaderEpoch: isInt32(epoch) ? epoch : -1,
        metadata: typeof metadata === 'string' ? metadata : '',
        wellFormed,
      });
    }
    topics.push({ name: topic.name, partitions });
  }
  return topics;
}

/** null = every committed partition; undefined = malformed. */
export function readFetchTopics(body: unknown): OffsetFetchRequestTopic[] | null | undefined {
  if (!isRecord(body)) return undefined;
  if (body.topics === null || body.topics === undefined) return null;
  if (!Array.isArray(body.topics)) return undefined;
  const topics: OffsetFetchRequestTopic[] = [];
  for (const topic of body.topics as unknown[]) {
    if (!isRecord(topic) || typeof topic.name !== 'string' || !Array.isArray(topic.partitionIndexes)) return undefined;
    const partitionIndexes = topic.partitionIndexes as unknown[];
    if (!partitionIndexes.every(isInt32)) return undefined;
    topics.push({ name: topic.name, partitionIndexes: partitionIndexes as number[] });
  }
  return topics;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isInt32(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= -0x80000000 && (value as number) <= 0x7fffffff;
}

function readInt64(value: unknown): number | null {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  return null;
}

/** A string, null (also for a missing field), or undefined when the value is neither. */
function readNullableString(value: unknown): string | null | undefined {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : undefined;
}

/** BYTES as a Buffer; null counts as empty. Returns null for anything else. */
function readBytes(value: unknown): Buffer | null {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (value === null || value === undefined) return EMPTY_BYTES;
  return null;
}
