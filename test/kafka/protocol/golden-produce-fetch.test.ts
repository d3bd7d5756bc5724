/**
 * Golden tests against kafkajs's own protocol code: Produce v3–7, Fetch v4–11, ListOffsets v0–3.
 * Requests: kafkajs encodes, we decode (every byte) and re-encode to the same bytes.
 * Responses: we encode, kafkajs decodes and parses.
 */
import { describe, expect, it } from 'vitest';
import type {
  FetchRequest,
  FetchResponse,
  ListOffsetsRequest,
  ListOffsetsResponse,
  ProduceRequest,
  ProduceResponse,
} from '../../../embedded/kafka/protocol/index.ts';
import { buildRecordBatch, decodeRecordBatches, validateRecordBatches } from '../../../embedded/kafka/protocol/record-batch/index.ts';
import { encodeRes, goldenRequest, kjs, kjsModule, kjsParse } from './helpers.ts';

const Long = kjsModule('utils/long.js');
const T0 = 1_700_000_000_000;
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('Produce (key 0) v3–7 vs kafkajs', () => {
  for (const version of range(3, 7)) {
    it(`v${version} request: kafkajs → ours`, async () => {
      const p = kjs('produce', version, {
        acks: -1,
        timeout: 30000,
        transactionalId: version % 2 ? 'tx-1' : null,
        producerId: Long.fromValue(1234),
        producerEpoch: 3,
        topicData: [
          {
            topic: 'pageviews',
            partitions: [
              {
                partition: 0,
                firstSequence: 7,
                messages: [
                  { key: 'u1', value: 'hello', headers: { h: 'v' }, timestamp: T0 },
                  { value: 'world', timestamp: T0 + 1 },
                ],
              },
              { partition: 2, messages: [{ key: null, value: 'x', timestamp: T0 + 2 }] },
            ],
          },
          { topic: 'users', partitions: [{ partition: 1, messages: [{ key: 'k', value: 'v', timestamp: T0 }] }] },
        ],
      });
      const req = await goldenRequest<ProduceRequest>(0, version, p);
      expect(req.transactionalId).toBe(version % 2 ? 'tx-1' : null);
      expect(req.acks).toBe(-1);
      expect(req.timeoutMs).toBe(30000);
      expect(req.topicData.map((t) => [t.name, t.partitionData.map((pd) => pd.index)])).toEqual([
        ['pageviews', [0, 2]],
        ['users', [1]],
      ]);
      const records = req.topicData[0]!.partitionData[0]!.records!;
      const v = validateRecordBatches(records);
      expect(v.ok).toBe(true);
      if (v.ok) {
        expect(v.batches[0]!.header).toMatchObject({
          producerId: 1234,
          producerEpoch: 3,
          baseSequence: 7,
          recordsCount: 2,
          isTransactional: version % 2 === 1,
        });
      }
      const decoded = decodeRecordBatches(records)[0]!.records;
      expect(decoded.map((r) => [r.key?.toString() ?? null, r.value?.toString(), r.timestamp])).toEqual([
        ['u1', 'hello', T0],
        [null, 'world', T0 + 1],
      ]);
      expect(decoded[0]!.headers).toEqual([{ key: 'h', value: Buffer.from('v') }]);
    });

    it(`v${version} response: ours → kafkajs`, async () => {
      const body: ProduceResponse = {
        responses: [
          {
            name: 'pageviews',
            partitionResponses: [
              { index: 0, errorCode: 0, baseOffset: 2 ** 40, logAppendTimeMs: -1, logStartOffset: 17 },
              { index: 2, errorCode: 0, baseOffset: 5, logAppendTimeMs: T0, logStartOffset: 0 },
            ],
          },
        ],
        throttleTimeMs: 12,
      };
      const parsed = await kjsParse(kjs('produce', version, { acks: -1, timeout: 1, topicData: [] }), encodeRes(0, version, body));
      expect(parsed.topics[0].topicName).toBe('pageviews');
      expect(parsed.topics[0].partitions[0]).toMatchObject({ partition: 0, errorCode: 0, baseOffset: String(2 ** 40), logAppendTime: '-1' });
      expect(parsed.topics[0].partitions[1]).toMatchObject({ partition: 2, baseOffset: '5', logAppendTime: String(T0) });
      if (version >= 5) expect(parsed.topics[0].partitions[0].logStartOffset).toBe('17');
      else expect(parsed.topics[0].partitions[0].logStartOffset).toBeUndefined();
      expect(version >= 6 ? parsed.clientSideThrottleTime : parsed.throttleTime).toBe(12);
    });
  }
});

describe('Fetch (key 1) v4–11 vs kafkajs', () => {
  for (const version of range(4, 11)) {
    it(`v${version} request: kafkajs → ours`, async () => {
      const p = kjs('fetch', version, {
        replicaId: -1,
        isolationLevel: 1,
        maxWaitTime: 5000,
        minBytes: 1,
        maxBytes: 10485760,
        sessionId: 0,
        sessionEpoch: -1,
        rackId: 'rack-a',
        forgottenTopics: version >= 7 ? [{ topic: 'old', partitions: [3, 4] }] : [],
        topics: [
          {
            topic: 'pageviews',
            partitions: [
              { partition: 0, fetchOffset: '42', maxBytes: 1048576, currentLeaderEpoch: 5, logStartOffset: 3 },
              { partition: 1, fetchOffset: String(2 ** 40), maxBytes: 1024 },
            ],
          },
        ],
      });
      const req = await goldenRequest<FetchRequest>(1, version, p);
      expect(req).toMatchObject({ replicaId: -1, maxWaitMs: 5000, minBytes: 1, maxBytes: 10485760, isolationLevel: 1 });
      expect(req.sessionId).toBe(0);
      expect(req.sessionEpoch).toBe(-1);
      expect(req.rackId).toBe(version >= 11 ? 'rack-a' : '');
      expect(req.forgottenTopicsData).toEqual(version >= 7 ? [{ topic: 'old', topicId: '00000000-0000-0000-0000-000000000000', partitions: [3, 4] }] : []);
      const [p0, p1] = req.topics[0]!.partitions;
      expect(req.topics[0]!.topic).toBe('pageviews');
      expect(p0).toEqual({
        partition: 0,
        currentLeaderEpoch: version >= 9 ? 5 : -1,
        fetchOffset: 42,
        logStartOffset: version >= 5 ? 3 : -1,
        partitionMaxBytes: 1048576,
      });
      expect(p1).toMatchObject({ partition: 1, fetchOffset: 2 ** 40, partitionMaxBytes: 1024 });
    });

    it(`v${version} response: ours → kafkajs (records decoded by kafkajs)`, async () => {
      const batch = buildRecordBatch(
        [
          { key: 'k', value: 'v1', timestamp: T0 },
          { value: 'v2', timestamp: T0 + 1 },
        ],
        { baseOffset: 10 },
      );
      const body: FetchResponse = {
        throttleTimeMs: 3,
        errorCode: 0,
        sessionId: 0,
        responses: [
          {
            topic: 'pageviews',
            partitions: [
              {
                partitionIndex: 0,
                errorCode: 0,
                highWatermark: 12,
                lastStableOffset: 12,
                logStartOffset: 1,
                abortedTransactions: [{ producerId: 77n, firstOffset: 9 }],
                preferredReadReplica: -1,
                records: batch,
              },
              {
                partitionIndex: 1,
                errorCode: 0,
                highWatermark: 0,
                lastStableOffset: 0,
                logStartOffset: 0,
                abortedTransactions: null,
                preferredReadReplica: -1,
                records: null,
              },
            ],
          },
        ],
      };
      const parsed = await kjsParse(kjs('fetch', version, { maxWaitTime: 1, minBytes: 1, maxBytes: 1, topics: [] }), encodeRes(1, version, body));
      const [a, b] = parsed.responses[0].partitions;
      expect(parsed.responses[0].topicName).toBe('pageviews');
      expect(a).toMatchObject({ partition: 0, errorCode: 0, highWatermark: '12', lastStableOffset: '12' });
      expect(a.abortedTransactions).toEqual([{ producerId: '77', firstOffset: '9' }]);
      if (version >= 5) expect(a.lastStartOffset).toBe('1');
      if (version >= 7) expect([parsed.errorCode, parsed.sessionId]).toEqual([0, 0]);
      if (version >= 11) expect(a.preferredReadReplica).toBe(-1);
      expect(a.messages.map((m: { offset: string; value: Buffer }) => [m.offset, m.value.toString()])).toEqual([
        ['10', 'v1'],
        ['11', 'v2'],
      ]);
      expect(b).toMatchObject({ partition: 1, highWatermark: '0', abortedTransactions: [], messages: [] });
      expect(version >= 8 ? parsed.clientSideThrottleTime : parsed.throttleTime).toBe(3); // kafkajs renames it from v8 (KIP-219)
    });
  }
});

describe('ListOffsets (key 2) v0–3 vs kafkajs', () => {
  for (const version of range(0, 3)) {
    it(`v${version} request: kafkajs → ours`, async () => {
      const p = kjs('listOffsets', version, {
        replicaId: -1,
        isolationLevel: 1,
        topics: [
          {
            topic: 'pageviews',
            partitions: [
              { partition: 0, timestamp: -2 },
              { partition: 1, timestamp: T0 },
            ],
          },
        ],
      });
      const req = await goldenRequest<ListOffsetsRequest>(2, version, p);
      expect(req.replicaId).toBe(-1);
      expect(req.isolationLevel).toBe(version >= 2 ? 1 : 0);
      expect(req.topics).toEqual([
        {
          name: 'pageviews',
          partitions: [
            { partitionIndex: 0, timestamp: -2, maxNumOffsets: 1 },
            { partitionIndex: 1, timestamp: T0, maxNumOffsets: 1 },
          ],
        },
      ]);
    });

    it(`v${version} response: ours → kafkajs`, async () => {
      const body: ListOffsetsResponse = {
        throttleTimeMs: 4,
        topics: [{ name: 'pageviews', partitions: [{ partitionIndex: 0, errorCode: 0, oldStyleOffsets: [99, 0], timestamp: T0, offset: 99 }] }],
      };
      const parsed = await kjsParse(kjs('listOffsets', version, { topics: [] }), encodeRes(2, version, body));
      expect(parsed.responses[0].topic).toBe('pageviews');
      if (version === 0) expect(parsed.responses[0].partitions[0]).toEqual({ partition: 0, errorCode: 0, offsets: ['99', '0'] });
      else expect(parsed.responses[0].partitions[0]).toEqual({ partition: 0, errorCode: 0, timestamp: String(T0), offset: '99' });
      if (version === 2) expect(parsed.throttleTime).toBe(4);
      if (version === 3) expect(parsed.clientSideThrottleTime).toBe(4);
    });
  }
});
