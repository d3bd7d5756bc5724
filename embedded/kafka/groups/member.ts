/** One member of a classic group, as the coordinator tracks it between requests. */
import type { TimerHandle } from './clock.ts';
import type { JoinGroupRequestProtocol } from '../protocol/index.ts';
import type { JoinGroupAnswer, SyncGroupAnswer } from './messages.ts';

export const EMPTY_BYTES: Buffer = Buffer.alloc(0);

export type JoinResponder = (response: JoinGroupAnswer) => void;
export type SyncResponder = (response: SyncGroupAnswer) => void;

export interface GroupMemberInit {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: JoinGroupRequestProtocol[];
}

export class GroupMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly protocolType: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  /** In the member's order of preference. */
  protocols: JoinGroupRequestProtocol[];
  /** What the leader assigned it in the last completed SyncGroup. */
  assignment: Buffer = EMPTY_BYTES;
  /** Set while its JoinGroup is parked until the rebalance completes. */
  awaitingJoin: JoinResponder | null = null;
  /** Set while its SyncGroup is parked until the leader's assignment arrives. */
  awaitingSync: SyncResponder | null = null;
  /** Joined but no JoinGroup answered yet: expires after the new-member join timeout, not the session. */
  isNew = false;
  sessionTimer: TimerHandle | null = null;

  constructor(init: GroupMemberInit) {
    this.memberId = init.memberId;
    this.groupInstanceId = init.groupInstanceId;
    this.clientId = init.clientId;
    this.clientHost = init.clientHost;
    this.protocolType = init.protocolType;
    this.rebalanceTimeoutMs = init.rebalanceTimeoutMs;
    this.sessionTimeoutMs = init.sessionTimeoutMs;
    this.protocols = init.protocols;
  }

  supports(protocolName: string): boolean {
    return this.protocols.some((protocol) => protocol.name === protocolName);
  }

  metadataFor(protocolName: string | null): Buffer {
    if (protocolName === null) return EMPTY_BYTES;
    return this.protocols.find((protocol) => protocol.name === protocolName)?.metadata ?? EMPTY_BYTES;
  }

  /** Same protocols, in the same order, with the same metadata bytes. */
  hasSameProtocols(protocols: readonly JoinGroupRequestProtocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false;
    return protocols.every((protocol, index) => protocol.name === this.protocols[index]!.name && protocol.metadata.equals(this.protocols[index]!.metadata));
  }

  /** The member's most preferred protocol among `candidates`. */
  vote(candidates: ReadonlySet<string>): string | undefined {
    return this.protocols.find((protocol) => candidates.has(protocol.name))?.name;
  }
}
