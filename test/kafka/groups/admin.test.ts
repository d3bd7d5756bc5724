import { describe, expect, it } from 'vitest';
import { AUTHORIZED_OPERATIONS_NOT_REQUESTED, GroupErrorCode as E, MemoryOffsetStore } from '../../../embedded/kafka/groups/index.ts';
import { CLIENT, harness, joinNew, joinRequest, stableGroup, subscription } from './helpers.ts';

describe('DescribeGroups', () => {
  it('describes a Stable group with protocol, member metadata and assignments', async () => {
    const h = harness();
    const { leader, followers } = await stableGroup(h, 2);
    const [group] = h.coordinator.describeGroups(['g']).groups;
    expect(group).toEqual({
      errorCode: 0,
      groupId: 'g',
      groupState: 'Stable',
      protocolType: 'consumer',
      protocolData: 'range',
      members: [
        {
          memberId: leader.memberId,
          groupInstanceId: null,
          clientId: 'c0',
          clientHost: '/127.0.0.1',
          memberMetadata: subscription('member-0'),
          memberAssignment: Buffer.from(`assigned:${leader.memberId}`),
        },
        {
          memberId: followers[0]!.memberId,
          groupInstanceId: null,
          clientId: 'c1',
          clientHost: '/127.0.0.1',
          memberMetadata: subscription('member-1'),
          memberAssignment: Buffer.from(`assigned:${followers[0]!.memberId}`),
        },
      ],
      authorizedOperations: AUTHORIZED_OPERATIONS_NOT_REQUESTED,
    });
  });

  it('shows members without metadata while rebalancing, and unknown groups as Dead with error 0', async () => {
    const h = harness({ initialRebalanceDelayMs: 1_000 });
    joinNew(h.coordinator);
    const [preparing, unknown] = h.coordinator.describeGroups(['g', 'nope']).groups;
    expect(preparing).toMatchObject({ groupState: 'PreparingRebalance', protocolType: 'consumer', protocolData: '' });
    expect(preparing!.members).toHaveLength(1);
    expect(preparing!.members[0]!.memberMetadata.length).toBe(0);
    expect(unknown).toMatchObject({ errorCode: 0, groupId: 'nope', groupState: 'Dead', protocolType: '', protocolData: '', members: [] });

    h.clock.advance(1_000);
    await Promise.resolve();
    expect(h.coordinator.describeGroups(['g']).groups[0]!.groupState).toBe('CompletingRebalance');
  });
});

describe('ListGroups', () => {
  it('lists every group with its protocol type and state, optionally filtered by state', async () => {
    const h = harness();
    await stableGroup(h, 1, 'active');
    await h.coordinator.commitOffsets({
      groupId: 'offsets-only',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1 }] }],
    });
    const all = h.coordinator.listGroups();
    expect(all).toEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      groups: [
        { groupId: 'active', protocolType: 'consumer', groupState: 'Stable' },
        { groupId: 'offsets-only', protocolType: '', groupState: 'Empty' },
      ],
    });
    expect(h.coordinator.listGroups({ statesFilter: ['Empty'] }).groups.map((g) => g.groupId)).toEqual(['offsets-only']);
    expect(h.coordinator.listGroups({ statesFilter: ['stable'] }).groups.map((g) => g.groupId)).toEqual(['active']);
  });

  it('forgets Empty groups without offsets at the periodic cleanup, but keeps ones with offsets', async () => {
    const h = harness({ emptyGroupCleanupIntervalMs: 60_000 });
    const { leader } = await stableGroup(h, 1, 'transient');
    h.coordinator.leave({ groupId: 'transient', memberId: leader.memberId });
    await h.coordinator.commitOffsets({
      groupId: 'kept',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1 }] }],
    });
    expect(h.coordinator.listGroups().groups.map((g) => g.groupId)).toEqual(['transient', 'kept']);
    h.clock.advance(60_000);
    expect(h.coordinator.listGroups().groups.map((g) => g.groupId)).toEqual(['kept']);
  });
});

describe('DeleteGroups', () => {
  it('deletes Empty groups with their offsets, refuses live ones with 68, unknown ones with 69', async () => {
    const store = new MemoryOffsetStore();
    const h = harness({ store });
    await stableGroup(h, 1, 'live');
    await h.coordinator.commitOffsets({
      groupId: 'idle',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1 }] }],
    });
    expect(store.loadAll().map((g) => g.groupId)).toEqual(['idle']);

    const answer = h.coordinator.deleteGroups(['idle', 'live', 'ghost', 'idle']);
    expect(answer).toEqual({
      throttleTimeMs: 0,
      results: [
        { groupId: 'idle', errorCode: E.NONE },
        { groupId: 'live', errorCode: E.NON_EMPTY_GROUP },
        { groupId: 'ghost', errorCode: E.GROUP_ID_NOT_FOUND },
      ],
    });
    expect(store.loadAll()).toEqual([]);
    expect(h.coordinator.describeGroups(['idle']).groups[0]!.groupState).toBe('Dead');
    expect(h.coordinator.fetchOffsets({ groupId: 'idle', topics: [{ name: 't', partitionIndexes: [0] }] }).topics[0]!.partitions[0]!.committedOffset).toBe(-1);
    expect(h.coordinator.deleteGroups(['idle']).results[0]!.errorCode).toBe(E.GROUP_ID_NOT_FOUND);
  });

  it('lets a new group of the same name form after deletion', async () => {
    const h = harness();
    const { leader } = await stableGroup(h, 1);
    h.coordinator.leave({ groupId: 'g', memberId: leader.memberId });
    expect(h.coordinator.deleteGroups(['g']).results[0]!.errorCode).toBe(E.NONE);
    const rejoined = h.coordinator.join(joinRequest(), CLIENT);
    h.clock.advance(0);
    expect((await rejoined).generationId).toBe(1);
  });

  it('keeps the group and answers 15 when the store cannot delete', async () => {
    const h = harness({
      store: {
        save() {},
        loadAll: () => [],
        deleteGroup() {
          throw new Error('read-only');
        },
      },
    });
    await h.coordinator.commitOffsets({
      groupId: 'g',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1 }] }],
    });
    expect(h.coordinator.deleteGroups(['g']).results[0]!.errorCode).toBe(E.COORDINATOR_NOT_AVAILABLE);
    expect(h.coordinator.groupState('g')).toBe('Empty');
  });
});
