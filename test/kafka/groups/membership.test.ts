import { describe, expect, it } from 'vitest';
import { GroupErrorCode as E } from '../../../embedded/kafka/groups/index.ts';
import { CLIENT, REBALANCE_TIMEOUT_MS, SESSION_TIMEOUT_MS, flush, harness, joinNew, joinRequest, stableGroup, subscription, track } from './helpers.ts';

describe('JoinGroup and SyncGroup', () => {
  it('gives two members joining together one leader and one generation; the leader sees both metadatas', async () => {
    const h = harness({ initialRebalanceDelayMs: 3_000 });
    const a = joinNew(h.coordinator, { protocols: [{ name: 'range', metadata: subscription('a') }] }, 'client-a');
    const b = joinNew(h.coordinator, { protocols: [{ name: 'range', metadata: subscription('b') }] }, 'client-b');
    await flush();
    expect(a.settled() || b.settled()).toBe(false);
    expect(h.coordinator.groupState('g')).toBe('PreparingRebalance');

    // Kafka's initial delay: B arrived during the first delay, so the group waits one more delay.
    h.clock.advance(3_000);
    await flush();
    expect(a.settled()).toBe(false);
    h.clock.advance(3_000);
    const [joinA, joinB] = await Promise.all([a.promise, b.promise]);

    expect(joinA.errorCode).toBe(E.NONE);
    expect(joinB.errorCode).toBe(E.NONE);
    expect(joinA.memberId).toMatch(/^client-a-[0-9a-f-]{36}$/);
    expect(joinB.memberId).toMatch(/^client-b-[0-9a-f-]{36}$/);
    expect(joinA.generationId).toBe(1);
    expect(joinB.generationId).toBe(1);
    expect(joinA.leader).toBe(joinA.memberId);
    expect(joinB.leader).toBe(joinA.memberId);
    expect(joinA.protocolName).toBe('range');
    expect(joinA.protocolType).toBe('consumer');
    expect(joinA.members).toEqual([
      { memberId: joinA.memberId, groupInstanceId: null, metadata: subscription('a') },
      { memberId: joinB.memberId, groupInstanceId: null, metadata: subscription('b') },
    ]);
    expect(joinB.members).toEqual([]);
    expect(h.coordinator.groupState('g')).toBe('CompletingRebalance');
  });

  it('completes the first rebalance right after the delay when nobody else arrives', async () => {
    const h = harness({ initialRebalanceDelayMs: 3_000 });
    const a = joinNew(h.coordinator);
    h.clock.advance(2_999);
    await flush();
    expect(a.settled()).toBe(false);
    h.clock.advance(1);
    expect((await a.promise).generationId).toBe(1);
  });

  it('parks followers in SyncGroup until the leader sends the assignment, then gives each its own', async () => {
    const h = harness();
    const a = joinNew(h.coordinator);
    const b = joinNew(h.coordinator);
    h.clock.advance(0);
    const [leader, follower] = await Promise.all([a.promise, b.promise]);

    const followerSync = track(h.coordinator.sync({ groupId: 'g', generationId: 1, memberId: follower.memberId, assignments: [] }));
    await flush();
    expect(followerSync.settled()).toBe(false);

    const leaderSync = await h.coordinator.sync({
      groupId: 'g',
      generationId: 1,
      memberId: leader.memberId,
      assignments: [
        { memberId: leader.memberId, assignment: Buffer.from('partitions 0,1') },
        { memberId: follower.memberId, assignment: Buffer.from('partitions 2,3') },
      ],
    });
    expect(leaderSync).toMatchObject({ errorCode: E.NONE, protocolType: 'consumer', protocolName: 'range' });
    expect(leaderSync.assignment.toString()).toBe('partitions 0,1');
    const followerAnswer = await followerSync.promise;
    expect(followerAnswer.errorCode).toBe(E.NONE);
    expect(followerAnswer.assignment.toString()).toBe('partitions 2,3');
    expect(h.coordinator.groupState('g')).toBe('Stable');

    // A late sync while Stable gets the stored assignment at once.
    const again = await h.coordinator.sync({ groupId: 'g', generationId: 1, memberId: follower.memberId, assignments: [] });
    expect(again.assignment.toString()).toBe('partitions 2,3');
  });

  it('gives a member the leader left out an empty assignment', async () => {
    const h = harness();
    const a = joinNew(h.coordinator);
    const b = joinNew(h.coordinator);
    h.clock.advance(0);
    const [leader, follower] = await Promise.all([a.promise, b.promise]);
    const followerSync = h.coordinator.sync({ groupId: 'g', generationId: 1, memberId: follower.memberId, assignments: [] });
    await h.coordinator.sync({
      groupId: 'g',
      generationId: 1,
      memberId: leader.memberId,
      assignments: [{ memberId: leader.memberId, assignment: Buffer.from('all') }],
    });
    expect((await followerSync).assignment.length).toBe(0);
  });

  it('rebalances when a third member joins: the others get 27 on heartbeat, rejoin, and the generation bumps', async () => {
    const h = harness();
    const { leader, followers } = await stableGroup(h, 2);
    const [follower] = followers;

    const c = joinNew(h.coordinator, {}, 'client-c');
    await flush();
    expect(c.settled()).toBe(false);
    expect(h.coordinator.groupState('g')).toBe('PreparingRebalance');

    for (const member of [leader, follower!]) {
      expect(h.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: member.memberId }).errorCode).toBe(E.REBALANCE_IN_PROGRESS);
    }
    // A sync of the old generation during the rebalance also says so.
    const staleSync = await h.coordinator.sync({ groupId: 'g', generationId: 1, memberId: follower!.memberId, assignments: [] });
    expect(staleSync.errorCode).toBe(E.REBALANCE_IN_PROGRESS);

    const rejoinLeader = track(
      h.coordinator.join(joinRequest({ memberId: leader.memberId, protocols: [{ name: 'range', metadata: subscription('member-0') }] }), CLIENT),
    );
    await flush();
    expect(rejoinLeader.settled()).toBe(false);
    const rejoinFollower = h.coordinator.join(
      joinRequest({ memberId: follower!.memberId, protocols: [{ name: 'range', metadata: subscription('member-1') }] }),
      CLIENT,
    );
    // Everyone has rejoined: completes without waiting for any timer.
    const [l, f, newcomer] = await Promise.all([rejoinLeader.promise, rejoinFollower, c.promise]);
    for (const answer of [l, f, newcomer]) {
      expect(answer.errorCode).toBe(E.NONE);
      expect(answer.generationId).toBe(2);
      expect(answer.leader).toBe(leader.memberId);
    }
    expect(l.members.map((m) => m.memberId)).toEqual([leader.memberId, follower!.memberId, newcomer.memberId]);
    expect(f.members).toEqual([]);
    expect(newcomer.members).toEqual([]);
    // The old generation is now illegal.
    expect(h.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: leader.memberId }).errorCode).toBe(E.ILLEGAL_GENERATION);
  });

  it('evicts members that do not rejoin within the rebalance timeout', async () => {
    const h = harness();
    const { leader, followers } = await stableGroup(h, 2);
    const c = joinNew(h.coordinator, {}, 'client-c');
    const rejoin = h.coordinator.join(joinRequest({ memberId: leader.memberId, protocols: [{ name: 'range', metadata: subscription('member-0') }] }), CLIENT);
    // The follower keeps heartbeating (getting 27) but never rejoins.
    for (let t = 0; t < REBALANCE_TIMEOUT_MS - 3_000; t += 3_000) {
      h.clock.advance(3_000);
      expect(h.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: followers[0]!.memberId }).errorCode).toBe(E.REBALANCE_IN_PROGRESS);
    }
    await flush();
    expect(c.settled()).toBe(false);
    h.clock.advance(3_000);
    const [l, newcomer] = await Promise.all([rejoin, c.promise]);
    expect(l.generationId).toBe(2);
    expect(l.members.map((m) => m.memberId)).toEqual([leader.memberId, newcomer.memberId]);
    expect(h.coordinator.heartbeat({ groupId: 'g', generationId: 2, memberId: followers[0]!.memberId }).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
  });

  it('returns the current generation without a rebalance to a follower rejoining a Stable group with the same metadata', async () => {
    const h = harness();
    const { leader, followers } = await stableGroup(h, 2);
    const follower = followers[0]!;
    const again = await h.coordinator.join(
      joinRequest({ memberId: follower.memberId, protocols: [{ name: 'range', metadata: subscription('member-1') }] }),
      CLIENT,
    );
    expect(again).toMatchObject({ errorCode: E.NONE, generationId: 1, leader: leader.memberId, members: [] });
    expect(h.coordinator.groupState('g')).toBe('Stable');

    // New metadata, though, starts a rebalance.
    const changed = track(
      h.coordinator.join(joinRequest({ memberId: follower.memberId, protocols: [{ name: 'range', metadata: subscription('other') }] }), CLIENT),
    );
    await flush();
    expect(changed.settled()).toBe(false);
    expect(h.coordinator.groupState('g')).toBe('PreparingRebalance');
  });

  it('starts a rebalance when the leader rejoins a Stable group, even with the same metadata', async () => {
    const h = harness();
    const { leader } = await stableGroup(h, 2);
    const rejoin = track(
      h.coordinator.join(joinRequest({ memberId: leader.memberId, protocols: [{ name: 'range', metadata: subscription('member-0') }] }), CLIENT),
    );
    await flush();
    expect(rejoin.settled()).toBe(false);
    expect(h.coordinator.groupState('g')).toBe('PreparingRebalance');
  });

  it('answers a parked SyncGroup with 27 when a new rebalance starts before the leader syncs', async () => {
    const h = harness();
    const a = joinNew(h.coordinator);
    const b = joinNew(h.coordinator);
    h.clock.advance(0);
    const [, follower] = await Promise.all([a.promise, b.promise]);
    const parkedSync = h.coordinator.sync({ groupId: 'g', generationId: 1, memberId: follower.memberId, assignments: [] });
    joinNew(h.coordinator, {}, 'client-c');
    expect((await parkedSync).errorCode).toBe(E.REBALANCE_IN_PROGRESS);
  });

  it('validates SyncGroup: unknown member 25, wrong generation 22, wrong protocol 23', async () => {
    const h = harness();
    const { leader } = await stableGroup(h, 1);
    const sync = (overrides: object) => h.coordinator.sync({ groupId: 'g', generationId: 1, memberId: leader.memberId, assignments: [], ...overrides });
    expect((await sync({ memberId: 'nobody' })).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
    expect((await sync({ generationId: 7 })).errorCode).toBe(E.ILLEGAL_GENERATION);
    expect((await sync({ protocolName: 'roundrobin' })).errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL);
    expect((await sync({ groupId: 'other' })).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
    expect((await sync({ groupId: '' })).errorCode).toBe(E.INVALID_GROUP_ID);
  });

  it('removes members that never send SyncGroup within the rebalance timeout and rebalances', async () => {
    const h = harness();
    const a = joinNew(h.coordinator);
    const b = joinNew(h.coordinator);
    h.clock.advance(0);
    const [leader, follower] = await Promise.all([a.promise, b.promise]);
    await h.coordinator.sync({
      groupId: 'g',
      generationId: 1,
      memberId: leader.memberId,
      assignments: [{ memberId: leader.memberId, assignment: Buffer.from('x') }],
    });
    expect(h.coordinator.groupState('g')).toBe('Stable');
    // The leader heartbeats; the follower never syncs.
    for (let t = 0; t < REBALANCE_TIMEOUT_MS; t += 3_000) {
      h.clock.advance(3_000);
      h.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: leader.memberId });
    }
    expect(h.coordinator.groupState('g')).toBe('PreparingRebalance');
    expect(h.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: follower.memberId }).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
  });
});

describe('JoinGroup validation and member ids', () => {
  it('answers v4+ first joins with 79 MEMBER_ID_REQUIRED and the id to rejoin with', async () => {
    const h = harness();
    const context = { ...CLIENT, clientId: 'kafkajs', requireKnownMemberId: true };
    const first = await h.coordinator.join(joinRequest(), context);
    expect(first.errorCode).toBe(E.MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^kafkajs-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(first.generationId).toBe(-1);
    // The pending member does not start a rebalance by itself.
    expect(h.coordinator.groupState('g')).toBe('Empty');

    const second = track(h.coordinator.join(joinRequest({ memberId: first.memberId }), context));
    h.clock.advance(0);
    const joined = await second.promise;
    expect(joined).toMatchObject({ errorCode: E.NONE, memberId: first.memberId, leader: first.memberId, generationId: 1 });
  });

  it('holds a rebalance open for a member id handed out with 79 until that member rejoins (Kafka hasAllMembersJoined)', async () => {
    const h = harness();
    const { leader } = await stableGroup(h, 1);
    const context = { ...CLIENT, clientId: 'late', requireKnownMemberId: true };
    const pending = await h.coordinator.join(joinRequest(), context);
    expect(pending.errorCode).toBe(E.MEMBER_ID_REQUIRED);
    expect(h.coordinator.groupState('g')).toBe('Stable');

    // The leader rejoins (forcing a rebalance); it must wait for the pending member.
    const rejoin = track(
      h.coordinator.join(joinRequest({ memberId: leader.memberId, protocols: [{ name: 'range', metadata: subscription('member-0') }] }), CLIENT),
    );
    await flush();
    expect(rejoin.settled()).toBe(false);
    const late = h.coordinator.join(joinRequest({ memberId: pending.memberId }), context);
    const [l, newcomer] = await Promise.all([rejoin.promise, late]);
    expect(l.generationId).toBe(2);
    expect(l.members.map((m) => m.memberId)).toEqual([leader.memberId, newcomer.memberId]);
  });

  it('stops waiting for a pending member id once it expires', async () => {
    const h = harness();
    const { leader } = await stableGroup(h, 1);
    await h.coordinator.join(joinRequest(), { ...CLIENT, requireKnownMemberId: true });
    const rejoin = track(
      h.coordinator.join(joinRequest({ memberId: leader.memberId, protocols: [{ name: 'range', metadata: subscription('member-0') }] }), CLIENT),
    );
    h.clock.advance(SESSION_TIMEOUT_MS - 1);
    await flush();
    expect(rejoin.settled()).toBe(false);
    h.clock.advance(1);
    expect((await rejoin.promise).members.map((m) => m.memberId)).toEqual([leader.memberId]);
  });

  it('forgets a pending member id after the session timeout', async () => {
    const h = harness();
    const context = { ...CLIENT, requireKnownMemberId: true };
    const first = await h.coordinator.join(joinRequest(), context);
    h.clock.advance(SESSION_TIMEOUT_MS);
    const late = await h.coordinator.join(joinRequest({ memberId: first.memberId }), context);
    expect(late.errorCode).toBe(E.UNKNOWN_MEMBER_ID);
  });

  it('answers 25 to a join with an unknown member id, and creates no group for it', async () => {
    const h = harness();
    const answer = await h.coordinator.join(joinRequest({ memberId: 'made-up' }), CLIENT);
    expect(answer).toMatchObject({ errorCode: E.UNKNOWN_MEMBER_ID, memberId: 'made-up', generationId: -1 });
    expect(h.coordinator.groupState('g')).toBeUndefined();
  });

  it('answers 23 when the joining member shares no protocol with the group, or its protocol type differs', async () => {
    const h = harness();
    await stableGroup(h, 1);
    const kafkajs = await h.coordinator.join(joinRequest({ protocols: [{ name: 'RoundRobinAssigner', metadata: subscription('t') }] }), CLIENT);
    expect(kafkajs.errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL);
    const connect = await h.coordinator.join(joinRequest({ protocolType: 'connect' }), CLIENT);
    expect(connect.errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL);
    // A first member needs a protocol type and at least one protocol.
    expect((await h.coordinator.join(joinRequest({ groupId: 'g2', protocolType: '' }), CLIENT)).errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL);
    expect((await h.coordinator.join(joinRequest({ groupId: 'g3', protocols: [] }), CLIENT)).errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('chooses the protocol every member supports by vote', async () => {
    const h = harness();
    const both = [
      { name: 'roundrobin', metadata: subscription('rr') },
      { name: 'range', metadata: subscription('range') },
    ];
    const a = joinNew(h.coordinator, { protocols: both });
    const b = joinNew(h.coordinator, { protocols: [both[1]!, both[0]!] });
    const c = joinNew(h.coordinator, { protocols: [both[1]!] });
    h.clock.advance(0);
    const [leader] = await Promise.all([a.promise, b.promise, c.promise]);
    expect(leader.protocolName).toBe('range');
    expect(leader.members.every((m) => m.metadata.equals(subscription('range')))).toBe(true);
  });

  it('rejects session timeouts outside 6000..1800000 with 26 and empty group ids with 24', async () => {
    const h = harness();
    expect((await h.coordinator.join(joinRequest({ sessionTimeoutMs: 5_999 }), CLIENT)).errorCode).toBe(E.INVALID_SESSION_TIMEOUT);
    expect((await h.coordinator.join(joinRequest({ sessionTimeoutMs: 1_800_001 }), CLIENT)).errorCode).toBe(E.INVALID_SESSION_TIMEOUT);
    expect((await h.coordinator.join(joinRequest({ groupId: '' }), CLIENT)).errorCode).toBe(E.INVALID_GROUP_ID);
    expect(h.coordinator.heartbeat({ groupId: '', generationId: 1, memberId: 'm' }).errorCode).toBe(E.INVALID_GROUP_ID);
  });

  it('never throws on malformed input', async () => {
    const h = harness();
    const junk = [null, undefined, 42, 'x', {}, { groupId: 'g', protocols: 'nope' }] as never[];
    for (const body of junk) {
      expect((await h.coordinator.join(body, CLIENT)).errorCode).toBeGreaterThan(0);
      expect((await h.coordinator.sync(body)).errorCode).toBeGreaterThan(0);
      expect(h.coordinator.heartbeat(body).errorCode).toBeGreaterThan(0);
      expect(h.coordinator.leave(body).errorCode).toBeGreaterThan(0);
      // `{ groupId: 'g' }` without topics is a valid fetch of every committed partition.
      if (typeof body !== 'object' || body === null || !('groupId' in body)) {
        expect(h.coordinator.fetchOffsets(body).errorCode).toBeGreaterThan(0);
      }
      await h.coordinator.commitOffsets(body);
    }
    expect((await h.coordinator.join(joinRequest({ protocols: [{ name: 'range', metadata: 'text' as never }] }), CLIENT)).errorCode).toBe(E.INVALID_REQUEST);
    expect(h.coordinator.describeGroups(null as never).groups).toEqual([]);
    expect(h.coordinator.deleteGroups([7 as never]).results[0]!.errorCode).toBe(E.INVALID_GROUP_ID);
  });
});

describe('sessions and LeaveGroup', () => {
  it('evicts a member whose session expires and rebalances without it', async () => {
    const h = harness();
    const { leader, followers } = await stableGroup(h, 2);
    const follower = followers[0]!;
    // Only the leader heartbeats.
    for (let t = 0; t < SESSION_TIMEOUT_MS - 3_000; t += 3_000) {
      h.clock.advance(3_000);
      expect(h.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: leader.memberId }).errorCode).toBe(E.NONE);
    }
    h.clock.advance(3_000);
    expect(h.coordinator.groupState('g')).toBe('PreparingRebalance');
    expect(h.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: leader.memberId }).errorCode).toBe(E.REBALANCE_IN_PROGRESS);
    const rejoin = await h.coordinator.join(
      joinRequest({ memberId: leader.memberId, protocols: [{ name: 'range', metadata: subscription('member-0') }] }),
      CLIENT,
    );
    expect(rejoin.generationId).toBe(2);
    expect(rejoin.members.map((m) => m.memberId)).toEqual([leader.memberId]);
    expect(h.coordinator.heartbeat({ groupId: 'g', generationId: 2, memberId: follower.memberId }).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
  });

  it('keeps members parked in JoinGroup alive past their session timeout', async () => {
    const h = harness();
    const { leader, followers } = await stableGroup(h, 2);
    joinNew(h.coordinator, {}, 'client-c');
    const rejoin = track(
      h.coordinator.join(joinRequest({ memberId: leader.memberId, protocols: [{ name: 'range', metadata: subscription('member-0') }] }), CLIENT),
    );
    // Well past the leader's session timeout, but the follower still has not rejoined.
    for (let t = 0; t < SESSION_TIMEOUT_MS * 2; t += 3_000) {
      h.clock.advance(3_000);
      h.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: followers[0]!.memberId });
    }
    await flush();
    expect(rejoin.settled()).toBe(false);
    await h.coordinator.join(joinRequest({ memberId: followers[0]!.memberId, protocols: [{ name: 'range', metadata: subscription('member-1') }] }), CLIENT);
    const answer = await rejoin.promise;
    expect(answer.errorCode).toBe(E.NONE);
    expect(answer.members).toHaveLength(3);
  });

  it('rebalances when a member leaves (v0–2), and goes Empty when the last one leaves', async () => {
    const h = harness();
    const { leader, followers } = await stableGroup(h, 2);
    const left = h.coordinator.leave({ groupId: 'g', memberId: followers[0]!.memberId });
    expect(left.errorCode).toBe(E.NONE);
    expect(h.coordinator.groupState('g')).toBe('PreparingRebalance');
    expect(h.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: leader.memberId }).errorCode).toBe(E.REBALANCE_IN_PROGRESS);
    const rejoin = await h.coordinator.join(
      joinRequest({ memberId: leader.memberId, protocols: [{ name: 'range', metadata: subscription('member-0') }] }),
      CLIENT,
    );
    expect(rejoin.generationId).toBe(2);
    await h.coordinator.sync({ groupId: 'g', generationId: 2, memberId: leader.memberId, assignments: [] });

    expect(h.coordinator.leave({ groupId: 'g', memberId: leader.memberId }).errorCode).toBe(E.NONE);
    expect(h.coordinator.groupState('g')).toBe('Empty');
    const described = h.coordinator.describeGroups(['g']).groups[0]!;
    expect(described).toMatchObject({ groupState: 'Empty', protocolType: 'consumer', members: [] });
    // The generation moved on when the group emptied, as in Kafka.
    expect(h.coordinator.leave({ groupId: 'g', memberId: leader.memberId }).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
  });

  it('answers each member of a v3 LeaveGroup separately', async () => {
    const h = harness();
    const { leader, followers } = await stableGroup(h, 3);
    const answer = h.coordinator.leave({
      groupId: 'g',
      members: [
        { memberId: followers[0]!.memberId, groupInstanceId: null },
        { memberId: 'ghost', groupInstanceId: null },
        { memberId: followers[1]!.memberId },
      ],
    });
    expect(answer.errorCode).toBe(E.NONE);
    expect(answer.members).toEqual([
      { memberId: followers[0]!.memberId, groupInstanceId: null, errorCode: E.NONE },
      { memberId: 'ghost', groupInstanceId: null, errorCode: E.UNKNOWN_MEMBER_ID },
      { memberId: followers[1]!.memberId, groupInstanceId: null, errorCode: E.NONE },
    ]);
    // The leader alone is left; its rejoin completes the rebalance at once.
    const rejoin = await h.coordinator.join(
      joinRequest({ memberId: leader.memberId, protocols: [{ name: 'range', metadata: subscription('member-0') }] }),
      CLIENT,
    );
    expect(rejoin.members.map((m) => m.memberId)).toEqual([leader.memberId]);
    // v0–2: a single unknown member is the top-level error.
    expect(h.coordinator.leave({ groupId: 'g', memberId: 'ghost' }).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
    expect(h.coordinator.leave({ groupId: 'unknown', memberId: 'ghost' }).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
  });

  it('lets a member leave while the others are parked in JoinGroup, completing the rebalance', async () => {
    const h = harness();
    const { leader, followers } = await stableGroup(h, 2);
    const c = joinNew(h.coordinator, {}, 'client-c');
    const rejoin = h.coordinator.join(joinRequest({ memberId: leader.memberId, protocols: [{ name: 'range', metadata: subscription('member-0') }] }), CLIENT);
    h.coordinator.leave({ groupId: 'g', memberId: followers[0]!.memberId });
    const [l, newcomer] = await Promise.all([rejoin, c.promise]);
    expect(l.generationId).toBe(2);
    expect(l.members.map((m) => m.memberId)).toEqual([leader.memberId, newcomer.memberId]);
  });
});

describe('close()', () => {
  it('fails parked JoinGroup and SyncGroup requests with 15 and clears every timer', async () => {
    const h = harness({ initialRebalanceDelayMs: 3_000 });
    const parkedJoin = h.coordinator.join(joinRequest(), CLIENT);
    const other = harness();
    const a = joinNew(other.coordinator);
    const b = joinNew(other.coordinator);
    other.clock.advance(0);
    const [, follower] = await Promise.all([a.promise, b.promise]);
    const parkedSync = other.coordinator.sync({ groupId: 'g', generationId: 1, memberId: follower.memberId, assignments: [] });

    h.coordinator.close();
    other.coordinator.close();
    expect((await parkedJoin).errorCode).toBe(E.COORDINATOR_NOT_AVAILABLE);
    expect((await parkedSync).errorCode).toBe(E.COORDINATOR_NOT_AVAILABLE);
    expect(h.clock.pendingTimers).toBe(0);
    expect(other.clock.pendingTimers).toBe(0);

    expect((await h.coordinator.join(joinRequest(), CLIENT)).errorCode).toBe(E.COORDINATOR_NOT_AVAILABLE);
    expect(h.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: 'm' }).errorCode).toBe(E.COORDINATOR_NOT_AVAILABLE);
    expect(h.coordinator.listGroups().errorCode).toBe(E.COORDINATOR_NOT_AVAILABLE);
  });
});
