/**
 * Golden tests against kafkajs's own protocol code for the admin-ish APIs: ApiVersions v0–2,
 * DescribeGroups v0–2, ListGroups v0–2, CreateTopics v0–3, DeleteTopics v0–1, DeleteRecords v0–1,
 * InitProducerId v0–1, DescribeConfigs v0–2, AlterConfigs v0–1, CreatePartitions v0–1,
 * DeleteGroups v0–1. Versions kafkajs lacks are in golden-literal.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type {
  AlterConfigsRequest,
  ApiVersionsRequest,
  ApiVersionsResponse,
  CreatePartitionsRequest,
  CreateTopicsRequest,
  DeleteGroupsRequest,
  DeleteRecordsRequest,
  DeleteTopicsRequest,
  DescribeConfigsRequest,
  DescribeConfigsResponse,
  DescribeGroupsRequest,
  DescribeGroupsResponse,
  InitProducerIdRequest,
  ListGroupsRequest,
} from '../../../embedded/kafka/protocol/index.ts';
import { SUPPORTED_APIS } from '../../../embedded/kafka/protocol/index.ts';
import { decodeReq, encodeRes, goldenRequest, hex, kjs, kjsParse, kjsRequestBytes } from './helpers.ts';

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const throttleOf = (parsed: { throttleTime?: number; clientSideThrottleTime?: number }): number | undefined =>
  parsed.clientSideThrottleTime ?? parsed.throttleTime;

describe('ApiVersions (key 18) v0–2 vs kafkajs', () => {
  const apiKeys = Object.entries(SUPPORTED_APIS).map(([k, r]) => ({ apiKey: Number(k), minVersion: r.minVersion, maxVersion: r.maxVersion }));
  for (const version of range(0, 2)) {
    it(`v${version} request (empty body) and response`, async () => {
      const req = await goldenRequest<ApiVersionsRequest>(18, version, kjs('apiVersions', version));
      expect(req).toEqual({ clientSoftwareName: '', clientSoftwareVersion: '' });
      const body: ApiVersionsResponse = { errorCode: 0, apiKeys, throttleTimeMs: 11 };
      const parsed = await kjsParse(kjs('apiVersions', version), encodeRes(18, version, body));
      expect(parsed.errorCode).toBe(0);
      expect(parsed.apiVersions).toEqual(apiKeys);
      if (version >= 1) expect(throttleOf(parsed)).toBe(11);
    });
  }

  it('kafkajs falls back when it sees error 35 in a v0-shaped body', async () => {
    const body: ApiVersionsResponse = { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }], throttleTimeMs: 0 };
    await expect(kjsParse(kjs('apiVersions', 2), encodeRes(18, 0, body))).rejects.toMatchObject({ type: 'UNSUPPORTED_VERSION' });
  });
});

describe('DescribeGroups (key 15) v0–2 vs kafkajs', () => {
  for (const version of range(0, 2)) {
    it(`v${version} request and response`, async () => {
      const req = await goldenRequest<DescribeGroupsRequest>(15, version, kjs('describeGroups', version, { groupIds: ['g1', 'g2'] }));
      expect(req).toEqual({ groups: ['g1', 'g2'] });
      const body: DescribeGroupsResponse = {
        throttleTimeMs: 3,
        groups: [
          {
            errorCode: 0,
            groupId: 'g1',
            groupState: 'Stable',
            protocolType: 'consumer',
            protocolData: 'RoundRobinAssigner',
            members: [{ memberId: 'm1', clientId: 'c1', clientHost: '/127.0.0.1', memberMetadata: Buffer.from([1]), memberAssignment: Buffer.from([2, 3]) }],
          },
        ],
      };
      const parsed = await kjsParse(kjs('describeGroups', version, { groupIds: [] }), encodeRes(15, version, body));
      expect(parsed.groups[0]).toEqual({
        errorCode: 0,
        groupId: 'g1',
        state: 'Stable',
        protocolType: 'consumer',
        protocol: 'RoundRobinAssigner',
        members: [{ memberId: 'm1', clientId: 'c1', clientHost: '/127.0.0.1', memberMetadata: Buffer.from([1]), memberAssignment: Buffer.from([2, 3]) }],
      });
      if (version >= 1) expect(throttleOf(parsed)).toBe(3);
    });
  }
});

describe('ListGroups (key 16) v0–2 vs kafkajs', () => {
  for (const version of range(0, 2)) {
    it(`v${version} request and response`, async () => {
      const req = await goldenRequest<ListGroupsRequest>(16, version, kjs('listGroups', version));
      expect(req).toEqual({});
      const parsed = await kjsParse(
        kjs('listGroups', version),
        encodeRes(16, version, {
          throttleTimeMs: 2,
          errorCode: 0,
          groups: [
            { groupId: 'g1', protocolType: 'consumer' },
            { groupId: 'g2', protocolType: '' },
          ],
        }),
      );
      expect(parsed.groups).toEqual([
        { groupId: 'g1', protocolType: 'consumer' },
        { groupId: 'g2', protocolType: '' },
      ]);
      if (version >= 1) expect(throttleOf(parsed)).toBe(2);
    });
  }
});

describe('CreateTopics (key 19) v0–3 vs kafkajs', () => {
  for (const version of range(0, 3)) {
    it(`v${version} request and response`, async () => {
      const req = await goldenRequest<CreateTopicsRequest>(
        19,
        version,
        kjs('createTopics', version, {
          timeout: 5000,
          validateOnly: true,
          topics: [
            {
              topic: 'pageviews',
              numPartitions: 3,
              replicationFactor: 2,
              configEntries: [
                { name: 'cleanup.policy', value: 'compact' },
                { name: 'retention.ms', value: null },
              ],
            },
            { topic: 'defaults' }, // kafkajs sends -1 / -1 when omitted
            { topic: 'assigned', replicaAssignment: [{ partition: 0, replicas: [1, 2] }] },
          ],
        }),
      );
      expect(req.timeoutMs).toBe(5000);
      expect(req.validateOnly).toBe(version >= 1);
      expect(req.topics).toEqual([
        {
          name: 'pageviews',
          numPartitions: 3,
          replicationFactor: 2,
          assignments: [],
          configs: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'retention.ms', value: null },
          ],
        },
        { name: 'defaults', numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] },
        { name: 'assigned', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }], configs: [] },
      ]);
      const parsed = await kjsParse(
        kjs('createTopics', version, { topics: [] }),
        encodeRes(19, version, {
          throttleTimeMs: 4,
          topics: [
            { name: 'pageviews', errorCode: 0, errorMessage: null },
            { name: 'a', errorCode: 0, errorMessage: null },
          ],
        }),
      );
      expect(parsed.topicErrors.map((t: { topic: string; errorCode: number }) => [t.topic, t.errorCode])).toEqual([
        ['a', 0],
        ['pageviews', 0],
      ]);
      if (version >= 1) expect(parsed.topicErrors[0].errorMessage).toBeNull();
      if (version >= 2) expect(throttleOf(parsed)).toBe(4);
      // TOPIC_ALREADY_EXISTS must surface as kafkajs's per-topic error
      await expect(
        kjsParse(
          kjs('createTopics', version, { topics: [] }),
          encodeRes(19, version, { throttleTimeMs: 0, topics: [{ name: 'x', errorCode: 36, errorMessage: 'exists' }] }),
        ),
      ).rejects.toMatchObject({ name: 'KafkaJSAggregateError' });
    });
  }
});

describe('DeleteTopics (key 20) v0–1 vs kafkajs', () => {
  for (const version of range(0, 1)) {
    it(`v${version} request and response`, async () => {
      const req = await goldenRequest<DeleteTopicsRequest>(20, version, kjs('deleteTopics', version, { topics: ['a', 'b'], timeout: 5000 }));
      expect(req).toEqual({ topicNames: ['a', 'b'], timeoutMs: 5000 });
      const parsed = await kjsParse(
        kjs('deleteTopics', version, {}),
        encodeRes(20, version, {
          throttleTimeMs: 5,
          responses: [
            { name: 'b', errorCode: 0 },
            { name: 'a', errorCode: 0 },
          ],
        }),
      );
      expect(parsed.topicErrors).toEqual([
        { topic: 'a', errorCode: 0 },
        { topic: 'b', errorCode: 0 },
      ]);
      if (version >= 1) expect(throttleOf(parsed)).toBe(5);
      await expect(
        kjsParse(kjs('deleteTopics', version, {}), encodeRes(20, version, { throttleTimeMs: 0, responses: [{ name: 'a', errorCode: 3 }] })),
      ).rejects.toMatchObject({
        type: 'UNKNOWN_TOPIC_OR_PARTITION',
      });
    });
  }
});

describe('DeleteRecords (key 21) v0–1 vs kafkajs', () => {
  for (const version of range(0, 1)) {
    it(`v${version} request and response`, async () => {
      const topics = [
        {
          topic: 'pageviews',
          partitions: [
            { partition: 0, offset: '42' },
            { partition: 1, offset: '-1' },
          ],
        },
      ];
      const req = await goldenRequest<DeleteRecordsRequest>(21, version, kjs('deleteRecords', version, { topics, timeout: 5000 }));
      expect(req).toEqual({
        topics: [
          {
            name: 'pageviews',
            partitions: [
              { partitionIndex: 0, offset: 42 },
              { partitionIndex: 1, offset: -1 },
            ],
          },
        ],
        timeoutMs: 5000,
      });
      const parsed = await kjsParse(
        kjs('deleteRecords', version, { topics, timeout: 1 }),
        encodeRes(21, version, { throttleTimeMs: 6, topics: [{ name: 'pageviews', partitions: [{ partitionIndex: 0, lowWatermark: 42, errorCode: 0 }] }] }),
      );
      expect(parsed.topics[0].topic).toBe('pageviews');
      expect(parsed.topics[0].partitions[0]).toMatchObject({ partition: 0, errorCode: 0 });
      expect(String(parsed.topics[0].partitions[0].lowWatermark)).toBe('42');
      expect(throttleOf(parsed)).toBe(6);
    });
  }
});

describe('InitProducerId (key 22) v0–1 vs kafkajs', () => {
  for (const version of range(0, 1)) {
    it(`v${version} request and response`, async () => {
      const req = await goldenRequest<InitProducerIdRequest>(22, version, kjs('initProducerId', version, { transactionalId: 'tx', transactionTimeout: 60000 }));
      expect(req).toEqual({ transactionalId: 'tx', transactionTimeoutMs: 60000 });
      const idem = await goldenRequest<InitProducerIdRequest>(22, version, kjs('initProducerId', version, { transactionalId: null }));
      expect(idem).toEqual({ transactionalId: null, transactionTimeoutMs: 5000 });
      const parsed = await kjsParse(
        kjs('initProducerId', version, {}),
        encodeRes(22, version, { throttleTimeMs: 7, errorCode: 0, producerId: 2n ** 62n + 1n, producerEpoch: 3 }),
      );
      expect(parsed).toMatchObject({ errorCode: 0, producerId: String(2n ** 62n + 1n), producerEpoch: 3 });
      expect(throttleOf(parsed)).toBe(7);
    });
  }
});

describe('DescribeConfigs (key 32) v0–2 vs kafkajs', () => {
  for (const version of range(0, 2)) {
    it(`v${version} request and response`, async () => {
      const req = await goldenRequest<DescribeConfigsRequest>(
        32,
        version,
        kjs('describeConfigs', version, {
          includeSynonyms: true,
          resources: [
            { type: 2, name: 'pageviews', configNames: ['cleanup.policy'] },
            { type: 4, name: '1' }, // no names: kafkajs sends null (all)
          ],
        }),
      );
      expect(req).toEqual({
        resources: [
          { resourceType: 2, resourceName: 'pageviews', configurationKeys: ['cleanup.policy'] },
          { resourceType: 4, resourceName: '1', configurationKeys: null },
        ],
        includeSynonyms: version >= 1,
      });
      const body: DescribeConfigsResponse = {
        throttleTimeMs: 8,
        results: [
          {
            errorCode: 0,
            errorMessage: null,
            resourceType: 2,
            resourceName: 'pageviews',
            configs: [
              {
                name: 'cleanup.policy',
                value: 'delete',
                readOnly: false,
                isDefault: true,
                configSource: 5,
                isSensitive: false,
                synonyms: [{ name: 'log.cleanup.policy', value: 'delete', source: 5 }],
              },
              { name: 'retention.ms', value: null, readOnly: true, isDefault: false, configSource: 1, isSensitive: true, synonyms: [] },
            ],
          },
        ],
      };
      const parsed = await kjsParse(kjs('describeConfigs', version, { resources: [] }), encodeRes(32, version, body));
      const r = parsed.resources[0];
      expect(r).toMatchObject({ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'pageviews' });
      expect(r.configEntries[0]).toMatchObject({ configName: 'cleanup.policy', configValue: 'delete', readOnly: false, isDefault: true, isSensitive: false });
      expect(r.configEntries[1]).toMatchObject({ configName: 'retention.ms', configValue: null, readOnly: true, isDefault: false, isSensitive: true });
      if (version >= 1) {
        expect(r.configEntries[0].configSource).toBe(5);
        expect(r.configEntries[0].configSynonyms).toEqual([{ configName: 'log.cleanup.policy', configValue: 'delete', configSource: 5 }]);
      }
      expect(throttleOf(parsed)).toBe(8);
    });
  }
});

describe('AlterConfigs (key 33) v0–1 vs kafkajs', () => {
  for (const version of range(0, 1)) {
    it(`v${version} request and response`, async () => {
      const req = await goldenRequest<AlterConfigsRequest>(
        33,
        version,
        kjs('alterConfigs', version, {
          validateOnly: false,
          resources: [
            {
              type: 2,
              name: 'pageviews',
              configEntries: [
                { name: 'retention.ms', value: '1000' },
                { name: 'x', value: null },
              ],
            },
          ],
        }),
      );
      expect(req).toEqual({
        resources: [
          {
            resourceType: 2,
            resourceName: 'pageviews',
            configs: [
              { name: 'retention.ms', value: '1000' },
              { name: 'x', value: null },
            ],
          },
        ],
        validateOnly: false,
      });
      const parsed = await kjsParse(
        kjs('alterConfigs', version, { resources: [] }),
        encodeRes(33, version, { throttleTimeMs: 9, responses: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'pageviews' }] }),
      );
      expect(parsed.resources).toEqual([{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'pageviews' }]);
      expect(throttleOf(parsed)).toBe(9);
    });
  }
});

describe('CreatePartitions (key 37) v0–1 vs kafkajs', () => {
  for (const version of range(0, 1)) {
    it(`v${version} request and response`, async () => {
      const req = await goldenRequest<CreatePartitionsRequest>(
        37,
        version,
        kjs('createPartitions', version, {
          timeout: 5000,
          validateOnly: false,
          topicPartitions: [
            { topic: 'pageviews', count: 6, assignments: [[1, 2], [0]] },
            { topic: 'users', count: 2 }, // no assignments: kafkajs sends null
          ],
        }),
      );
      expect(req).toEqual({
        topics: [
          { name: 'pageviews', count: 6, assignments: [{ brokerIds: [1, 2] }, { brokerIds: [0] }] },
          { name: 'users', count: 2, assignments: null },
        ],
        timeoutMs: 5000,
        validateOnly: false,
      });
      const parsed = await kjsParse(
        kjs('createPartitions', version, { topicPartitions: [] }),
        encodeRes(37, version, { throttleTimeMs: 1, results: [{ name: 'pageviews', errorCode: 0, errorMessage: null }] }),
      );
      expect(parsed.topicErrors).toEqual([{ topic: 'pageviews', errorCode: 0, errorMessage: null }]);
      expect(throttleOf(parsed)).toBe(1);
    });
  }

  it("accepts kafkajs's null for an empty (non-nullable) brokerIds array", async () => {
    const bytes = await kjsRequestBytes(
      kjs('createPartitions', 0, { timeout: 1, validateOnly: false, topicPartitions: [{ topic: 't', count: 2, assignments: [[]] }] }),
    );
    // ... 00000001 (one assignment) ffffffff (brokerIds = null) ...
    expect(bytes.subarray(bytes.length - 13, bytes.length - 5)).toEqual(hex('00000001 ffffffff'));
    const req = decodeReq<CreatePartitionsRequest>(37, 0, bytes);
    expect(req.topics[0]!.assignments).toEqual([{ brokerIds: [] }]);
  });
});

describe('DeleteGroups (key 42) v0–1 vs kafkajs', () => {
  for (const version of range(0, 1)) {
    it(`v${version} request and response`, async () => {
      const req = await goldenRequest<DeleteGroupsRequest>(42, version, kjs('deleteGroups', version, ['g1', 'g2']));
      expect(req).toEqual({ groupsNames: ['g1', 'g2'] });
      const parsed = await kjsParse(
        kjs('deleteGroups', version, []),
        encodeRes(42, version, {
          throttleTimeMs: 3,
          results: [
            { groupId: 'g1', errorCode: 0 },
            { groupId: 'g2', errorCode: 69 },
          ],
        }),
      );
      expect(parsed.throttleTimeMs).toBe(3);
      expect(parsed.results[0]).toEqual({ groupId: 'g1', errorCode: 0 });
      expect(parsed.results[1]).toMatchObject({ groupId: 'g2', errorCode: 69 });
      expect(parsed.results[1].error.type).toBe('GROUP_ID_NOT_FOUND');
    });
  }
});
