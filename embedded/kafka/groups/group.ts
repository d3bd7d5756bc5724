/**
 * A classic consumer group's state (apache/kafka `GroupMetadata`): members, leader, generation,
 * chosen protocol, the timers of the current phase and the committed offsets. The protocol logic
 * that moves it between states lives in the coordinator.
 */
import type { TimerHandle } from './clock.ts';
import { CommittedOffsets } from './committed-offsets.ts';
import type { JoinGroupRequestProtocol, JoinGroupResponseMember } from '../protocol/index.ts';
import type { GroupMember } from './member.ts';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** Which states each state may be entered from (GroupMetadata's validPreviousStates). */
const VALID_PREVIOUS_STATES: Record<GroupState, readonly GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

/**
 * The wait before a rebalance completes. `initial` is Kafka's InitialDelayedJoin (group was Empty:
 * wait group.initial.rebalance.delay.ms, longer while new members keep arriving, never early);
 * `rebalance` is DelayedJoin (complete as soon as every member has rejoined, else at the timeout).
 */
export type JoinWait = { kind: 'initial'; delayMs: number; remainingMs: number; timer: TimerHandle } | { kind: 'rebalance'; timer: TimerHandle };

export class ClassicGroup {
  state: GroupState = 'Empty';
  stateChangedAtMs: number;
  generationId = 0;
  /** Set by the first member; kept while Empty so describe/list still show it. */
  protocolType: string | null = null;
  /** The protocol chosen for the current generation. */
  protocolName: string | null = null;
  leaderId: string | null = null;
  /** In join order; the first is the leader unless it leaves. */
  readonly members = new Map<string, GroupMember>();
  /** Ids handed out with MEMBER_ID_REQUIRED that have not joined yet, with their expiry timers. */
  readonly pendingMembers = new Map<string, TimerHandle>();
  /** Members that got their JoinGroup answer and have not sent SyncGroup yet. */
  readonly pendingSyncMemberIds = new Set<string>();
  pendingSyncTimer: TimerHandle | null = null;
  joinWait: JoinWait | null = null;
  /** A member joined during the initial delay of a brand-new group: wait one more delay. */
  newMemberAdded = false;
  readonly offsets = new CommittedOffsets();

  constructor(
    readonly groupId: string,
    nowMs: number,
  ) {
    this.stateChangedAtMs = nowMs;
  }

  transitionTo(state: GroupState, nowMs: number): void {
    if (!VALID_PREVIOUS_STATES[state].includes(this.state)) {
      throw new Error(`group ${this.groupId}: illegal transition ${this.state} -> ${state}`);
    }
    this.state = state;
    this.stateChangedAtMs = nowMs;
  }

  is(state: GroupState): boolean {
    return this.state === state;
  }

  /** A new rebalance can start from these states; PreparingRebalance already is one. */
  canRebalance(): boolean {
    return this.state === 'Stable' || this.state === 'CompletingRebalance' || this.state === 'Empty';
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  add(member: GroupMember): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
  }

  /** Drops the member (and any pending state for its id); a new leader is the next member in join order. */
  remove(memberId: string): void {
    this.members.delete(memberId);
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
    this.pendingSyncMemberIds.delete(memberId);
  }

  /**
   * Whether a member with these protocols may join: any non-empty protocol list while Empty;
   * otherwise the same protocol type and at least one protocol every current member supports.
   */
  supportsProtocols(protocolType: string, protocols: readonly JoinGroupRequestProtocol[]): boolean {
    if (this.is('Empty')) return protocolType !== '' && protocols.length > 0;
    if (this.protocolType !== protocolType) return false;
    return protocols.some((protocol) => this.supportCount(protocol.name) === this.members.size);
  }

  /** The protocol every member supports that most members prefer (each votes for its favourite). */
  selectProtocol(): string {
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const member of this.members.values()) {
      const choice = member.vote(candidates);
      if (choice !== undefined) votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best: string | null = null;
    let bestVotes = 0;
    for (const [protocol, count] of votes) {
      if (count > bestVotes) {
        best = protocol;
        bestVotes = count;
      }
    }
    if (best === null) throw new Error(`group ${this.groupId}: no protocol supported by every member`);
    return best;
  }

  /** The longest rebalance timeout among the members (0 with no members). */
  rebalanceTimeoutMs(): number {
    let longest = 0;
    for (const member of this.members.values()) longest = Math.max(longest, member.rebalanceTimeoutMs);
    return longest;
  }

  hasAllMembersJoined(): boolean {
    for (const member of this.members.values()) if (!member.awaitingJoin) return false;
    return this.pendingMembers.size === 0;
  }

  notYetRejoinedMembers(): GroupMember[] {
    return [...this.members.values()].filter((member) => !member.awaitingJoin);
  }

  /** Makes sure the leader is a member that has rejoined; false when nobody has. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    if (this.members.get(this.leaderId)?.awaitingJoin) return true;
    for (const member of this.members.values()) {
      if (member.awaitingJoin) {
        this.leaderId = member.memberId;
        return true;
      }
    }
    return false;
  }

  /** Bumps the generation: CompletingRebalance with a chosen protocol, or Empty without members. */
  initNextGeneration(nowMs: number): void {
    this.generationId += 1;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.transitionTo('CompletingRebalance', nowMs);
    } else {
      this.protocolName = null;
      this.transitionTo('Empty', nowMs);
    }
    this.pendingSyncMemberIds.clear();
  }

  /** What the leader's JoinGroup response lists: every member's metadata for the chosen protocol. */
  memberMetadataForLeader(): JoinGroupResponseMember[] {
    return [...this.members.values()].map((member) => ({
      memberId: member.memberId,
      groupInstanceId: member.groupInstanceId,
      metadata: member.metadataFor(this.protocolName),
    }));
  }

  findMemberByInstanceId(groupInstanceId: string): GroupMember | undefined {
    for (const member of this.members.values()) if (member.groupInstanceId === groupInstanceId) return member;
    return undefined;
  }

  private candidateProtocols(): Set<string> {
    const candidates = new Set<string>();
    const first = this.members.values().next().value;
    if (!first) return candidates;
    for (const protocol of first.protocols) {
      if (this.supportCount(protocol.name) === this.members.size) candidates.add(protocol.name);
    }
    return candidates;
  }

  private supportCount(protocolName: string): number {
    let count = 0;
    for (const member of this.members.values()) if (member.supports(protocolName)) count++;
    return count;
  }
}
