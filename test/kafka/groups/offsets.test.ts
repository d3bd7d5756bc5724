import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FileOffsetStore,
  GroupCoordinator,
  GroupErrorCode as E,
  MemoryOffsetStore,
  OFFSETS_FILE_NAME,
  type OffsetCommitInput,
  type OffsetStore,
  type StoredGroupOffsets,
} from '../../../embedded/kafka/groups/index.ts';
import { ManualClock } from './manual-clock.ts';
import { CLIENT, harness, joinRequest, stableGroup, subscription } from './helpers.ts';

function simpleCommit(groupId: string, offsets: Array<[string, number, number, string?]>): OffsetCommitInput {
  return {
    groupId,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    topics: [...new Set(offsets.map(([topic]) => topic))].map((topic) => ({
      name: topic,
      partitions: offsets
        .filter(([t]) => t === topic)
        .map(([, partitionIndex, committedOffset, committedMetadata]) => ({
          partitionIndex,
          committedOffset,
          committedMetadata: committedMetadata ?? null,
        })),
    })),
  };
}

function errorCodes(response: { topics: Array<{ partitions: Array<{ errorCode: number }> }> }): number[] {
  return response.topics.flatMap((topic) => topic.partitions.map((partition) => partition.errorCode));
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'group-offsets-'));
  tempDirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('OffsetCommit and OffsetFetch', () => {
  it('accepts a simple commit to an unknown group, creating it Empty, and fetches it back', async () => {
    const { coordinator } = harness();
    const committed = await coordinator.commitOffsets(
      simpleCommit('standalone', [
        ['t', 0, 42, 'hello'],
        ['t', 1, 7],
        ['u', 0, 3],
      ]),
    );
    expect(errorCodes(committed)).toEqual([0, 0, 0]);
    expect(coordinator.groupState('standalone')).toBe('Empty');

    const fetched = coordinator.fetchOffsets({
      groupId: 'standalone',
      topics: [
        { name: 't', partitionIndexes: [0, 1, 2] },
        { name: 'x', partitionIndexes: [0] },
      ],
    });
    expect(fetched).toEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      topics: [
        {
          name: 't',
          partitions: [
            { partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: -1, metadata: 'hello', errorCode: 0 },
            { partitionIndex: 1, committedOffset: 7, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
            { partitionIndex: 2, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
          ],
        },
        { name: 'x', partitions: [{ partitionIndex: 0, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }] },
      ],
    });
  });

  it('returns every committed partition for topics null, and null metadata for missing ones when asked', async () => {
    const { coordinator } = harness();
    await coordinator.commitOffsets(
      simpleCommit('g', [
        ['b', 1, 11],
        ['a', 0, 5],
        ['b', 0, 10],
      ]),
    );
    const all = coordinator.fetchOffsets({ groupId: 'g', topics: null });
    expect(all.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.committedOffset])])).toEqual([
      [
        'b',
        [
          [0, 10],
          [1, 11],
        ],
      ],
      ['a', [[0, 5]]],
    ]);
    expect(coordinator.fetchOffsets({ groupId: 'nobody', topics: null })).toEqual({ throttleTimeMs: 0, errorCode: 0, topics: [] });
    const missing = coordinator.fetchOffsets({ groupId: 'nobody', topics: [{ name: 'a', partitionIndexes: [0] }] }, { nullMetadataWhenMissing: true });
    expect(missing.topics[0]!.partitions[0]).toEqual({ partitionIndex: 0, committedOffset: -1, committedLeaderEpoch: -1, metadata: null, errorCode: 0 });
  });

  it('accepts bigint offsets and later commits win', async () => {
    const { coordinator } = harness();
    await coordinator.commitOffsets(simpleCommit('g', [['t', 0, 1]]));
    // A hand-built request may carry a bigint offset; the coordinator's reader takes it as a number.
    await coordinator.commitOffsets({
      groupId: 'g',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 99n as unknown as number, committedMetadata: 'm' }] }],
    });
    expect(coordinator.fetchOffsets({ groupId: 'g', topics: null }).topics[0]!.partitions[0]).toMatchObject({ committedOffset: 99, metadata: 'm' });
  });

  it('validates member commits: current generation ok, stale generation 22, unknown member 25, simple commit to a live group 25', async () => {
    const h = harness();
    const { leader } = await stableGroup(h, 2);
    const commit = (generationId: number, memberId: string) =>
      h.coordinator.commitOffsets({
        groupId: 'g',
        generationIdOrMemberEpoch: generationId,
        memberId,
        topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 5, committedMetadata: null }] }],
      });
    expect(errorCodes(await commit(1, leader.memberId))).toEqual([E.NONE]);
    expect(errorCodes(await commit(0, leader.memberId))).toEqual([E.ILLEGAL_GENERATION]);
    expect(errorCodes(await commit(1, 'stranger'))).toEqual([E.UNKNOWN_MEMBER_ID]);
    expect(errorCodes(await commit(-1, ''))).toEqual([E.UNKNOWN_MEMBER_ID]);
    // A non-simple commit to a group this coordinator does not know.
    expect(errorCodes(await h.coordinator.commitOffsets({ ...simpleCommit('unknown', [['t', 0, 1]]), generationIdOrMemberEpoch: 3, memberId: 'm' }))).toEqual([
      E.ILLEGAL_GENERATION,
    ]);
    expect(h.coordinator.groupState('unknown')).toBeUndefined();
  });

  it('allows commits while PreparingRebalance but answers 27 while CompletingRebalance', async () => {
    const h = harness();
    const { leader, followers } = await stableGroup(h, 2);
    const commit = (generationId: number, memberId: string) =>
      h.coordinator.commitOffsets({
        groupId: 'g',
        generationIdOrMemberEpoch: generationId,
        memberId,
        topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 5 }] }],
      });
    // A third member: PreparingRebalance, old generation still valid for commits.
    const newcomer = h.coordinator.join(joinRequest(), { ...CLIENT, clientId: 'c' });
    expect(h.coordinator.groupState('g')).toBe('PreparingRebalance');
    expect(errorCodes(await commit(1, followers[0]!.memberId))).toEqual([E.NONE]);
    const rejoins = [leader, followers[0]!].map((m, i) =>
      h.coordinator.join(joinRequest({ memberId: m.memberId, protocols: [{ name: 'range', metadata: subscription(`member-${i}`) }] }), CLIENT),
    );
    await Promise.all([...rejoins, newcomer]);
    expect(h.coordinator.groupState('g')).toBe('CompletingRebalance');
    expect(errorCodes(await commit(2, followers[0]!.memberId))).toEqual([E.REBALANCE_IN_PROGRESS]);
  });

  it('rejects oversized metadata with 12 and unknown partitions with 3 when the broker says so', async () => {
    const { coordinator } = harness({ maxOffsetMetadataBytes: 5, partitionExists: (topic) => topic !== 'gone' });
    const answer = await coordinator.commitOffsets(
      simpleCommit('g', [
        ['t', 0, 1, '123456'],
        ['t', 1, 1, '12345'],
        ['gone', 0, 1],
      ]),
    );
    expect(answer.topics).toEqual([
      {
        name: 't',
        partitions: [
          { partitionIndex: 0, errorCode: E.OFFSET_METADATA_TOO_LARGE },
          { partitionIndex: 1, errorCode: E.NONE },
        ],
      },
      { name: 'gone', partitions: [{ partitionIndex: 0, errorCode: E.UNKNOWN_TOPIC_OR_PARTITION }] },
    ]);
  });

  it('fails a commit the store cannot make durable with 15 and does not apply it', async () => {
    const failing: OffsetStore = {
      save() {
        throw new Error('disk full');
      },
      deleteGroup() {},
      loadAll: () => [],
    };
    const { coordinator } = harness({ store: failing });
    expect(errorCodes(await coordinator.commitOffsets(simpleCommit('g', [['t', 0, 1]])))).toEqual([E.COORDINATOR_NOT_AVAILABLE]);
    expect(coordinator.fetchOffsets({ groupId: 'g', topics: null }).topics).toEqual([]);
  });

  it('waits for an asynchronous store before acknowledging, and answers 14 while it loads', async () => {
    let finishLoad!: (groups: StoredGroupOffsets[]) => void;
    let finishSave!: () => void;
    const saved: string[] = [];
    const asyncStore: OffsetStore = {
      save: (groupId) =>
        new Promise<void>((resolve) => {
          finishSave = () => {
            saved.push(groupId);
            resolve();
          };
        }),
      deleteGroup: async () => {},
      loadAll: () => new Promise((resolve) => (finishLoad = resolve)),
    };
    const coordinator = new GroupCoordinator({ store: asyncStore, clock: new ManualClock() });
    expect(coordinator.fetchOffsets({ groupId: 'g', topics: null }).errorCode).toBe(E.COORDINATOR_LOAD_IN_PROGRESS);
    expect((await coordinator.join(joinRequest(), CLIENT)).errorCode).toBe(E.COORDINATOR_LOAD_IN_PROGRESS);
    finishLoad([{ groupId: 'g', offsets: [{ topic: 't', partition: 0, offset: 9, leaderEpoch: -1, metadata: '', commitTimestamp: 0 }] }]);
    await coordinator.ready();
    expect(coordinator.fetchOffsets({ groupId: 'g', topics: null }).topics[0]!.partitions[0]!.committedOffset).toBe(9);

    let acknowledged = false;
    const commit = coordinator.commitOffsets(simpleCommit('g', [['t', 0, 10]])).then((r) => ((acknowledged = true), r));
    await new Promise((resolve) => setImmediate(resolve));
    expect(acknowledged).toBe(false);
    finishSave();
    expect(errorCodes(await commit)).toEqual([0]);
    expect(saved).toEqual(['g']);
    expect(coordinator.fetchOffsets({ groupId: 'g', topics: null }).topics[0]!.partitions[0]!.committedOffset).toBe(10);
    coordinator.close();
  });

  it('answers 15 forever when loading fails', async () => {
    const broken: OffsetStore = { save() {}, deleteGroup() {}, loadAll: () => Promise.reject(new Error('unreadable')) };
    const coordinator = new GroupCoordinator({ store: broken, clock: new ManualClock() });
    await expect(coordinator.ready()).rejects.toThrow('unreadable');
    expect(coordinator.fetchOffsets({ groupId: 'g', topics: null }).errorCode).toBe(E.COORDINATOR_NOT_AVAILABLE);
  });
});

describe('FileOffsetStore', () => {
  it('keeps offsets across coordinators over the same directory', async () => {
    const dir = tempDir();
    const store = new FileOffsetStore(dir);
    const first = new GroupCoordinator({ store, clock: new ManualClock() });
    await first.commitOffsets(
      simpleCommit('g', [
        ['t', 0, 100, 'meta'],
        ['t', 1, 200],
      ]),
    );
    await first.commitOffsets(simpleCommit('g', [['t', 0, 150]]));
    await first.commitOffsets(simpleCommit('h', [['u', 3, 1]]));
    first.close();
    store.close();

    const reopened = new FileOffsetStore(dir);
    const second = new GroupCoordinator({ store: reopened, clock: new ManualClock() });
    const fetched = second.fetchOffsets({ groupId: 'g', topics: null });
    expect(fetched.topics).toEqual([
      {
        name: 't',
        partitions: [
          { partitionIndex: 0, committedOffset: 150, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
          { partitionIndex: 1, committedOffset: 200, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
        ],
      },
    ]);
    expect(second.listGroups().groups.map((g) => [g.groupId, g.groupState])).toEqual([
      ['g', 'Empty'],
      ['h', 'Empty'],
    ]);
    // Compacted on open: one line per group.
    expect(fs.readFileSync(path.join(dir, OFFSETS_FILE_NAME), 'utf8').trim().split('\n')).toHaveLength(2);
    second.close();
    reopened.close();
  });

  it('ignores a torn last line and keeps appending safely after it', async () => {
    const dir = tempDir();
    const store = new FileOffsetStore(dir);
    store.save('g', [{ topic: 't', partition: 0, offset: 5, leaderEpoch: -1, metadata: '', commitTimestamp: 1 }]);
    store.close();
    fs.appendFileSync(path.join(dir, OFFSETS_FILE_NAME), '{"op":"commit","groupId":"g","offsets":[{"topic":"t","parti');

    const reopened = new FileOffsetStore(dir);
    expect(reopened.skippedLines).toBe(1);
    expect(reopened.loadAll()).toEqual([
      { groupId: 'g', offsets: [{ topic: 't', partition: 0, offset: 5, leaderEpoch: -1, metadata: '', commitTimestamp: 1 }] },
    ]);
    reopened.save('g', [{ topic: 't', partition: 1, offset: 6, leaderEpoch: -1, metadata: '', commitTimestamp: 2 }]);
    reopened.close();

    const third = new FileOffsetStore(dir);
    expect(third.skippedLines).toBe(0);
    expect(third.loadAll()[0]!.offsets.map((o) => [o.partition, o.offset])).toEqual([
      [0, 5],
      [1, 6],
    ]);
    third.close();
  });

  it('persists group deletion and compacts while open after enough appends', () => {
    const dir = tempDir();
    const store = new FileOffsetStore(dir, { compactAfterRecords: 10 });
    for (let i = 0; i < 25; i++) {
      store.save('g', [{ topic: 't', partition: 0, offset: i, leaderEpoch: -1, metadata: '', commitTimestamp: i }]);
    }
    store.save('gone', [{ topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: '', commitTimestamp: 0 }]);
    store.deleteGroup('gone');
    const lines = fs.readFileSync(path.join(dir, OFFSETS_FILE_NAME), 'utf8').trim().split('\n');
    expect(lines.length).toBeLessThan(10);
    store.close();
    const reopened = new FileOffsetStore(dir);
    expect(reopened.loadAll()).toEqual([
      { groupId: 'g', offsets: [{ topic: 't', partition: 0, offset: 24, leaderEpoch: -1, metadata: '', commitTimestamp: 24 }] },
    ]);
    reopened.close();
  });

  it('MemoryOffsetStore returns what was saved', () => {
    const store = new MemoryOffsetStore();
    store.save('g', [{ topic: 't', partition: 0, offset: 1, leaderEpoch: 3, metadata: 'x', commitTimestamp: 0 }]);
    expect(store.loadAll()).toEqual([{ groupId: 'g', offsets: [{ topic: 't', partition: 0, offset: 1, leaderEpoch: 3, metadata: 'x', commitTimestamp: 0 }] }]);
    store.deleteGroup('g');
    expect(store.loadAll()).toEqual([]);
  });
});
