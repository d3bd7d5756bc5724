/**
 * Round trips for every API and every served version, both directions:
 * ours encodeRequest → ours decodeRequest (and the same for responses), through the frame functions.
 * Checks: all bytes consumed; re-encoding the decoded object gives identical bytes; every field of
 * the interface is present in the decoded object at every version; and at the highest version
 * (where nearly every field is on the wire) the decoded object equals the input.
 */
import { describe, expect, it } from 'vitest';
import {
  API_MODULES,
  decodeRequestFrame,
  decodeResponseFrame,
  encodeRequestFrame,
  encodeResponseFrame,
  SUPPORTED_APIS,
  type ApiKeyNumber,
} from '../../../embedded/kafka/protocol/index.ts';
import { buildRecordBatch } from '../../../embedded/kafka/protocol/record-batch/index.ts';
import { decodeReq, decodeRes, encodeReq, encodeRes } from './helpers.ts';

const batch = buildRecordBatch([{ key: 'k', value: 'v', timestamp: 1_700_000_000_000 }]);
const bytes = (...b: number[]): Buffer => Buffer.from(b);

/** One request and one response sample per api key, with non-default values everywhere. */
const SAMPLES: Record<ApiKeyNumber, { request: object; response: object; droppedAtMax?: { request?: string[]; response?: string[] } }> = {
  0: {
    request: {
      transactionalId: 'tx',
      acks: -1,
      timeoutMs: 30000,
      topicData: [
        {
          name: 't',
          partitionData: [
            { index: 1, records: batch },
            { index: 2, records: null },
          ],
        },
      ],
    },
    response: {
      responses: [{ name: 't', partitionResponses: [{ index: 1, errorCode: 6, baseOffset: 2 ** 41, logAppendTimeMs: 5, logStartOffset: 7 }] }],
      throttleTimeMs: 3,
    },
  },
  1: {
    request: {
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 1000,
      isolationLevel: 1,
      sessionId: 4,
      sessionEpoch: 2,
      topics: [
        {
          topic: 't',
          topicId: '00000000-0000-0000-0000-000000000000',
          partitions: [{ partition: 0, currentLeaderEpoch: 3, fetchOffset: 99, logStartOffset: 1, partitionMaxBytes: 100 }],
        },
      ],
      forgottenTopicsData: [{ topic: 'old', topicId: '00000000-0000-0000-0000-000000000000', partitions: [1, 2] }],
      rackId: 'r',
    },
    response: {
      throttleTimeMs: 1,
      errorCode: 0,
      sessionId: 4,
      responses: [
        {
          topic: 't',
          topicId: '00000000-0000-0000-0000-000000000000',
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              highWatermark: 10,
              lastStableOffset: 9,
              logStartOffset: 2,
              abortedTransactions: [{ producerId: 2n ** 60n, firstOffset: 3 }],
              preferredReadReplica: 2,
              records: batch,
            },
            {
              partitionIndex: 1,
              errorCode: 1,
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
    },
  },
  2: {
    request: { replicaId: -1, isolationLevel: 1, topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp: -2, maxNumOffsets: 3 }] }] },
    response: {
      throttleTimeMs: 2,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, oldStyleOffsets: [5, 0], timestamp: 123, offset: 5 }] }],
    },
    droppedAtMax: { request: ['maxNumOffsets'], response: ['oldStyleOffsets'] },
  },
  3: {
    request: { topics: [{ name: 'a' }, { name: 'b' }], allowAutoTopicCreation: false },
    response: {
      throttleTimeMs: 1,
      brokers: [{ nodeId: 0, host: 'h', port: 9092, rack: 'r' }],
      clusterId: 'c',
      controllerId: 0,
      topics: [
        {
          errorCode: 5,
          name: 'a',
          isInternal: true,
          partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 0, replicaNodes: [0, 1], isrNodes: [0], offlineReplicas: [1] }],
        },
      ],
    },
  },
  8: {
    request: {
      groupId: 'g',
      generationIdOrMemberEpoch: 3,
      memberId: 'm',
      retentionTimeMs: 1000,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 42, commitTimestamp: 77, committedMetadata: 'md' }] }],
    },
    response: { throttleTimeMs: 1, topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 25 }] }] },
    droppedAtMax: { request: ['retentionTimeMs', 'commitTimestamp'] },
  },
  9: {
    request: { groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 1] }] },
    response: {
      throttleTimeMs: 1,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: -1, metadata: null, errorCode: 0 }] }],
      errorCode: 16,
    },
  },
  10: {
    request: { key: 'g', keyType: 1 },
    response: { throttleTimeMs: 1, errorCode: 15, errorMessage: 'later', nodeId: 2, host: 'h', port: 9094 },
  },
  11: {
    request: {
      groupId: 'g',
      sessionTimeoutMs: 30000,
      rebalanceTimeoutMs: 60000,
      memberId: 'm',
      groupInstanceId: 'i',
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: bytes(1, 2) }],
    },
    response: {
      throttleTimeMs: 1,
      errorCode: 0,
      generationId: 2,
      protocolName: 'range',
      leader: 'm',
      memberId: 'm',
      members: [{ memberId: 'm', groupInstanceId: 'i', metadata: bytes(3) }],
    },
  },
  12: { request: { groupId: 'g', generationId: 2, memberId: 'm', groupInstanceId: 'i' }, response: { throttleTimeMs: 1, errorCode: 27 } },
  13: {
    request: { groupId: 'g', memberId: 'm', members: [{ memberId: 'm', groupInstanceId: 'i' }] },
    response: { throttleTimeMs: 1, errorCode: 0, members: [{ memberId: 'm', groupInstanceId: 'i', errorCode: 25 }] },
    droppedAtMax: { request: ['memberId'] },
  },
  14: {
    request: { groupId: 'g', generationId: 2, memberId: 'm', groupInstanceId: 'i', assignments: [{ memberId: 'm', assignment: bytes(0, 1) }] },
    response: { throttleTimeMs: 1, errorCode: 0, assignment: bytes(9) },
  },
  15: {
    request: { groups: ['g1', 'g2'] },
    response: {
      throttleTimeMs: 1,
      groups: [
        {
          errorCode: 0,
          groupId: 'g1',
          groupState: 'Stable',
          protocolType: 'consumer',
          protocolData: 'range',
          members: [{ memberId: 'm', clientId: 'c', clientHost: '/h', memberMetadata: bytes(1), memberAssignment: bytes(2) }],
        },
      ],
    },
  },
  16: { request: {}, response: { throttleTimeMs: 1, errorCode: 0, groups: [{ groupId: 'g', protocolType: 'consumer' }] } },
  18: {
    request: { clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' },
    response: { errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 3, maxVersion: 7 }], throttleTimeMs: 1 },
  },
  19: {
    request: {
      topics: [
        { name: 't', numPartitions: 3, replicationFactor: 1, assignments: [{ partitionIndex: 0, brokerIds: [1] }], configs: [{ name: 'k', value: null }] },
      ],
      timeoutMs: 1000,
      validateOnly: true,
    },
    response: { throttleTimeMs: 1, topics: [{ name: 't', errorCode: 36, errorMessage: 'exists' }] },
  },
  20: { request: { topicNames: ['a', 'b'], timeoutMs: 1000 }, response: { throttleTimeMs: 1, responses: [{ name: 'a', errorCode: 3 }] } },
  21: {
    request: { topics: [{ name: 't', partitions: [{ partitionIndex: 0, offset: 10 }] }], timeoutMs: 1000 },
    response: { throttleTimeMs: 1, topics: [{ name: 't', partitions: [{ partitionIndex: 0, lowWatermark: 10, errorCode: 0 }] }] },
  },
  22: {
    request: { transactionalId: null, transactionTimeoutMs: 5000 },
    response: { throttleTimeMs: 1, errorCode: 0, producerId: 2n ** 63n - 1n, producerEpoch: 7 },
  },
  32: {
    request: { resources: [{ resourceType: 2, resourceName: 't', configurationKeys: null }], includeSynonyms: true },
    response: {
      throttleTimeMs: 1,
      results: [
        {
          errorCode: 0,
          errorMessage: null,
          resourceType: 2,
          resourceName: 't',
          configs: [
            { name: 'k', value: 'v', readOnly: false, isDefault: true, configSource: 5, isSensitive: false, synonyms: [{ name: 's', value: null, source: 4 }] },
          ],
        },
      ],
    },
    droppedAtMax: { response: ['isDefault'] },
  },
  33: {
    request: { resources: [{ resourceType: 2, resourceName: 't', configs: [{ name: 'k', value: 'v' }] }], validateOnly: true },
    response: { throttleTimeMs: 1, responses: [{ errorCode: 40, errorMessage: 'bad', resourceType: 2, resourceName: 't' }] },
  },
  37: {
    request: {
      topics: [
        { name: 't', count: 4, assignments: [{ brokerIds: [0, 1] }] },
        { name: 'u', count: 2, assignments: null },
      ],
      timeoutMs: 1000,
      validateOnly: false,
    },
    response: { throttleTimeMs: 1, results: [{ name: 't', errorCode: 37, errorMessage: null }] },
  },
  42: { request: { groupsNames: ['g'] }, response: { throttleTimeMs: 1, results: [{ groupId: 'g', errorCode: 68 }] } },
};

/** Every key of `sample` (recursively through objects and arrays of objects) exists in `decoded`. */
function expectSameShape(sample: unknown, decoded: unknown, path: string): void {
  if (Array.isArray(sample)) {
    if (!Array.isArray(decoded)) return; // e.g. a nullable array decoded as null is checked by value elsewhere
    if (sample.length > 0 && decoded.length > 0) expectSameShape(sample[0], decoded[0], `${path}[0]`);
    return;
  }
  if (sample === null || typeof sample !== 'object' || Buffer.isBuffer(sample)) return;
  expect(decoded, path).toBeTypeOf('object');
  for (const [k, v] of Object.entries(sample)) {
    expect(decoded as object, `${path}.${k}`).toHaveProperty([k]);
    expectSameShape(v, (decoded as Record<string, unknown>)[k], `${path}.${k}`);
  }
}

/** Deletes the named keys everywhere in a (cloned) object tree. */
function omitDeep(value: unknown, keys: string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => omitDeep(v, keys));
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !keys.includes(k))
      .map(([k, v]) => [k, omitDeep(v, keys)]),
  );
}

describe.each(Object.keys(SAMPLES).map(Number) as ApiKeyNumber[])('api key %i round trips', (key) => {
  const sample = SAMPLES[key];
  const { minVersion, maxVersion } = SUPPORTED_APIS[key]!;
  const versions = Array.from({ length: maxVersion - minVersion + 1 }, (_, i) => minVersion + i);

  it.each(versions)(`${API_MODULES[key].apiName} v%i request`, (version) => {
    const wire = encodeReq(key, version, sample.request);
    const decoded = decodeReq(key, version, wire);
    expect(encodeReq(key, version, decoded)).toEqual(wire);
    expectSameShape(sample.request, decoded, 'request');
    const framed = decodeRequestFrame(encodeRequestFrame(key, version, 11, 'rt', decoded).subarray(4));
    expect(framed.header).toEqual({ apiKey: key, apiVersion: version, correlationId: 11, clientId: 'rt' });
    expect(framed.body).toEqual(decoded);
    if (version === maxVersion) {
      const drop = sample.droppedAtMax?.request ?? [];
      expect(omitDeep(decoded, drop)).toEqual(omitDeep(sample.request, drop));
    }
  });

  it.each(versions)(`${API_MODULES[key].apiName} v%i response`, (version) => {
    const wire = encodeRes(key, version, sample.response);
    const decoded = decodeRes(key, version, wire);
    expect(encodeRes(key, version, decoded)).toEqual(wire);
    expectSameShape(sample.response, decoded, 'response');
    const framed = decodeResponseFrame(key, version, encodeResponseFrame(key, version, 12, decoded).subarray(4));
    expect(framed).toEqual({ correlationId: 12, body: decoded });
    if (version === maxVersion) {
      const drop = sample.droppedAtMax?.response ?? [];
      expect(omitDeep(decoded, drop)).toEqual(omitDeep(sample.response, drop));
    }
  });
});

it('covers every served api key', () => {
  expect(Object.keys(SAMPLES).sort()).toEqual(Object.keys(SUPPORTED_APIS).sort());
});
