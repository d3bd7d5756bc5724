/**
 * Golden byte tests for the served versions kafkajs does not implement, with expected bytes written
 * by hand from apache/kafka's message specs: ApiVersions v3 (flexible), OffsetFetch v0,
 * CreateTopics v4, DeleteTopics v2–3. Each case checks decode (every byte) and encode (exact bytes).
 */
import { describe, expect, it } from 'vitest';
import type {
  ApiVersionsRequest,
  ApiVersionsResponse,
  CreateTopicsRequest,
  CreateTopicsResponse,
  DeleteTopicsRequest,
  DeleteTopicsResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
} from '../../../embedded/kafka/protocol/index.ts';
import { decodeRequestFrame, decodeResponseFrame, encodeRequestFrame, encodeResponseFrame } from '../../../embedded/kafka/protocol/index.ts';
import { decodeReq, decodeRes, encodeReq, encodeRes, hex } from './helpers.ts';

const ascii = (s: string): string => Buffer.from(s).toString('hex');

describe('ApiVersions v3 (flexible body; request header v2, response header v0)', () => {
  // Request frame exactly as librdkafka 2.x sends it.
  const requestFrame = hex(
    [
      '00000024', // size = 36 bytes follow (2+2+4+2+7+1 header, 1+10+1+5+1 body)
      '0012', // api_key 18
      '0003', // api_version 3
      '00000001', // correlation_id 1
      '0007' + ascii('rdkafka'), // client_id: INT16 length even in header v2
      '00', // header v2 TAG_BUFFER: no tagged fields
      '0b' + ascii('librdkafka'), // client_software_name COMPACT_STRING: uvarint(10 + 1)
      '06' + ascii('2.0.2'), // client_software_version COMPACT_STRING: uvarint(5 + 1)
      '00', // body TAG_BUFFER
    ].join(''),
  );

  it('request frame decodes (header v2, compact strings)', () => {
    expect(requestFrame.readInt32BE(0)).toBe(requestFrame.length - 4);
    const { header, body } = decodeRequestFrame(requestFrame.subarray(4));
    expect(header).toEqual({ apiKey: 18, apiVersion: 3, correlationId: 1, clientId: 'rdkafka' });
    expect(body).toEqual({ clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' });
  });

  it('request frame encodes to the same bytes', () => {
    const body: ApiVersionsRequest = { clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' };
    expect(encodeRequestFrame(18, 3, 1, 'rdkafka', body)).toEqual(requestFrame);
  });

  it('request body skips unknown tagged fields', () => {
    const withTags = hex('0b' + ascii('librdkafka') + '06' + ascii('2.0.2') + '01' + '07' + '02' + 'abcd');
    expect(decodeReq<ApiVersionsRequest>(18, 3, withTags)).toEqual({ clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' });
  });

  const response: ApiVersionsResponse = {
    errorCode: 0,
    apiKeys: [
      { apiKey: 0, minVersion: 3, maxVersion: 7 },
      { apiKey: 18, minVersion: 0, maxVersion: 3 },
    ],
    throttleTimeMs: 0,
  };
  const responseFrame = hex(
    [
      '0000001a', // size = 26
      '00000001', // correlation_id; response header v0 (NO tag buffer) even though v3 is flexible
      '0000', // error_code
      '03', // api_keys COMPACT_ARRAY: uvarint(2 + 1)
      '0000 0003 0007 00', // Produce 3..7 + element TAG_BUFFER
      '0012 0000 0003 00', // ApiVersions 0..3 + element TAG_BUFFER
      '00000000', // throttle_time_ms
      '00', // body TAG_BUFFER (SupportedFeatures etc. omitted)
    ].join(''),
  );

  it('response frame encodes with a v0 header and a flexible body', () => {
    expect(encodeResponseFrame(18, 3, 1, response)).toEqual(responseFrame);
  });

  it('response frame decodes', () => {
    expect(decodeResponseFrame(18, 3, responseFrame.subarray(4))).toEqual({ correlationId: 1, body: response });
  });

  it('response body skips tagged fields a real broker adds (e.g. FinalizedFeaturesEpoch, tag 1)', () => {
    const body = hex('0000 01 00000000' + '01' + '01 08 0000000000000005');
    expect(decodeRes<ApiVersionsResponse>(18, 3, body)).toEqual({ errorCode: 0, apiKeys: [], throttleTimeMs: 0 });
  });
});

describe('OffsetFetch v0 (kafkajs starts at v1)', () => {
  const request = hex(
    [
      '0002' + ascii('g1'), // group_id STRING
      '00000001', // topics ARRAY count 1 (not nullable at v0)
      '0002' + ascii('pv'), //   name
      '00000002 00000000 00000003', //   partition_indexes [0, 3]
    ].join(''),
  );
  const response = hex(
    [
      // no throttle_time_ms (v3+)
      '00000001', // topics count
      '0002' + ascii('pv'), //   name
      '00000001', //   partitions count
      '00000000', //     partition_index 0
      '000000000000002a', //     committed_offset 42
      'ffff', //     metadata null
      '0000', //     error_code
      // no top-level error_code (v2+)
    ].join(''),
  );

  it('request', () => {
    const body: OffsetFetchRequest = { groupId: 'g1', topics: [{ name: 'pv', partitionIndexes: [0, 3] }] };
    expect(decodeReq(9, 0, request)).toEqual(body);
    expect(encodeReq(9, 0, body)).toEqual(request);
  });

  it('response (absent fields decode to the spec defaults)', () => {
    const body: OffsetFetchResponse = {
      throttleTimeMs: 0,
      topics: [{ name: 'pv', partitions: [{ partitionIndex: 0, committedOffset: 42, metadata: null, errorCode: 0 }] }],
      errorCode: 0,
    };
    expect(decodeRes(9, 0, response)).toEqual(body);
    expect(encodeRes(9, 0, { ...body, throttleTimeMs: 99, errorCode: 16 })).toEqual(response); // absent at v0: skipped
  });

  it('null topics is not representable at v0 or v1', () => {
    expect(() => encodeReq(9, 1, { groupId: 'g', topics: null })).toThrow(/not nullable at v1/);
  });
});

describe('CreateTopics v4 (kafkajs stops at v3; librdkafka and kafka-javascript use v4)', () => {
  const request = hex(
    [
      '00000001', // topics count
      '0001' + ascii('t'), //   name
      'ffffffff', //   num_partitions -1 (broker default, KIP-464)
      'ffff', //   replication_factor -1
      '00000000', //   assignments: none
      '00000001', //   configs count
      '0001' + ascii('a'), //     name
      'ffff', //     value null
      '0000ea60', // timeout_ms 60000
      '01', // validate_only true
    ].join(''),
  );
  const response = hex(
    [
      '00000003', // throttle_time_ms
      '00000001', // topics count
      '0001' + ascii('t'), //   name
      '0024', //   error_code 36 TOPIC_ALREADY_EXISTS
      '0006' + ascii('exists'), //   error_message
    ].join(''),
  );

  it('request', () => {
    const body: CreateTopicsRequest = {
      topics: [{ name: 't', numPartitions: -1, replicationFactor: -1, assignments: [], configs: [{ name: 'a', value: null }] }],
      timeoutMs: 60000,
      validateOnly: true,
    };
    expect(decodeReq(19, 4, request)).toEqual(body);
    expect(encodeReq(19, 4, body)).toEqual(request);
  });

  it('response', () => {
    const body: CreateTopicsResponse = { throttleTimeMs: 3, topics: [{ name: 't', errorCode: 36, errorMessage: 'exists' }] };
    expect(decodeRes(19, 4, response)).toEqual(body);
    expect(encodeRes(19, 4, body)).toEqual(response);
  });
});

describe('DeleteTopics v2–3 (kafkajs stops at v1)', () => {
  const request = hex('00000001' + '0001' + ascii('t') + '00001388'); // topic_names ["t"], timeout_ms 5000
  const response = hex('00000005' + '00000001' + '0001' + ascii('t') + '0003'); // throttle 5, [("t", 3)]
  for (const version of [2, 3]) {
    it(`v${version} request and response`, () => {
      const req: DeleteTopicsRequest = { topicNames: ['t'], timeoutMs: 5000 };
      expect(decodeReq(20, version, request)).toEqual(req);
      expect(encodeReq(20, version, req)).toEqual(request);
      const res: DeleteTopicsResponse = { throttleTimeMs: 5, responses: [{ name: 't', errorCode: 3 }] };
      expect(decodeRes(20, version, response)).toEqual(res);
      expect(encodeRes(20, version, res)).toEqual(response);
    });
  }
});
