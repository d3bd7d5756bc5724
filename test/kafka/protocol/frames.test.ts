/**
 * Request/response framing, the registry, and malformed input: every bad frame must give a typed
 * ProtocolError (or subclass), never another exception and never a huge allocation.
 */
import { describe, expect, it } from 'vitest';
import {
  ApiKey,
  API_MODULES,
  apiVersionsUnsupportedResponse,
  decodeRequestFrame,
  decodeResponseFrame,
  encodeApiVersionsUnsupportedFrame,
  encodeRequestFrame,
  encodeResponseFrame,
  isFlexible,
  ProtocolError,
  SUPPORTED_APIS,
  UnknownApiKeyError,
  UnsupportedVersionError,
  type MetadataRequest,
  type ProduceRequest,
} from '../../../embedded/kafka/protocol/index.ts';
import { responseHeaderVersion, requestHeaderVersion } from '../../../embedded/kafka/protocol/header.ts';
import { buildRecordBatch } from '../../../embedded/kafka/protocol/record-batch/index.ts';
import { encodeReq, encodeRes, hex, kjs, kjsModule, kjsParse } from './helpers.ts';

const createKjsRequest = kjsModule('protocol/request.js');

/** A full kafkajs request frame (with size prefix), as its connection writes it to the socket. */
async function kafkajsFrame(folder: string, version: number, args: unknown, correlationId = 5, clientId = 'my-app'): Promise<Buffer> {
  const { request } = kjs(folder, version, args);
  const enc = await createKjsRequest({ correlationId, clientId, request });
  return Buffer.from(enc.buffer);
}

/** Runs fn and returns what it threw (or undefined). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('registry', () => {
  it('serves exactly the agreed keys and ranges', () => {
    expect(SUPPORTED_APIS).toEqual({
      0: { minVersion: 0, maxVersion: 7 },
      1: { minVersion: 0, maxVersion: 11 },
      2: { minVersion: 0, maxVersion: 3 },
      3: { minVersion: 0, maxVersion: 6 },
      8: { minVersion: 0, maxVersion: 5 },
      9: { minVersion: 0, maxVersion: 4 },
      10: { minVersion: 0, maxVersion: 2 },
      11: { minVersion: 0, maxVersion: 5 },
      12: { minVersion: 0, maxVersion: 3 },
      13: { minVersion: 0, maxVersion: 3 },
      14: { minVersion: 0, maxVersion: 3 },
      15: { minVersion: 0, maxVersion: 2 },
      16: { minVersion: 0, maxVersion: 2 },
      18: { minVersion: 0, maxVersion: 3 },
      19: { minVersion: 0, maxVersion: 4 },
      20: { minVersion: 0, maxVersion: 3 },
      21: { minVersion: 0, maxVersion: 1 },
      22: { minVersion: 0, maxVersion: 1 },
      32: { minVersion: 0, maxVersion: 2 },
      33: { minVersion: 0, maxVersion: 1 },
      37: { minVersion: 0, maxVersion: 1 },
      42: { minVersion: 0, maxVersion: 1 },
    });
    for (const [name, key] of Object.entries(ApiKey)) {
      expect(API_MODULES[key].apiKey).toBe(key);
      expect(API_MODULES[key].apiName).toBe(name);
    }
  });

  it('only ApiVersions v3 is flexible within the served ranges', () => {
    const flexible: string[] = [];
    for (const [key, r] of Object.entries(SUPPORTED_APIS)) {
      for (let v = r.minVersion; v <= r.maxVersion; v++) if (isFlexible(Number(key), v)) flexible.push(`${key}v${v}`);
    }
    expect(flexible).toEqual(['18v3']);
    expect(isFlexible(0, 9)).toBe(true); // thresholds follow the AK specs
    expect(isFlexible(1, 12)).toBe(true);
    expect(isFlexible(9, 6)).toBe(true);
    expect(isFlexible(999, 0)).toBe(false);
  });

  it('header versions: request v2 when flexible; response v1 when flexible except ApiVersions', () => {
    expect(requestHeaderVersion(false)).toBe(1);
    expect(requestHeaderVersion(true)).toBe(2);
    expect(responseHeaderVersion(3, false)).toBe(0);
    expect(responseHeaderVersion(3, true)).toBe(1);
    expect(responseHeaderVersion(18, true)).toBe(0);
  });
});

describe('decodeRequestFrame', () => {
  it('decodes a kafkajs frame (header v1 + body), narrowing on apiKey', async () => {
    const frame = await kafkajsFrame('metadata', 6, { topics: ['a'], allowAutoTopicCreation: true }, 77, 'client-x');
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
    const req = decodeRequestFrame(frame.subarray(4));
    expect(req.header).toEqual({ apiKey: 3, apiVersion: 6, correlationId: 77, clientId: 'client-x' });
    if (req.apiKey !== ApiKey.Metadata) throw new Error('not metadata');
    const body: MetadataRequest = req.body;
    expect(body).toEqual({ topics: [{ name: 'a' }], allowAutoTopicCreation: true });
  });

  it('decodes a literal Metadata v1 frame with a null client id', () => {
    // api_key 3, version 1, correlation 7, client_id null, topics null (= all topics)
    const req = decodeRequestFrame(hex('0003 0001 00000007 ffff ffffffff'));
    expect(req.header.clientId).toBeNull();
    expect(req.body).toEqual({ topics: null, allowAutoTopicCreation: true });
  });

  it("our encodeRequestFrame equals kafkajs's frame byte for byte", async () => {
    const frame = await kafkajsFrame('heartbeat', 3, { groupId: 'g', groupGenerationId: 1, memberId: 'm', groupInstanceId: null }, 9, 'cid');
    expect(encodeRequestFrame(12, 3, 9, 'cid', { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null })).toEqual(frame);
  });

  it('unknown api key → UnknownApiKeyError carrying the header', () => {
    for (const key of [4, 17, 23, 36, 999, -1]) {
      const e = thrown(() => decodeRequestFrame(hex((key & 0xffff).toString(16).padStart(4, '0') + '0000 0000002a 0002 6162')));
      expect(e, `key ${key}`).toBeInstanceOf(UnknownApiKeyError);
      expect(e).toBeInstanceOf(ProtocolError);
      expect((e as UnknownApiKeyError).header).toEqual({ apiKey: key, apiVersion: 0, correlationId: 42, clientId: 'ab' });
    }
  });

  it('unsupported version → UnsupportedVersionError (ApiVersions flagged as answerable)', () => {
    const cases: Array<[number, number, boolean]> = [
      [0, 8, false],
      [1, 12, false],
      [3, 7, false],
      [9, 5, false],
      [18, 4, true],
      [18, 0x7fff, true],
      [2, -1, false],
    ];
    for (const [key, version, isApiVersions] of cases) {
      const frame = hex(`${key.toString(16).padStart(4, '0')}${(version & 0xffff).toString(16).padStart(4, '0')} 00000003 ffff`);
      const e = thrown(() => decodeRequestFrame(frame));
      expect(e, `${key} v${version}`).toBeInstanceOf(UnsupportedVersionError);
      const u = e as UnsupportedVersionError;
      expect(u.isApiVersions).toBe(isApiVersions);
      expect(u.header.correlationId).toBe(3);
      expect([u.minVersion, u.maxVersion]).toEqual([SUPPORTED_APIS[key]!.minVersion, SUPPORTED_APIS[key]!.maxVersion]);
    }
  });

  it('truncated or malformed frames → ProtocolError', () => {
    const bad = [
      '', // empty
      '00', // 1 byte
      '0003 0001 0000', // truncated correlation id
      '0003 0001 00000001', // missing client id
      '0003 0001 00000001 0005 6162', // client id shorter than its length
      '0003 0001 00000001 fffe', // client id length -2
      '0003 0001 00000001 ffff', // Metadata v1 body missing
      '0003 0001 00000001 ffff fffffffe', // topics count -2
      '0003 0001 00000001 ffff 7fffffff 0001 61', // topics count 2^31-1 with 3 bytes left
      '0003 0001 00000001 ffff 00000002 0001 61', // second topic missing
      '0012 0003 00000001 ffff', // ApiVersions v3: header tag buffer missing
      '0012 0003 00000001 ffff 00 7f', // compact string longer than the frame
      '0012 0003 00000001 ffff 00 ffffffffff', // uvarint too long
      '0012 0003 00000001 ffff 00 01 01 05', // tag buffer claims a 5-byte field... truncated
    ];
    for (const h of bad) {
      const e = thrown(() => decodeRequestFrame(hex(h)));
      expect(e, h).toBeInstanceOf(ProtocolError);
      expect(e, h).not.toBeInstanceOf(UnknownApiKeyError);
    }
  });

  it('every truncation of a real Produce frame fails with ProtocolError only', async () => {
    const frame = (
      await kafkajsFrame('produce', 7, {
        acks: -1,
        timeout: 1000,
        topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: 'k', value: 'v', headers: { a: 'b' } }] }] }],
      })
    ).subarray(4);
    expect(decodeRequestFrame(frame).apiKey).toBe(0);
    for (let n = 0; n < frame.length; n++) {
      const e = thrown(() => decodeRequestFrame(frame.subarray(0, n)));
      expect(e, `truncated at ${n}`).toBeInstanceOf(ProtocolError);
    }
  });

  it('random garbage after a valid header never escapes as a non-ProtocolError', () => {
    let seed = 12345;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    let ok = 0;
    for (const [key, range] of Object.entries(SUPPORTED_APIS)) {
      for (let v = range.minVersion; v <= range.maxVersion; v++) {
        for (let i = 0; i < 60; i++) {
          const body = Buffer.alloc(Math.floor(rand() * 64));
          for (let j = 0; j < body.length; j++) body[j] = rand() < 0.3 ? 0xff : Math.floor(rand() * 256);
          const head = hex(`${Number(key).toString(16).padStart(4, '0')}${v.toString(16).padStart(4, '0')} 00000001 ffff`);
          const frame = Buffer.concat([
            head,
            v >= API_MODULES[Number(key) as keyof typeof API_MODULES].firstFlexibleVersion ? hex('00') : Buffer.alloc(0),
            body,
          ]);
          const e = thrown(() => decodeRequestFrame(frame));
          if (e === undefined) ok++;
          else expect(e, `${key} v${v} ${frame.toString('hex')}`).toBeInstanceOf(ProtocolError);
        }
      }
    }
    expect(ok).toBeGreaterThan(0); // some random bodies are valid (e.g. empty ListGroups)
  });

  it('a records length larger than the frame is rejected before allocating', () => {
    // Produce v3: transactional_id null, acks 1, timeout 0, one topic "t", one partition, records length 2^31-1
    const frame = hex('0000 0003 00000001 ffff  ffff 0001 00000000 00000001 0001 74 00000001 00000000 7fffffff 00');
    expect(thrown(() => decodeRequestFrame(frame))).toBeInstanceOf(ProtocolError);
  });
});

describe('encodeResponseFrame', () => {
  it('prefixes the size and a v0 header; kafkajs parses the body', async () => {
    const frame = encodeResponseFrame(ApiKey.Heartbeat, 2, 0x01020304, { throttleTimeMs: 0, errorCode: 0 });
    expect(frame).toEqual(hex('0000000a 01020304 00000000 0000'));
    const parsed = await kjsParse(kjs('heartbeat', 2, {}), frame.subarray(8));
    expect(parsed.errorCode).toBe(0);
    expect(decodeResponseFrame(ApiKey.Heartbeat, 2, frame.subarray(4))).toEqual({ correlationId: 0x01020304, body: { throttleTimeMs: 0, errorCode: 0 } });
  });

  it('answers an unsupported ApiVersions with error 35 and a v0 body listing ApiVersions', async () => {
    const frame = encodeApiVersionsUnsupportedFrame(42);
    expect(frame).toEqual(
      hex(
        [
          '00000010', // size 16
          '0000002a', // correlation id, header v0
          '0023', // error_code 35 UNSUPPORTED_VERSION
          '00000001', // api_keys: one entry (v0 array encoding)
          '0012 0000 0003', // ApiVersions 0..3
        ].join(''),
      ),
    );
    expect(apiVersionsUnsupportedResponse().errorCode).toBe(35);
    // kafkajs (which parses v0/v1 bodies) recognises UNSUPPORTED_VERSION and would retry lower
    await expect(kjsParse(kjs('apiVersions', 1), frame.subarray(8))).rejects.toMatchObject({ type: 'UNSUPPORTED_VERSION' });
  });

  it('rejects unknown keys, out-of-range versions and non-nullable nulls with ProtocolError', () => {
    expect(thrown(() => encodeResponseFrame(4, 0, 1, {}))).toBeInstanceOf(ProtocolError);
    expect(thrown(() => encodeResponseFrame(ApiKey.Produce, 8, 1, { responses: [], throttleTimeMs: 0 }))).toBeInstanceOf(ProtocolError);
    expect(thrown(() => encodeRes(ApiKey.Metadata, 1, { throttleTimeMs: 0, brokers: null, clusterId: null, controllerId: 0, topics: [] }))).toBeInstanceOf(
      ProtocolError,
    );
    expect(thrown(() => encodeRes(ApiKey.Heartbeat, 0, { errorCode: 'x' }))).toBeInstanceOf(ProtocolError);
    expect(thrown(() => encodeRes(ApiKey.Heartbeat, 0, { errorCode: 40000 }))).toBeInstanceOf(ProtocolError);
    expect(thrown(() => encodeRes(ApiKey.InitProducerId, 0, { throttleTimeMs: 0, errorCode: 0, producerId: 0.5, producerEpoch: 0 }))).toBeInstanceOf(
      ProtocolError,
    );
    expect(
      thrown(() => encodeRes(ApiKey.Produce, 3, { responses: [{ name: 't', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 1.5 }] }] })),
    ).toBeInstanceOf(ProtocolError);
    const e = thrown(() => encodeRes(ApiKey.JoinGroup, 5, { errorCode: 0, generationId: 1, protocolName: null, leader: '', memberId: '', members: [] }));
    expect(e).toBeInstanceOf(ProtocolError);
    expect((e as Error).message).toMatch(/JoinGroupResponse\.protocolName is null/);
  });

  it('fills fields left undefined with their defaults', () => {
    const partial = { responses: [{ name: 't', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 5 }] }] };
    const full = {
      responses: [{ name: 't', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 5, logAppendTimeMs: -1, logStartOffset: -1 }] }],
      throttleTimeMs: 0,
    };
    expect(encodeRes(ApiKey.Produce, 7, partial)).toEqual(encodeRes(ApiKey.Produce, 7, full));
  });

  it('round-trips a Produce request frame with records untouched', () => {
    const records = buildRecordBatch([{ key: 'k', value: 'v', timestamp: 1 }]);
    const body: ProduceRequest = { transactionalId: null, acks: 1, timeoutMs: 100, topicData: [{ name: 't', partitionData: [{ index: 0, records }] }] };
    const frame = encodeRequestFrame(ApiKey.Produce, 7, 3, 'c', body);
    const req = decodeRequestFrame(frame.subarray(4));
    expect(req.body).toEqual(body);
    expect(encodeReq(0, 7, req.body)).toEqual(frame.subarray(4 + 2 + 2 + 4 + 3));
  });
});
