/**
 * Golden tests against kafkajs's own protocol code: Metadata v0–6, FindCoordinator v0–2,
 * JoinGroup v0–5, SyncGroup v0–3, Heartbeat v0–3, LeaveGroup v0–3, OffsetCommit v0–5,
 * OffsetFetch v1–4 (v0 is in golden-literal.test.ts: kafkajs lacks it).
 */
import { describe, expect, it } from 'vitest';
import type {
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  HeartbeatRequest,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  MetadataRequest,
  MetadataResponse,
  OffsetCommitRequest,
  OffsetFetchRequest,
  OffsetFetchResponse,
  SyncGroupRequest,
} from '../../../embedded/kafka/protocol/index.ts';
import { encodeRes, goldenRequest, kjs, kjsParse } from './helpers.ts';

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
/** kafkajs names throttle_time_ms `clientSideThrottleTime` from the version that follows KIP-219. */
const throttleOf = (parsed: { throttleTime?: number; clientSideThrottleTime?: number }): number | undefined =>
  parsed.clientSideThrottleTime ?? parsed.throttleTime;

describe('Metadata (key 3) v0–6 vs kafkajs', () => {
  for (const version of range(0, 6)) {
    it(`v${version} request`, async () => {
      const req = await goldenRequest<MetadataRequest>(3, version, kjs('metadata', version, { topics: ['pageviews', 'users'], allowAutoTopicCreation: false }));
      expect(req.topics).toEqual([{ name: 'pageviews' }, { name: 'users' }]);
      expect(req.allowAutoTopicCreation).toBe(version >= 4 ? false : true);
      if (version >= 1) {
        // kafkajs encodes "all topics" as a null array
        const all = await goldenRequest<MetadataRequest>(3, version, kjs('metadata', version, { topics: [] }));
        expect(all.topics).toBeNull();
      }
    });

    it(`v${version} response`, async () => {
      const body: MetadataResponse = {
        throttleTimeMs: 2,
        brokers: [
          { nodeId: 0, host: '127.0.0.1', port: 9092, rack: null },
          { nodeId: 1, host: '127.0.0.1', port: 9093, rack: 'r1' },
        ],
        clusterId: 'embedded-cluster',
        controllerId: 1,
        topics: [
          {
            errorCode: 0,
            name: 'pageviews',
            isInternal: false,
            partitions: [
              { errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1, 0], isrNodes: [1, 0], offlineReplicas: [] },
              { errorCode: 0, partitionIndex: 1, leaderId: 0, replicaNodes: [0], isrNodes: [0], offlineReplicas: [2] },
            ],
          },
          { errorCode: 0, name: '__consumer_offsets', isInternal: true, partitions: [] },
        ],
      };
      const parsed = await kjsParse(kjs('metadata', version, { topics: [] }), encodeRes(3, version, body));
      expect(parsed.brokers.map((b: { nodeId: number; host: string; port: number }) => [b.nodeId, b.host, b.port])).toEqual([
        [0, '127.0.0.1', 9092],
        [1, '127.0.0.1', 9093],
      ]);
      if (version >= 1) {
        expect(parsed.brokers[1].rack).toBe('r1');
        expect(parsed.brokers[0].rack).toBeNull();
        expect(parsed.controllerId).toBe(1);
        expect(parsed.topicMetadata[1].isInternal).toBe(true);
      }
      if (version >= 2) expect(parsed.clusterId).toBe('embedded-cluster');
      if (version >= 3) expect(throttleOf(parsed)).toBe(2);
      expect(parsed.topicMetadata[0].topic).toBe('pageviews');
      expect(parsed.topicMetadata[0].partitionMetadata[1]).toMatchObject({ partitionErrorCode: 0, partitionId: 1, leader: 0, replicas: [0], isr: [0] });
      if (version >= 5) expect(parsed.topicMetadata[0].partitionMetadata[1].offlineReplicas).toEqual([2]);
    });
  }
});

describe('FindCoordinator (key 10) v0–2 vs kafkajs', () => {
  for (const version of range(0, 2)) {
    it(`v${version} request`, async () => {
      const req = await goldenRequest<FindCoordinatorRequest>(10, version, kjs('findCoordinator', version, { groupId: 'my-group', coordinatorType: 1 }));
      expect(req).toEqual({ key: 'my-group', keyType: version >= 1 ? 1 : 0 });
    });

    it(`v${version} response`, async () => {
      const body: FindCoordinatorResponse = { throttleTimeMs: 1, errorCode: 0, errorMessage: null, nodeId: 2, host: '127.0.0.1', port: 9094 };
      const parsed = await kjsParse(kjs('findCoordinator', version, { groupId: 'g' }), encodeRes(10, version, body));
      expect(parsed.errorCode).toBe(0);
      expect(parsed.coordinator).toEqual({ nodeId: 2, host: '127.0.0.1', port: 9094 });
      if (version >= 1) {
        expect(parsed.errorMessage).toBeNull();
        expect(throttleOf(parsed)).toBe(1);
      }
    });
  }
});

describe('JoinGroup (key 11) v0–5 vs kafkajs', () => {
  const metadata = Buffer.from([0, 1, 0, 0, 0, 1, 0, 3, 0x61, 0x62, 0x63, 0, 0, 0, 0]);
  for (const version of range(0, 5)) {
    it(`v${version} request`, async () => {
      const req = await goldenRequest<JoinGroupRequest>(
        11,
        version,
        kjs('joinGroup', version, {
          groupId: 'g1',
          sessionTimeout: 30000,
          rebalanceTimeout: 60000,
          memberId: '',
          groupInstanceId: 'instance-1',
          protocolType: 'consumer',
          groupProtocols: [{ name: 'RoundRobinAssigner', metadata }, { name: 'other' }],
        }),
      );
      expect(req.groupId).toBe('g1');
      expect(req.sessionTimeoutMs).toBe(30000);
      expect(req.rebalanceTimeoutMs).toBe(version >= 1 ? 60000 : -1);
      expect(req.memberId).toBe('');
      expect(req.groupInstanceId).toBe(version >= 5 ? 'instance-1' : null);
      expect(req.protocolType).toBe('consumer');
      expect(req.protocols).toEqual([
        { name: 'RoundRobinAssigner', metadata },
        { name: 'other', metadata: Buffer.alloc(0) },
      ]);
    });

    it(`v${version} response`, async () => {
      const body: JoinGroupResponse = {
        throttleTimeMs: 5,
        errorCode: 0,
        generationId: 3,
        protocolName: 'RoundRobinAssigner',
        leader: 'member-a',
        memberId: 'member-a',
        members: [
          { memberId: 'member-a', groupInstanceId: null, metadata },
          { memberId: 'member-b', groupInstanceId: 'i-b', metadata: Buffer.alloc(0) },
        ],
      };
      const parsed = await kjsParse(kjs('joinGroup', version, { groupProtocols: [] }), encodeRes(11, version, body));
      expect(parsed).toMatchObject({ errorCode: 0, generationId: 3, groupProtocol: 'RoundRobinAssigner', leaderId: 'member-a', memberId: 'member-a' });
      expect(parsed.members.map((m: { memberId: string; memberMetadata: Buffer }) => [m.memberId, m.memberMetadata])).toEqual([
        ['member-a', metadata],
        ['member-b', Buffer.alloc(0)],
      ]);
      if (version >= 5) expect(parsed.members.map((m: { groupInstanceId: string | null }) => m.groupInstanceId)).toEqual([null, 'i-b']);
      if (version >= 2) expect(throttleOf(parsed)).toBe(5);
    });
  }

  it('v4 MEMBER_ID_REQUIRED reaches kafkajs with the generated member id', async () => {
    const body: JoinGroupResponse = { throttleTimeMs: 0, errorCode: 79, generationId: -1, protocolName: '', leader: '', memberId: 'generated-1', members: [] };
    await expect(kjsParse(kjs('joinGroup', 4, { groupProtocols: [] }), encodeRes(11, 4, body))).rejects.toMatchObject({ memberId: 'generated-1' });
  });
});

describe('SyncGroup (key 14) v0–3 vs kafkajs', () => {
  for (const version of range(0, 3)) {
    it(`v${version} request and response`, async () => {
      const req = await goldenRequest<SyncGroupRequest>(
        14,
        version,
        kjs('syncGroup', version, {
          groupId: 'g1',
          generationId: 4,
          memberId: 'm1',
          groupInstanceId: 'i1',
          groupAssignment: [
            { memberId: 'm1', memberAssignment: Buffer.from([1, 2, 3]) },
            { memberId: 'm2', memberAssignment: Buffer.alloc(0) },
          ],
        }),
      );
      expect(req).toEqual({
        groupId: 'g1',
        generationId: 4,
        memberId: 'm1',
        groupInstanceId: version >= 3 ? 'i1' : null,
        assignments: [
          { memberId: 'm1', assignment: Buffer.from([1, 2, 3]) },
          { memberId: 'm2', assignment: Buffer.alloc(0) },
        ],
      });
      const parsed = await kjsParse(
        kjs('syncGroup', version, { groupAssignment: [] }),
        encodeRes(14, version, { throttleTimeMs: 6, errorCode: 0, assignment: Buffer.from([9, 8]) }),
      );
      expect(parsed.errorCode).toBe(0);
      expect(parsed.memberAssignment).toEqual(Buffer.from([9, 8]));
      if (version >= 1) expect(throttleOf(parsed)).toBe(6);
    });
  }
});

describe('Heartbeat (key 12) v0–3 vs kafkajs', () => {
  for (const version of range(0, 3)) {
    it(`v${version} request and response`, async () => {
      const req = await goldenRequest<HeartbeatRequest>(
        12,
        version,
        kjs('heartbeat', version, { groupId: 'g1', groupGenerationId: 9, memberId: 'm1', groupInstanceId: 'i1' }),
      );
      expect(req).toEqual({ groupId: 'g1', generationId: 9, memberId: 'm1', groupInstanceId: version >= 3 ? 'i1' : null });
      const parsed = await kjsParse(kjs('heartbeat', version, {}), encodeRes(12, version, { throttleTimeMs: 7, errorCode: 0 }));
      expect(parsed.errorCode).toBe(0);
      if (version >= 1) expect(throttleOf(parsed)).toBe(7);
      // 27 REBALANCE_IN_PROGRESS is how members learn to rejoin: kafkajs must see it as an error
      await expect(kjsParse(kjs('heartbeat', version, {}), encodeRes(12, version, { throttleTimeMs: 0, errorCode: 27 }))).rejects.toMatchObject({
        type: 'REBALANCE_IN_PROGRESS',
      });
    });
  }
});

describe('LeaveGroup (key 13) v0–3 vs kafkajs', () => {
  for (const version of range(0, 3)) {
    it(`v${version} request and response`, async () => {
      const req = await goldenRequest<LeaveGroupRequest>(13, version, kjs('leaveGroup', version, { groupId: 'g1', memberId: 'm1', groupInstanceId: null }));
      if (version >= 3) expect(req).toEqual({ groupId: 'g1', memberId: '', members: [{ memberId: 'm1', groupInstanceId: null }] });
      else expect(req).toEqual({ groupId: 'g1', memberId: 'm1', members: [] });
      const body: LeaveGroupResponse = { throttleTimeMs: 8, errorCode: 0, members: [{ memberId: 'm1', groupInstanceId: null, errorCode: 0 }] };
      const parsed = await kjsParse(kjs('leaveGroup', version, {}), encodeRes(13, version, body));
      expect(parsed.errorCode).toBe(0);
      if (version >= 1) expect(throttleOf(parsed)).toBe(8);
      if (version >= 3) expect(parsed.members).toEqual([{ memberId: 'm1', groupInstanceId: null, errorCode: 0 }]);
    });
  }
});

describe('OffsetCommit (key 8) v0–5 vs kafkajs', () => {
  for (const version of range(0, 5)) {
    it(`v${version} request and response`, async () => {
      const req = await goldenRequest<OffsetCommitRequest>(
        8,
        version,
        kjs('offsetCommit', version, {
          groupId: 'g1',
          groupGenerationId: 3,
          memberId: 'm1',
          retentionTime: 86400000,
          topics: [
            {
              topic: 'pageviews',
              partitions: [
                { partition: 0, offset: '42', timestamp: 1_700_000_000_000 },
                { partition: 1, offset: String(2 ** 40), metadata: 'md' },
              ],
            },
          ],
        }),
      );
      expect(req.groupId).toBe('g1');
      expect(req.generationIdOrMemberEpoch).toBe(version >= 1 ? 3 : -1);
      expect(req.memberId).toBe(version >= 1 ? 'm1' : '');
      expect(req.retentionTimeMs).toBe(version >= 2 && version <= 4 ? 86400000 : -1);
      expect(req.topics[0]!.name).toBe('pageviews');
      expect(req.topics[0]!.partitions[0]).toEqual({
        partitionIndex: 0,
        committedOffset: 42,
        commitTimestamp: version === 1 ? 1_700_000_000_000 : -1,
        committedMetadata: null,
      });
      expect(req.topics[0]!.partitions[1]).toMatchObject({ partitionIndex: 1, committedOffset: 2 ** 40, committedMetadata: 'md' });

      const parsed = await kjsParse(
        kjs('offsetCommit', version, { topics: [] }),
        encodeRes(8, version, {
          throttleTimeMs: 9,
          topics: [
            {
              name: 'pageviews',
              partitions: [
                { partitionIndex: 0, errorCode: 0 },
                { partitionIndex: 1, errorCode: 0 },
              ],
            },
          ],
        }),
      );
      expect(parsed.responses).toEqual([
        {
          topic: 'pageviews',
          partitions: [
            { partition: 0, errorCode: 0 },
            { partition: 1, errorCode: 0 },
          ],
        },
      ]);
      if (version >= 3) expect(throttleOf(parsed)).toBe(9);
    });
  }
});

describe('OffsetFetch (key 9) v1–4 vs kafkajs', () => {
  for (const version of range(1, 4)) {
    it(`v${version} request and response`, async () => {
      const req = await goldenRequest<OffsetFetchRequest>(
        9,
        version,
        kjs('offsetFetch', version, { groupId: 'g1', topics: [{ topic: 'pageviews', partitions: [{ partition: 0 }, { partition: 3 }] }] }),
      );
      expect(req).toEqual({ groupId: 'g1', topics: [{ name: 'pageviews', partitionIndexes: [0, 3] }] });
      if (version >= 3) {
        // kafkajs sends null (all committed offsets) for an empty topic list from v3
        const all = await goldenRequest<OffsetFetchRequest>(9, version, kjs('offsetFetch', version, { groupId: 'g1', topics: [] }));
        expect(all.topics).toBeNull();
      }
      const body: OffsetFetchResponse = {
        throttleTimeMs: 10,
        topics: [
          {
            name: 'pageviews',
            partitions: [
              { partitionIndex: 0, committedOffset: 42, metadata: null, errorCode: 0 },
              { partitionIndex: 3, committedOffset: -1, metadata: '', errorCode: 0 },
            ],
          },
        ],
        errorCode: 0,
      };
      const parsed = await kjsParse(kjs('offsetFetch', version, { topics: [] }), encodeRes(9, version, body));
      expect(parsed.responses).toEqual([
        {
          topic: 'pageviews',
          partitions: [
            { partition: 0, offset: '42', metadata: null, errorCode: 0 },
            { partition: 3, offset: '-1', metadata: '', errorCode: 0 },
          ],
        },
      ]);
      if (version >= 2) expect(parsed.errorCode).toBe(0);
      if (version >= 3) expect(throttleOf(parsed)).toBe(10);
      if (version >= 2) {
        await expect(kjsParse(kjs('offsetFetch', version, { topics: [] }), encodeRes(9, version, { ...body, errorCode: 16 }))).rejects.toMatchObject({
          type: 'NOT_COORDINATOR_FOR_GROUP',
        });
      }
    });
  }
});
