/** Builders for the responses the coordinator sends, so every field is always filled in. */
import type { ClassicGroup } from './group.ts';
import { EMPTY_BYTES, type GroupMember } from './member.ts';
import type { DescribedGroup, JoinGroupAnswer, SyncGroupAnswer } from './messages.ts';

/** DescribeGroups v3+ "authorized operations not requested". */
export const AUTHORIZED_OPERATIONS_NOT_REQUESTED = -0x80000000;

export function joinFailure(memberId: string, errorCode: number): JoinGroupAnswer {
  return {
    throttleTimeMs: 0,
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: '',
    leader: '',
    skipAssignment: false,
    memberId,
    members: [],
  };
}

/** The current generation as `member` should see it; only the leader gets the members' metadata. */
export function joinSuccess(group: ClassicGroup, member: GroupMember): JoinGroupAnswer {
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName ?? '',
    leader: group.leaderId ?? '',
    skipAssignment: false,
    memberId: member.memberId,
    members: group.isLeader(member.memberId) ? group.memberMetadataForLeader() : [],
  };
}

export function syncFailure(errorCode: number): SyncGroupAnswer {
  return { throttleTimeMs: 0, errorCode, protocolType: null, protocolName: null, assignment: EMPTY_BYTES };
}

export function syncSuccess(group: ClassicGroup, assignment: Buffer): SyncGroupAnswer {
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    assignment,
  };
}

/** A group as DescribeGroups shows it: metadata and assignments only while Stable (GroupMetadata.summary). */
export function describeGroup(group: ClassicGroup): DescribedGroup {
  const stable = group.is('Stable');
  return {
    errorCode: 0,
    groupId: group.groupId,
    groupState: group.state,
    protocolType: group.protocolType ?? '',
    protocolData: stable ? (group.protocolName ?? '') : '',
    members: [...group.members.values()].map((member) => ({
      memberId: member.memberId,
      groupInstanceId: member.groupInstanceId,
      clientId: member.clientId,
      clientHost: member.clientHost,
      memberMetadata: stable ? member.metadataFor(group.protocolName) : EMPTY_BYTES,
      memberAssignment: stable ? member.assignment : EMPTY_BYTES,
    })),
    authorizedOperations: AUTHORIZED_OPERATIONS_NOT_REQUESTED,
  };
}

/** An unknown group, which Kafka describes as Dead without an error. */
export function describeUnknownGroup(groupId: string): DescribedGroup {
  return describeFailure(groupId, 0, 'Dead');
}

export function describeFailure(groupId: string, errorCode: number, groupState = ''): DescribedGroup {
  return {
    errorCode,
    groupId,
    groupState,
    protocolType: '',
    protocolData: '',
    members: [],
    authorizedOperations: AUTHORIZED_OPERATIONS_NOT_REQUESTED,
  };
}
