/**
 * The classic consumer-group coordinator of one broker (apache/kafka `GroupCoordinator` with
 * `GroupMetadata`'s states Empty, PreparingRebalance, CompletingRebalance, Stable, Dead).
 *
 * All state lives in this object and changes only inside its methods and its timer callbacks,
 * which JavaScript runs one at a time: there is nothing to lock. A JoinGroup or SyncGroup that has
 * to wait is "parked": the member keeps the function that resolves its promise, and whoever
 * completes the phase (another request or a timer) calls it.
 *
 * The broker routes each group to its coordinator and answers NOT_COORDINATOR itself.
 */
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock, type TimerHandle } from './clock.ts';
import { GroupErrorCode as E } from './error-codes.ts';
import { ClassicGroup, type GroupState, type JoinWait } from './group.ts';
import { EMPTY_BYTES, GroupMember, type JoinResponder, type SyncResponder } from './member.ts';
import type {
  DeleteGroupsAnswer,
  DeleteGroupsResult,
  DescribeGroupsAnswer,
  DescribedGroup,
  HeartbeatAnswer,
  HeartbeatInput,
  JoinGroupAnswer,
  JoinGroupContext,
  JoinGroupInput,
  LeaveGroupAnswer,
  LeaveGroupInput,
  ListGroupsAnswer,
  ListGroupsOptions,
  OffsetCommitAnswer,
  OffsetCommitInput,
  OffsetFetchAnswer,
  OffsetFetchInput,
  OffsetFetchOptions,
  OffsetFetchResponsePartition,
  SyncGroupAnswer,
  SyncGroupInput,
} from './messages.ts';
import type { MemberIdentity } from '../protocol/index.ts';
import type { OffsetStore, StoredGroupOffsets, StoredOffset } from './offset-store.ts';
import {
  isRecord,
  readCommitHeader,
  readCommitTopics,
  readFetchTopics,
  readHeartbeatRequest,
  readJoinRequest,
  readLeaveRequest,
  readSyncRequest,
  type CommitPartition,
  type JoinRequest,
} from './request-readers.ts';
import { describeFailure, describeGroup, describeUnknownGroup, joinFailure, joinSuccess, syncFailure, syncSuccess } from './responses.ts';

export interface GroupCoordinatorOptions {
  /** Where committed offsets are made durable; read back once at construction. */
  store: OffsetStore;
  /** Default: real time. */
  clock?: Clock;
  /** group.initial.rebalance.delay.ms. Kafka's default is 3000; ours 0. */
  initialRebalanceDelayMs?: number;
  /** group.min.session.timeout.ms. Default 6000. */
  minSessionTimeoutMs?: number;
  /** group.max.session.timeout.ms. Default 1800000. */
  maxSessionTimeoutMs?: number;
  /** How long a new member's first JoinGroup may stay parked (Kafka's NewMemberJoinTimeoutMs). Default 300000. */
  newMemberJoinTimeoutMs?: number;
  /** offset.metadata.max.bytes: longer commit metadata gets 12 OFFSET_METADATA_TOO_LARGE. Default 4096. */
  maxOffsetMetadataBytes?: number;
  /** How often Empty groups without offsets are forgotten (offsets.retention.check.interval.ms). Default 600000; 0 = never. */
  emptyGroupCleanupIntervalMs?: number;
  /** When given, commits to partitions it rejects get 3 UNKNOWN_TOPIC_OR_PARTITION (as KafkaApis does). */
  partitionExists?: (topic: string, partition: number) => boolean;
  /** One line per notable event or internal failure. Default: silent. */
  log?: (line: string) => void;
}

type CoordinatorStatus = 'loading' | 'active' | 'failed' | 'closed';

interface CommitOutcome {
  topic: string;
  partition: CommitPartition;
  errorCode: number;
}

export class GroupCoordinator {
  private readonly groups = new Map<string, ClassicGroup>();
  private readonly store: OffsetStore;
  private readonly clock: Clock;
  private readonly initialRebalanceDelayMs: number;
  private readonly minSessionTimeoutMs: number;
  private readonly maxSessionTimeoutMs: number;
  private readonly newMemberJoinTimeoutMs: number;
  private readonly maxOffsetMetadataBytes: number;
  private readonly emptyGroupCleanupIntervalMs: number;
  private readonly partitionExists: ((topic: string, partition: number) => boolean) | null;
  private readonly log: (line: string) => void;
  private status: CoordinatorStatus = 'loading';
  private readonly loading: Promise<void>;
  private cleanupTimer: TimerHandle | null = null;

  constructor(options: GroupCoordinatorOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.initialRebalanceDelayMs = Math.max(0, options.initialRebalanceDelayMs ?? 0);
    this.minSessionTimeoutMs = options.minSessionTimeoutMs ?? 6_000;
    this.maxSessionTimeoutMs = options.maxSessionTimeoutMs ?? 1_800_000;
    this.newMemberJoinTimeoutMs = options.newMemberJoinTimeoutMs ?? 300_000;
    this.maxOffsetMetadataBytes = options.maxOffsetMetadataBytes ?? 4_096;
    this.emptyGroupCleanupIntervalMs = options.emptyGroupCleanupIntervalMs ?? 600_000;
    this.partitionExists = options.partitionExists ?? null;
    this.log = options.log ?? (() => {});
    this.loading = this.loadOffsets();
    this.scheduleCleanup();
  }

  /**
   * Resolves once the committed offsets are loaded (at once for a synchronous store); rejects if
   * loading failed, after which every request gets 15. Until then requests get 14
   * COORDINATOR_LOAD_IN_PROGRESS, as in Kafka.
   */
  ready(): Promise<void> {
    return this.loading;
  }

  // ---------------------------------------------------------------------------------------------
  // JoinGroup

  /** JoinGroup (key 11). Resolves when the rebalance completes, or at once for errors and no-op rejoins. */
  join(request: JoinGroupInput, context: JoinGroupContext): Promise<JoinGroupAnswer> {
    return new Promise((resolve) => {
      const echoedMemberId = isRecord(request) && typeof request.memberId === 'string' ? request.memberId : '';
      try {
        this.handleJoin(request, context, resolve, echoedMemberId);
      } catch (error) {
        this.report('JoinGroup', error);
        resolve(joinFailure(echoedMemberId, E.UNKNOWN_SERVER_ERROR));
      }
    });
  }

  private handleJoin(request: unknown, context: unknown, respond: JoinResponder, echoedMemberId: string): void {
    const statusError = this.groupStatusError(isRecord(request) ? request.groupId : undefined, false);
    if (statusError !== null) return respond(joinFailure(echoedMemberId, statusError));
    const join = readJoinRequest(request, context);
    if (!join) return respond(joinFailure(echoedMemberId, E.INVALID_REQUEST));
    if (join.sessionTimeoutMs < this.minSessionTimeoutMs || join.sessionTimeoutMs > this.maxSessionTimeoutMs) {
      return respond(joinFailure(join.memberId, E.INVALID_SESSION_TIMEOUT));
    }
    let group: ClassicGroup;
    if (join.memberId === '') {
      group = this.groupOrCreate(join.groupId);
      this.joinNewMember(group, join, respond);
    } else {
      const existing = this.groups.get(join.groupId);
      if (!existing) return respond(joinFailure(join.memberId, E.UNKNOWN_MEMBER_ID));
      group = existing;
      this.joinCurrentMember(group, join, respond);
    }
    if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
  }

  private joinNewMember(group: ClassicGroup, join: JoinRequest, respond: JoinResponder): void {
    if (group.is('Dead')) return respond(joinFailure(join.memberId, E.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(join.protocolType, join.protocols)) {
      return respond(joinFailure(join.memberId, E.INCONSISTENT_GROUP_PROTOCOL));
    }
    const memberId = `${join.clientId}-${randomUUID()}`;
    if (join.requireKnownMemberId) {
      // KIP-394: hand out the id first; the member counts as pending until it rejoins with it.
      this.addPendingMember(group, memberId, join.sessionTimeoutMs);
      return respond(joinFailure(memberId, E.MEMBER_ID_REQUIRED));
    }
    this.addMemberAndRebalance(group, memberId, join, respond);
  }

  private joinCurrentMember(group: ClassicGroup, join: JoinRequest, respond: JoinResponder): void {
    const memberId = join.memberId;
    if (group.is('Dead')) return respond(joinFailure(memberId, E.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(join.protocolType, join.protocols)) {
      return respond(joinFailure(memberId, E.INCONSISTENT_GROUP_PROTOCOL));
    }
    if (group.pendingMembers.has(memberId)) return this.addMemberAndRebalance(group, memberId, join, respond);
    const member = group.members.get(memberId);
    if (!member) return respond(joinFailure(memberId, E.UNKNOWN_MEMBER_ID));
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, join, respond);
      case 'CompletingRebalance':
        // Same metadata: it probably lost our JoinGroup answer; give it the current generation again.
        if (!member.hasSameProtocols(join.protocols)) return this.updateMemberAndRebalance(group, member, join, respond);
        this.renewSession(group, member);
        return respond(joinSuccess(group, member));
      case 'Stable':
        // The leader rejoining forces a rebalance (it may have seen topic changes); so does new metadata.
        if (group.isLeader(memberId) || !member.hasSameProtocols(join.protocols)) {
          return this.updateMemberAndRebalance(group, member, join, respond);
        }
        this.renewSession(group, member);
        return respond(joinSuccess(group, member));
      case 'Empty':
      case 'Dead':
        return respond(joinFailure(memberId, E.UNKNOWN_MEMBER_ID));
    }
  }

  private addPendingMember(group: ClassicGroup, memberId: string, sessionTimeoutMs: number): void {
    const timer = this.schedule('pending member expiry', sessionTimeoutMs, () => {
      if (!group.pendingMembers.has(memberId)) return;
      group.pendingMembers.delete(memberId);
      if (this.isCurrent(group) && group.is('PreparingRebalance')) this.tryCompleteJoin(group);
    });
    group.pendingMembers.set(memberId, timer);
  }

  private removePendingMember(group: ClassicGroup, memberId: string): void {
    const timer = group.pendingMembers.get(memberId);
    if (timer === undefined) return;
    this.clock.clearTimeout(timer);
    group.pendingMembers.delete(memberId);
  }

  private addMemberAndRebalance(group: ClassicGroup, memberId: string, join: JoinRequest, respond: JoinResponder): void {
    this.removePendingMember(group, memberId);
    const member = new GroupMember({
      memberId,
      groupInstanceId: join.groupInstanceId,
      clientId: join.clientId,
      clientHost: join.clientHost,
      rebalanceTimeoutMs: join.rebalanceTimeoutMs,
      sessionTimeoutMs: join.sessionTimeoutMs,
      protocolType: join.protocolType,
      protocols: join.protocols,
    });
    member.isNew = true;
    member.awaitingJoin = respond;
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
    group.add(member);
    // A new member cannot heartbeat yet; if its client gives up, it is dropped after this long.
    this.renewSession(group, member, this.newMemberJoinTimeoutMs);
    this.maybePrepareRebalance(group);
  }

  private updateMemberAndRebalance(group: ClassicGroup, member: GroupMember, join: JoinRequest, respond: JoinResponder): void {
    const superseded = member.awaitingJoin;
    member.protocols = join.protocols;
    member.rebalanceTimeoutMs = join.rebalanceTimeoutMs;
    member.sessionTimeoutMs = join.sessionTimeoutMs;
    member.awaitingJoin = respond;
    superseded?.(joinFailure(member.memberId, E.REBALANCE_IN_PROGRESS));
    this.maybePrepareRebalance(group);
  }

  // ---------------------------------------------------------------------------------------------
  // Rebalance phases

  private maybePrepareRebalance(group: ClassicGroup): void {
    if (group.canRebalance()) this.prepareRebalance(group);
  }

  private prepareRebalance(group: ClassicGroup): void {
    if (group.is('CompletingRebalance')) this.failParkedSyncs(group, E.REBALANCE_IN_PROGRESS);
    this.clearPendingSync(group);
    const wasEmpty = group.is('Empty');
    group.transitionTo('PreparingRebalance', this.clock.now());
    if (wasEmpty) {
      const delayMs = this.initialRebalanceDelayMs;
      this.startJoinWait(group, 'initial', delayMs, Math.max(group.rebalanceTimeoutMs() - delayMs, 0));
    } else {
      this.startJoinWait(group, 'rebalance', group.rebalanceTimeoutMs(), 0);
      this.tryCompleteJoin(group);
    }
  }

  private startJoinWait(group: ClassicGroup, kind: JoinWait['kind'], delayMs: number, remainingMs: number): void {
    this.cancelJoinWait(group);
    const wait: JoinWait = kind === 'initial' ? { kind, delayMs, remainingMs, timer: null } : { kind, timer: null };
    wait.timer = this.schedule('rebalance wait', delayMs, () => this.onJoinWaitExpired(group, wait));
    group.joinWait = wait;
  }

  private cancelJoinWait(group: ClassicGroup): void {
    if (!group.joinWait) return;
    this.clock.clearTimeout(group.joinWait.timer);
    group.joinWait = null;
  }

  private onJoinWaitExpired(group: ClassicGroup, wait: JoinWait): void {
    if (group.joinWait !== wait || !this.isCurrent(group)) return;
    group.joinWait = null;
    if (wait.kind === 'initial' && group.newMemberAdded && wait.remainingMs !== 0) {
      // Members are still arriving at a brand-new group: give them one more delay.
      group.newMemberAdded = false;
      const delayMs = Math.min(this.initialRebalanceDelayMs, wait.remainingMs);
      this.startJoinWait(group, 'initial', delayMs, Math.max(wait.remainingMs - wait.delayMs, 0));
      return;
    }
    this.completeJoin(group);
  }

  /** Completes the join phase early once every member has rejoined (never during the initial delay). */
  private tryCompleteJoin(group: ClassicGroup): void {
    if (group.joinWait?.kind !== 'rebalance' || !group.hasAllMembersJoined()) return;
    this.cancelJoinWait(group);
    this.completeJoin(group);
  }

  /** GroupCoordinator.onCompleteJoin: evict stragglers, bump the generation, answer every parked join. */
  private completeJoin(group: ClassicGroup): void {
    for (const straggler of group.notYetRejoinedMembers()) {
      this.log(`group ${group.groupId}: member ${straggler.memberId} did not rejoin in time; removed`);
      this.dropMember(group, straggler);
    }
    if (group.is('Dead')) return;
    if (!group.maybeElectNewJoinedLeader() && group.members.size > 0) {
      this.startJoinWait(group, 'rebalance', group.rebalanceTimeoutMs(), 0);
      return;
    }
    group.newMemberAdded = false;
    group.initNextGeneration(this.clock.now());
    if (group.is('Empty')) {
      this.log(`group ${group.groupId}: generation ${group.generationId} has no members; now Empty`);
      return;
    }
    this.log(
      `group ${group.groupId}: generation ${group.generationId} with ${group.members.size} members, ` +
        `protocol ${group.protocolName}, leader ${group.leaderId}`,
    );
    for (const member of group.members.values()) {
      const respond = member.awaitingJoin;
      member.awaitingJoin = null;
      respond?.(joinSuccess(group, member));
      member.isNew = false;
      this.renewSession(group, member);
      group.pendingSyncMemberIds.add(member.memberId);
    }
    this.schedulePendingSyncExpiry(group);
  }

  /** Members that got their JoinGroup answer must send SyncGroup within the rebalance timeout. */
  private schedulePendingSyncExpiry(group: ClassicGroup): void {
    this.clearPendingSyncTimer(group);
    const generationId = group.generationId;
    group.pendingSyncTimer = this.schedule('pending sync expiry', group.rebalanceTimeoutMs(), () => {
      group.pendingSyncTimer = null;
      if (!this.isCurrent(group) || group.generationId !== generationId) return;
      if (!group.is('CompletingRebalance') && !group.is('Stable')) return;
      if (group.pendingSyncMemberIds.size === 0) return;
      for (const memberId of [...group.pendingSyncMemberIds]) {
        const member = group.members.get(memberId);
        if (member) {
          this.log(`group ${group.groupId}: member ${memberId} did not sync in time; removed`);
          this.dropMember(group, member);
        }
      }
      this.prepareRebalance(group);
    });
  }

  private removePendingSyncMember(group: ClassicGroup, memberId: string): void {
    group.pendingSyncMemberIds.delete(memberId);
    if (group.pendingSyncMemberIds.size === 0) this.clearPendingSyncTimer(group);
  }

  private clearPendingSync(group: ClassicGroup): void {
    group.pendingSyncMemberIds.clear();
    this.clearPendingSyncTimer(group);
  }

  private clearPendingSyncTimer(group: ClassicGroup): void {
    if (group.pendingSyncTimer === null) return;
    this.clock.clearTimeout(group.pendingSyncTimer);
    group.pendingSyncTimer = null;
  }

  // ---------------------------------------------------------------------------------------------
  // SyncGroup

  /** SyncGroup (key 14). A parked sync resolves when the leader's assignment arrives. */
  sync(request: SyncGroupInput): Promise<SyncGroupAnswer> {
    return new Promise((resolve) => {
      try {
        this.handleSync(request, resolve);
      } catch (error) {
        this.report('SyncGroup', error);
        resolve(syncFailure(E.UNKNOWN_SERVER_ERROR));
      }
    });
  }

  private handleSync(request: unknown, respond: SyncResponder): void {
    const statusError = this.groupStatusError(isRecord(request) ? request.groupId : undefined, false);
    // While loading, the rebalance state is lost: send the member back to JoinGroup.
    if (statusError === E.COORDINATOR_LOAD_IN_PROGRESS) return respond(syncFailure(E.REBALANCE_IN_PROGRESS));
    if (statusError !== null) return respond(syncFailure(statusError));
    const sync = readSyncRequest(request);
    if (!sync) return respond(syncFailure(E.INVALID_REQUEST));
    const group = this.groups.get(sync.groupId);
    if (!group) return respond(syncFailure(E.UNKNOWN_MEMBER_ID));
    if (group.is('Dead')) return respond(syncFailure(E.COORDINATOR_NOT_AVAILABLE));
    const member = group.members.get(sync.memberId);
    if (!member) return respond(syncFailure(E.UNKNOWN_MEMBER_ID));
    if (sync.generationId !== group.generationId) return respond(syncFailure(E.ILLEGAL_GENERATION));
    if (sync.protocolType !== null && sync.protocolType !== group.protocolType) {
      return respond(syncFailure(E.INCONSISTENT_GROUP_PROTOCOL));
    }
    if (sync.protocolName !== null && sync.protocolName !== group.protocolName) {
      return respond(syncFailure(E.INCONSISTENT_GROUP_PROTOCOL));
    }
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return respond(syncFailure(E.UNKNOWN_MEMBER_ID));
      case 'PreparingRebalance':
        return respond(syncFailure(E.REBALANCE_IN_PROGRESS));
      case 'CompletingRebalance': {
        const superseded = member.awaitingSync;
        member.awaitingSync = respond;
        superseded?.(syncFailure(E.REBALANCE_IN_PROGRESS));
        this.removePendingSyncMember(group, member.memberId);
        if (group.isLeader(member.memberId)) {
          const assigned = new Map(sync.assignments.map((entry) => [entry.memberId, entry.assignment]));
          for (const each of group.members.values()) each.assignment = assigned.get(each.memberId) ?? EMPTY_BYTES;
          this.propagateAssignment(group);
          group.transitionTo('Stable', this.clock.now());
        }
        return;
      }
      case 'Stable':
        this.removePendingSyncMember(group, member.memberId);
        this.renewSession(group, member);
        return respond(syncSuccess(group, member.assignment));
    }
  }

  private propagateAssignment(group: ClassicGroup): void {
    for (const member of group.members.values()) {
      const respond = member.awaitingSync;
      if (!respond) continue;
      member.awaitingSync = null;
      respond(syncSuccess(group, member.assignment));
      this.renewSession(group, member);
    }
  }

  /** A new rebalance started during CompletingRebalance: parked syncs learn it, assignments are void. */
  private failParkedSyncs(group: ClassicGroup, errorCode: number): void {
    for (const member of group.members.values()) {
      member.assignment = EMPTY_BYTES;
      const respond = member.awaitingSync;
      if (!respond) continue;
      member.awaitingSync = null;
      respond(syncFailure(errorCode));
      this.renewSession(group, member);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Heartbeat, sessions, LeaveGroup

  /** Heartbeat (key 12). 27 while a rebalance is pending tells the member to rejoin. */
  heartbeat(request: HeartbeatInput): HeartbeatAnswer {
    try {
      return { throttleTimeMs: 0, errorCode: this.heartbeatErrorCode(request) };
    } catch (error) {
      this.report('Heartbeat', error);
      return { throttleTimeMs: 0, errorCode: E.UNKNOWN_SERVER_ERROR };
    }
  }

  private heartbeatErrorCode(request: unknown): number {
    const statusError = this.groupStatusError(isRecord(request) ? request.groupId : undefined, false);
    if (statusError === E.COORDINATOR_LOAD_IN_PROGRESS) return E.NONE; // Kafka answers blindly while loading
    if (statusError !== null) return statusError;
    const heartbeat = readHeartbeatRequest(request);
    if (!heartbeat) return E.INVALID_REQUEST;
    const group = this.groups.get(heartbeat.groupId);
    if (!group) return E.UNKNOWN_MEMBER_ID;
    if (group.is('Dead')) return E.COORDINATOR_NOT_AVAILABLE;
    const member = group.members.get(heartbeat.memberId);
    if (!member) return E.UNKNOWN_MEMBER_ID;
    if (heartbeat.generationId !== group.generationId) return E.ILLEGAL_GENERATION;
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return E.UNKNOWN_MEMBER_ID;
      case 'PreparingRebalance':
        this.renewSession(group, member);
        return E.REBALANCE_IN_PROGRESS;
      case 'CompletingRebalance':
      case 'Stable':
        this.renewSession(group, member);
        return E.NONE;
    }
  }

  private renewSession(group: ClassicGroup, member: GroupMember, timeoutMs = member.sessionTimeoutMs): void {
    if (member.sessionTimer !== null) this.clock.clearTimeout(member.sessionTimer);
    member.sessionTimer = this.schedule('session expiry', timeoutMs, () => this.onSessionExpired(group, member));
  }

  private onSessionExpired(group: ClassicGroup, member: GroupMember): void {
    member.sessionTimer = null;
    if (!this.isCurrent(group) || group.is('Dead') || group.members.get(member.memberId) !== member) return;
    // A member parked in JoinGroup or SyncGroup is alive; its session restarts when answered.
    if (!member.isNew && (member.awaitingJoin || member.awaitingSync)) return;
    this.log(`group ${group.groupId}: member ${member.memberId} session expired; removed`);
    this.removeMemberAndUpdateGroup(group, member);
  }

  private removeMemberAndUpdateGroup(group: ClassicGroup, member: GroupMember): void {
    this.dropMember(group, member);
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.maybePrepareRebalance(group);
        break;
      case 'PreparingRebalance':
        this.tryCompleteJoin(group);
        break;
      case 'Empty':
      case 'Dead':
        break;
    }
  }

  /** Removes a member without starting a rebalance; a request it has parked gets 25. */
  private dropMember(group: ClassicGroup, member: GroupMember): void {
    if (member.sessionTimer !== null) {
      this.clock.clearTimeout(member.sessionTimer);
      member.sessionTimer = null;
    }
    const parkedJoin = member.awaitingJoin;
    const parkedSync = member.awaitingSync;
    member.awaitingJoin = null;
    member.awaitingSync = null;
    parkedJoin?.(joinFailure('', E.UNKNOWN_MEMBER_ID));
    parkedSync?.(syncFailure(E.UNKNOWN_MEMBER_ID));
    group.remove(member.memberId);
  }

  /** LeaveGroup (key 13): v0–2 with `memberId`, v3+ with `members` (each answered separately). */
  leave(request: LeaveGroupInput): LeaveGroupAnswer {
    try {
      return this.handleLeave(request);
    } catch (error) {
      this.report('LeaveGroup', error);
      return { throttleTimeMs: 0, errorCode: E.UNKNOWN_SERVER_ERROR, members: [] };
    }
  }

  private handleLeave(request: unknown): LeaveGroupAnswer {
    const statusError = this.groupStatusError(isRecord(request) ? request.groupId : undefined, false);
    if (statusError !== null) return { throttleTimeMs: 0, errorCode: statusError, members: [] };
    const leave = readLeaveRequest(request);
    if (!leave) return { throttleTimeMs: 0, errorCode: E.INVALID_REQUEST, members: [] };
    const group = this.groups.get((request as { groupId: string }).groupId);
    if (group?.is('Dead')) return { throttleTimeMs: 0, errorCode: E.COORDINATOR_NOT_AVAILABLE, members: [] };
    const members = leave.members.map((leaving) => ({
      memberId: leaving.memberId,
      groupInstanceId: leaving.groupInstanceId,
      errorCode: group ? this.removeLeavingMember(group, leaving) : E.UNKNOWN_MEMBER_ID,
    }));
    const errorCode = leave.batch ? E.NONE : (members.find((member) => member.errorCode !== E.NONE)?.errorCode ?? E.NONE);
    return { throttleTimeMs: 0, errorCode, members };
  }

  private removeLeavingMember(group: ClassicGroup, leaving: MemberIdentity): number {
    if (leaving.memberId === '') {
      // Administrative removal by group instance id.
      const member = leaving.groupInstanceId === null ? undefined : group.findMemberByInstanceId(leaving.groupInstanceId);
      if (!member) return E.UNKNOWN_MEMBER_ID;
      this.removeMemberAndUpdateGroup(group, member);
      return E.NONE;
    }
    if (group.pendingMembers.has(leaving.memberId)) {
      this.removePendingMember(group, leaving.memberId);
      if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
      return E.NONE;
    }
    const member = group.members.get(leaving.memberId);
    if (!member) return E.UNKNOWN_MEMBER_ID;
    this.log(`group ${group.groupId}: member ${member.memberId} left`);
    this.removeMemberAndUpdateGroup(group, member);
    return E.NONE;
  }

  // ---------------------------------------------------------------------------------------------
  // OffsetCommit, OffsetFetch

  /**
   * OffsetCommit (key 8). generationId -1 with an empty memberId is a simple commit, accepted while
   * the group is Empty (or unknown: it is created Empty). Resolves after the store made it durable.
   */
  async commitOffsets(request: OffsetCommitInput): Promise<OffsetCommitAnswer> {
    const outcomes: CommitOutcome[] = [];
    for (const topic of readCommitTopics(request) ?? []) {
      for (const partition of topic.partitions) {
        outcomes.push({ topic: topic.name, partition, errorCode: partition.wellFormed ? E.NONE : E.INVALID_REQUEST });
      }
    }
    try {
      await this.handleCommit(request, outcomes);
    } catch (error) {
      this.report('OffsetCommit', error);
      for (const outcome of outcomes) if (outcome.errorCode === E.NONE) outcome.errorCode = E.UNKNOWN_SERVER_ERROR;
    }
    return { throttleTimeMs: 0, topics: groupCommitOutcomes(outcomes) };
  }

  private async handleCommit(request: unknown, outcomes: CommitOutcome[]): Promise<void> {
    const open = () => outcomes.filter((outcome) => outcome.errorCode === E.NONE);
    const failOpen = (errorCode: number) => {
      for (const outcome of open()) outcome.errorCode = errorCode;
    };
    const statusError = this.groupStatusError(isRecord(request) ? request.groupId : undefined, true);
    if (statusError !== null) return failOpen(statusError);
    const header = readCommitHeader(request);
    if (!header) return failOpen(E.INVALID_REQUEST);
    const groupId = (request as { groupId: string }).groupId;
    if (this.partitionExists) {
      for (const outcome of open()) {
        if (!this.partitionExists(outcome.topic, outcome.partition.partitionIndex)) {
          outcome.errorCode = E.UNKNOWN_TOPIC_OR_PARTITION;
        }
      }
    }
    if (open().length === 0) return;

    let group = this.groups.get(groupId);
    if (!group) {
      // Not using group management, or a member of a generation this coordinator never saw.
      if (header.generationId >= 0) return failOpen(E.ILLEGAL_GENERATION);
      group = this.groupOrCreate(groupId);
    }
    const validationError = offsetCommitError(group, header.generationId, header.memberId, header.groupInstanceId);
    if (validationError !== null) return failOpen(validationError);
    switch (group.state) {
      case 'Empty':
        break;
      case 'Stable':
      case 'PreparingRebalance': {
        // Allowed while preparing: the member learns of the rebalance from its heartbeat.
        const member = group.members.get(header.memberId);
        if (member) this.renewSession(group, member);
        break;
      }
      case 'CompletingRebalance':
        return failOpen(E.REBALANCE_IN_PROGRESS);
      case 'Dead':
        return failOpen(E.COORDINATOR_NOT_AVAILABLE);
    }

    for (const outcome of open()) {
      if (outcome.partition.metadata.length > this.maxOffsetMetadataBytes) outcome.errorCode = E.OFFSET_METADATA_TOO_LARGE;
    }
    const accepted = open();
    if (accepted.length === 0) return;
    const commitTimestamp = this.clock.now();
    const entries: StoredOffset[] = accepted.map((outcome) => ({
      topic: outcome.topic,
      partition: outcome.partition.partitionIndex,
      offset: outcome.partition.offset!,
      leaderEpoch: outcome.partition.leaderEpoch,
      metadata: outcome.partition.metadata,
      commitTimestamp,
    }));
    try {
      const saving = this.store.save(groupId, entries);
      if (isPromiseLike(saving)) await saving;
    } catch (error) {
      this.report(`saving offsets of group ${groupId}`, error);
      for (const outcome of accepted) outcome.errorCode = E.COORDINATOR_NOT_AVAILABLE;
      return;
    }
    if (this.isCurrent(group) && !group.is('Dead')) {
      for (const entry of entries) group.offsets.set(entry);
    }
  }

  /**
   * OffsetFetch (key 9, v0–7 shape). `topics: null` returns every committed partition; a partition
   * with no commit gets offset -1 and metadata '' (null with `nullMetadataWhenMissing`), error 0.
   */
  fetchOffsets(request: OffsetFetchInput, options: OffsetFetchOptions = {}): OffsetFetchAnswer {
    const missingMetadata = options.nullMetadataWhenMissing ? null : '';
    const requested = readFetchTopics(request);
    const missing = (partitionIndex: number, errorCode: number): OffsetFetchResponsePartition => ({
      partitionIndex,
      committedOffset: -1,
      committedLeaderEpoch: -1,
      metadata: missingMetadata,
      errorCode,
    });
    const failure = (errorCode: number): OffsetFetchAnswer => ({
      throttleTimeMs: 0,
      errorCode,
      topics: (requested ?? []).map((topic) => ({
        name: topic.name,
        partitions: topic.partitionIndexes.map((index) => missing(index, errorCode)),
      })),
    });
    try {
      const statusError = this.groupStatusError(isRecord(request) ? request.groupId : undefined, true);
      if (statusError !== null) return failure(statusError);
      if (requested === undefined) return failure(E.INVALID_REQUEST);
      const found = this.groups.get((request as { groupId: string }).groupId);
      const group = found && !found.is('Dead') ? found : undefined;
      let topics: OffsetFetchAnswer['topics'];
      if (requested === null) {
        topics = (group?.offsets.byTopicSorted() ?? []).map(({ topic, offsets }) => ({
          name: topic,
          partitions: offsets.map((offset) => fetchedPartition(offset)),
        }));
      } else {
        topics = requested.map((topic) => ({
          name: topic.name,
          partitions: topic.partitionIndexes.map((index) => {
            const offset = group?.offsets.get(topic.name, index);
            return offset ? fetchedPartition(offset) : missing(index, E.NONE);
          }),
        }));
      }
      return { throttleTimeMs: 0, errorCode: E.NONE, topics };
    } catch (error) {
      this.report('OffsetFetch', error);
      return failure(E.UNKNOWN_SERVER_ERROR);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // DescribeGroups, ListGroups, DeleteGroups

  /** DescribeGroups (key 15). An unknown group is reported as "Dead" with error 0, as Kafka does. */
  describeGroups(groupIds: readonly string[]): DescribeGroupsAnswer {
    const ids: unknown[] = Array.isArray(groupIds) ? groupIds : [];
    return { throttleTimeMs: 0, groups: ids.map((groupId) => this.describeOne(groupId)) };
  }

  private describeOne(groupId: unknown): DescribedGroup {
    const shownId = typeof groupId === 'string' ? groupId : '';
    try {
      const statusError = this.groupStatusError(groupId, true);
      if (statusError !== null) return describeFailure(shownId, statusError);
      const group = this.groups.get(shownId);
      return group && !group.is('Dead') ? describeGroup(group) : describeUnknownGroup(shownId);
    } catch (error) {
      this.report('DescribeGroups', error);
      return describeFailure(shownId, E.UNKNOWN_SERVER_ERROR);
    }
  }

  /** ListGroups (key 16), optionally only groups in `statesFilter` (v4+, compared case-insensitively). */
  listGroups(options: ListGroupsOptions = {}): ListGroupsAnswer {
    const statusError = this.coordinatorStatusError();
    if (statusError !== null) return { throttleTimeMs: 0, errorCode: statusError, groups: [] };
    const filter = isRecord(options) && Array.isArray(options.statesFilter) ? options.statesFilter : [];
    const states = new Set(filter.filter((state) => typeof state === 'string').map((state) => state.toLowerCase()));
    const groups = [...this.groups.values()]
      .filter((group) => !group.is('Dead') && (states.size === 0 || states.has(group.state.toLowerCase())))
      .map((group) => ({ groupId: group.groupId, protocolType: group.protocolType ?? '', groupState: group.state }));
    return { throttleTimeMs: 0, errorCode: E.NONE, groups };
  }

  /**
   * DeleteGroups (key 42): only Empty groups can go (68 NON_EMPTY_GROUP otherwise, 69
   * GROUP_ID_NOT_FOUND for unknown ones), with their offsets. Like Kafka, which writes the
   * tombstones without waiting for acks, this answers without waiting for an asynchronous store;
   * a synchronous store that throws leaves the group in place and answers 15.
   */
  deleteGroups(groupIds: readonly string[]): DeleteGroupsAnswer {
    const ids: unknown[] = Array.isArray(groupIds) ? [...new Set<unknown>(groupIds)] : [];
    return { throttleTimeMs: 0, results: ids.map((groupId) => this.deleteOne(groupId)) };
  }

  private deleteOne(groupId: unknown): DeleteGroupsResult {
    const result: DeleteGroupsResult = { groupId: typeof groupId === 'string' ? groupId : '', errorCode: E.NONE };
    try {
      const statusError = this.groupStatusError(groupId, true);
      if (statusError !== null) return { ...result, errorCode: statusError };
      const group = this.groups.get(result.groupId);
      if (!group || group.is('Dead')) return { ...result, errorCode: E.GROUP_ID_NOT_FOUND };
      if (!group.is('Empty')) return { ...result, errorCode: E.NON_EMPTY_GROUP };
      const deleting = this.store.deleteGroup(group.groupId);
      if (isPromiseLike(deleting)) {
        deleting.then(undefined, (error: unknown) => this.report(`deleting offsets of group ${group.groupId}`, error));
      }
      group.transitionTo('Dead', this.clock.now());
      for (const memberId of [...group.pendingMembers.keys()]) this.removePendingMember(group, memberId);
      this.groups.delete(group.groupId);
      this.log(`group ${group.groupId}: deleted`);
      return result;
    } catch (error) {
      this.report(`deleting group ${result.groupId}`, error);
      return { ...result, errorCode: E.COORDINATOR_NOT_AVAILABLE };
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  /**
   * Stops the coordinator: clears every timer and answers every parked JoinGroup and SyncGroup
   * with 15 COORDINATOR_NOT_AVAILABLE, so clients look for the coordinator again. Later requests
   * get 15 too. The offset store is not closed (its owner closes it).
   */
  close(): void {
    if (this.status === 'closed') return;
    this.status = 'closed';
    if (this.cleanupTimer !== null) {
      this.clock.clearTimeout(this.cleanupTimer);
      this.cleanupTimer = null;
    }
    for (const group of this.groups.values()) {
      this.cancelJoinWait(group);
      this.clearPendingSyncTimer(group);
      for (const memberId of [...group.pendingMembers.keys()]) this.removePendingMember(group, memberId);
      for (const member of group.members.values()) {
        if (member.sessionTimer !== null) this.clock.clearTimeout(member.sessionTimer);
        member.sessionTimer = null;
        const parkedJoin = member.awaitingJoin;
        const parkedSync = member.awaitingSync;
        member.awaitingJoin = null;
        member.awaitingSync = null;
        parkedJoin?.(joinFailure(member.memberId, E.COORDINATOR_NOT_AVAILABLE));
        parkedSync?.(syncFailure(E.COORDINATOR_NOT_AVAILABLE));
      }
    }
    this.groups.clear();
    this.store.close?.();
  }

  /** The state of a group, or undefined when this coordinator does not know it. */
  groupState(groupId: string): GroupState | undefined {
    return this.groups.get(groupId)?.state;
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  private loadOffsets(): Promise<void> {
    let loaded: StoredGroupOffsets[] | Promise<StoredGroupOffsets[]>;
    try {
      loaded = this.store.loadAll();
    } catch (error) {
      return this.loadFailed(error);
    }
    if (!isPromiseLike(loaded)) {
      this.applyLoadedOffsets(loaded);
      this.status = 'active';
      return Promise.resolve();
    }
    const loading = Promise.resolve(loaded).then(
      (groups) => {
        if (this.status !== 'loading') return;
        this.applyLoadedOffsets(groups);
        this.status = 'active';
      },
      (error: unknown) => this.loadFailed(error),
    );
    loading.catch(() => {}); // the failure is reported through ready() and the log
    return loading;
  }

  private loadFailed(error: unknown): Promise<never> {
    if (this.status !== 'closed') this.status = 'failed';
    this.report('loading committed offsets', error);
    const failed = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    failed.catch(() => {});
    return failed;
  }

  private applyLoadedOffsets(groups: readonly StoredGroupOffsets[]): void {
    for (const stored of Array.isArray(groups) ? groups : []) {
      if (!isRecord(stored) || typeof stored.groupId !== 'string' || !Array.isArray(stored.offsets)) continue;
      const group = this.groupOrCreate(stored.groupId);
      for (const offset of stored.offsets as unknown[]) {
        const entry = readStoredOffset(offset);
        if (entry) group.offsets.set(entry);
      }
    }
  }

  private scheduleCleanup(): void {
    if (this.emptyGroupCleanupIntervalMs <= 0 || this.status === 'closed') return;
    this.cleanupTimer = this.schedule('empty group cleanup', this.emptyGroupCleanupIntervalMs, () => {
      this.cleanupTimer = null;
      if (this.status === 'active') this.removeEmptyGroupsWithoutOffsets();
      this.scheduleCleanup();
    });
  }

  /** Kafka forgets Empty groups that have no committed offsets when it checks offset retention. */
  private removeEmptyGroupsWithoutOffsets(): void {
    for (const group of [...this.groups.values()]) {
      if (group.is('Empty') && group.offsets.isEmpty && group.pendingMembers.size === 0) {
        group.transitionTo('Dead', this.clock.now());
        this.groups.delete(group.groupId);
      }
    }
  }

  private groupOrCreate(groupId: string): ClassicGroup {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new ClassicGroup(groupId, this.clock.now());
      this.groups.set(groupId, group);
    }
    return group;
  }

  private isCurrent(group: ClassicGroup): boolean {
    return this.groups.get(group.groupId) === group;
  }

  /**
   * Kafka's validateGroupStatus: 24 for a bad group id (JoinGroup, SyncGroup, Heartbeat and
   * LeaveGroup also refuse ''), then 15 when stopped, 14 while loading.
   */
  private groupStatusError(groupId: unknown, allowEmptyGroupId: boolean): number | null {
    if (typeof groupId !== 'string' || (!allowEmptyGroupId && groupId === '')) return E.INVALID_GROUP_ID;
    return this.coordinatorStatusError();
  }

  private coordinatorStatusError(): number | null {
    if (this.status === 'closed' || this.status === 'failed') return E.COORDINATOR_NOT_AVAILABLE;
    if (this.status === 'loading') return E.COORDINATOR_LOAD_IN_PROGRESS;
    return null;
  }

  private schedule(what: string, delayMs: number, callback: () => void): TimerHandle {
    return this.clock.setTimeout(
      () => {
        try {
          callback();
        } catch (error) {
          this.report(what, error);
        }
      },
      Math.max(0, delayMs),
    );
  }

  private report(what: string, error: unknown): void {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.log(`group coordinator: ${what} failed: ${detail}`);
  }
}

/** GroupCoordinator.validateOffsetCommit for non-transactional commits. */
function offsetCommitError(group: ClassicGroup, generationId: number, memberId: string, groupInstanceId: string | null): number | null {
  if (group.is('Dead')) return E.COORDINATOR_NOT_AVAILABLE;
  if (generationId >= 0 || memberId !== '' || groupInstanceId !== null) {
    if (!group.members.has(memberId)) return E.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return E.ILLEGAL_GENERATION;
    return null;
  }
  // A simple commit: only while nobody uses the group for membership.
  return group.is('Empty') ? null : E.UNKNOWN_MEMBER_ID;
}

function fetchedPartition(offset: StoredOffset): OffsetFetchResponsePartition {
  return {
    partitionIndex: offset.partition,
    committedOffset: offset.offset,
    committedLeaderEpoch: offset.leaderEpoch,
    metadata: offset.metadata,
    errorCode: E.NONE,
  };
}

function groupCommitOutcomes(outcomes: readonly CommitOutcome[]): OffsetCommitAnswer['topics'] {
  const topics = new Map<string, OffsetCommitAnswer['topics'][number]>();
  for (const outcome of outcomes) {
    let topic = topics.get(outcome.topic);
    if (!topic) topics.set(outcome.topic, (topic = { name: outcome.topic, partitions: [] }));
    topic.partitions.push({ partitionIndex: outcome.partition.partitionIndex, errorCode: outcome.errorCode });
  }
  return [...topics.values()];
}

/** A loaded offset, or null when a store hands back something malformed. */
function readStoredOffset(value: unknown): StoredOffset | null {
  if (!isRecord(value) || typeof value.topic !== 'string' || !Number.isInteger(value.partition)) return null;
  if (typeof value.offset !== 'number' || !Number.isFinite(value.offset)) return null;
  return {
    topic: value.topic,
    partition: value.partition as number,
    offset: value.offset,
    leaderEpoch: Number.isInteger(value.leaderEpoch) ? (value.leaderEpoch as number) : -1,
    metadata: typeof value.metadata === 'string' ? value.metadata : '',
    commitTimestamp: typeof value.commitTimestamp === 'number' ? value.commitTimestamp : 0,
  };
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
