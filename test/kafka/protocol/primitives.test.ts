import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../embedded/kafka/protocol/errors.ts';
import { Reader } from '../../../embedded/kafka/protocol/reader.ts';
import { Writer } from '../../../embedded/kafka/protocol/writer.ts';
import { hex, kjsModule } from './helpers.ts';

const KjsEncoder = kjsModule('protocol/encoder.js');
const KjsDecoder = kjsModule('protocol/decoder.js');

const write = (fn: (w: Writer) => void): Buffer => {
  const w = new Writer(16);
  fn(w);
  return Buffer.from(w.toBuffer());
};
const read = (b: Buffer): Reader => new Reader(b);

describe('fixed-width integers', () => {
  it('int8/16/32 big-endian with sign', () => {
    const b = write((w) => w.writeInt8(-2).writeInt16(-2).writeInt32(-2).writeInt16(0x1234).writeInt32(0x12345678));
    expect(b).toEqual(hex('fe fffe fffffffe 1234 12345678'));
    const r = read(b);
    expect([r.readInt8(), r.readInt16(), r.readInt32(), r.readInt16(), r.readInt32()]).toEqual([-2, -2, -2, 0x1234, 0x12345678]);
    expect(r.remaining).toBe(0);
  });

  it('uint32 and boolean', () => {
    const b = write((w) => w.writeUInt32(0xe3069283).writeBoolean(true).writeBoolean(false));
    expect(b).toEqual(hex('e3069283 01 00'));
    const r = read(b);
    expect(r.readUInt32()).toBe(0xe3069283);
    expect(r.readBoolean()).toBe(true);
    expect(r.readBoolean()).toBe(false);
  });

  it('int64 as number: edge values within 2^53', () => {
    const values = [0, 1, -1, 2 ** 32, -(2 ** 32), 2 ** 32 - 1, 2 ** 31, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1_700_000_000_000];
    for (const v of values) {
      const b = write((w) => w.writeInt64(v));
      expect(b.readBigInt64BE(0)).toBe(BigInt(v));
      expect(read(b).readInt64()).toBe(v);
    }
    expect(write((w) => w.writeInt64(-1))).toEqual(hex('ffffffffffffffff'));
    // beyond 2^53 a number read is rounded, not garbage
    const big = Buffer.alloc(8);
    big.writeBigInt64BE(2n ** 62n + 1n);
    expect(read(big).readInt64()).toBe(2 ** 62);
    expect(() => write((w) => w.writeInt64(1.5))).toThrow(ProtocolError);
    expect(() => write((w) => w.writeInt64(2 ** 63))).toThrow(ProtocolError);
  });

  it('int64 as exact bigint', () => {
    for (const v of [0n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 123456789012345678n]) {
      const b = write((w) => w.writeInt64Big(v));
      expect(read(b).readInt64Big()).toBe(v);
    }
  });

  it('uuid', () => {
    const u = '0123abcd-4567-89ef-0123-456789abcdef';
    const b = write((w) => w.writeUuid(u));
    expect(b).toEqual(hex('0123abcd456789ef0123456789abcdef'));
    expect(read(b).readUuid()).toBe(u);
    expect(() => write((w) => w.writeUuid('nope'))).toThrow(ProtocolError);
  });
});

describe('varints', () => {
  it('unsigned varint edge values', () => {
    const cases: Array<[number, string]> = [
      [0, '00'],
      [1, '01'],
      [127, '7f'],
      [128, '8001'],
      [300, 'ac02'],
      [16383, 'ff7f'],
      [16384, '808001'],
      [2 ** 31 - 1, 'ffffffff07'],
      [2 ** 32 - 1, 'ffffffff0f'],
    ];
    for (const [v, h] of cases) {
      const b = write((w) => w.writeUVarInt(v));
      expect(b.toString('hex'), `uvarint ${v}`).toBe(h);
      expect(read(b).readUVarInt()).toBe(v);
    }
    expect(() => write((w) => w.writeUVarInt(-1))).toThrow(ProtocolError);
    expect(() => write((w) => w.writeUVarInt(2 ** 32))).toThrow(ProtocolError);
  });

  it('rejects overlong or overflowing unsigned varints', () => {
    expect(() => read(hex('ffffffff10')).readUVarInt()).toThrow(/overflows/);
    expect(() => read(hex('ffffffffff01')).readUVarInt()).toThrow(ProtocolError);
    expect(() => read(hex('80')).readUVarInt()).toThrow(/truncated/);
  });

  it('zig-zag varint edge values, matching kafkajs', () => {
    const cases: Array<[number, string]> = [
      [0, '00'],
      [-1, '01'],
      [1, '02'],
      [-64, '7f'],
      [63, '7e'],
      [64, '8001'],
      [-65, '8101'],
      [2147483647, 'feffffff0f'],
      [-2147483648, 'ffffffff0f'],
    ];
    for (const [v, h] of cases) {
      const b = write((w) => w.writeVarInt(v));
      expect(b.toString('hex'), `varint ${v}`).toBe(h);
      expect(read(b).readVarInt()).toBe(v);
      expect(new KjsEncoder().writeVarInt(v).buffer.toString('hex')).toBe(h);
    }
    expect(() => write((w) => w.writeVarInt(2 ** 31))).toThrow(ProtocolError);
  });

  it('zig-zag varlong edge values, matching kafkajs', () => {
    const values = [
      0,
      -1,
      1,
      2 ** 31,
      -(2 ** 31) - 1,
      2 ** 35,
      1_700_000_000_123,
      -1_700_000_000_123,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
      2 ** 52,
      -(2 ** 52),
      2 ** 52 - 1,
    ];
    for (const v of values) {
      const b = write((w) => w.writeVarLong(v));
      expect(read(b).readVarLong(), `varlong ${v}`).toBe(v);
      const kjs = new KjsEncoder().writeVarLong(v).buffer as Buffer;
      expect(b.toString('hex'), `varlong bytes ${v}`).toBe(kjs.toString('hex'));
    }
    expect(write((w) => w.writeVarLong(-1)).toString('hex')).toBe('01');
    // the largest 64-bit zig-zag value takes 10 bytes
    expect(read(hex('ffffffffffffffffff01')).readUVarLong()).toBe(2 ** 64 - 1);
    expect(() => read(hex('ffffffffffffffffff02')).readUVarLong()).toThrow(/overflows/);
    expect(() => read(hex('ffffffffffffffffffff01')).readUVarLong()).toThrow(ProtocolError);
    expect(() => write((w) => w.writeVarLong(2 ** 60))).toThrow(ProtocolError);
  });
});

describe('strings and bytes', () => {
  it('string and nullable string', () => {
    const b = write((w) => w.writeString('héllo').writeNullableString(null).writeString(''));
    expect(b).toEqual(Buffer.concat([hex('0006'), Buffer.from('héllo'), hex('ffff 0000')]));
    const r = read(b);
    expect(r.readString()).toBe('héllo');
    expect(r.readNullableString()).toBeNull();
    expect(r.readString()).toBe('');
    expect(() => read(hex('ffff')).readString()).toThrow(ProtocolError);
    // agrees with kafkajs
    expect(new KjsEncoder().writeString('héllo').buffer).toEqual(b.subarray(0, 8));
  });

  it('bytes and nullable bytes are zero-copy views', () => {
    const b = write((w) => w.writeBytes(Buffer.from([1, 2, 3])).writeNullableBytes(null));
    expect(b).toEqual(hex('00000003 010203 ffffffff'));
    const r = read(b);
    const v = r.readBytes();
    expect(v).toEqual(Buffer.from([1, 2, 3]));
    expect(v.buffer).toBe(b.buffer);
    expect(r.readNullableBytes()).toBeNull();
  });

  it('rejects negative and oversized lengths without allocating', () => {
    expect(() => read(hex('fffe')).readNullableString()).toThrow(/invalid string length/);
    expect(() => read(hex('7fff 41')).readString()).toThrow(/truncated/);
    expect(() => read(hex('fffffffe')).readNullableBytes()).toThrow(/invalid bytes length/);
    expect(() => read(hex('7fffffff 00')).readBytes()).toThrow(/truncated/);
  });
});

describe('arrays', () => {
  const int32s = (r: Reader): number => r.readInt32();

  it('array and nullable array', () => {
    const b = write((w) => w.writeArray([1, 2], (w, v) => w.writeInt32(v)).writeNullableArray(null, (w, v: number) => w.writeInt32(v)));
    expect(b).toEqual(hex('00000002 00000001 00000002 ffffffff'));
    const r = read(b);
    expect(r.readArray(int32s)).toEqual([1, 2]);
    expect(r.readNullableArray(int32s)).toBeNull();
    expect(() => read(hex('ffffffff')).readArray(int32s)).toThrow(ProtocolError);
  });

  it('rejects a huge count before looping or allocating', () => {
    let calls = 0;
    const item = (r: Reader): number => (calls++, r.readInt8());
    expect(() => read(hex('7fffffff 00 00')).readArray(item)).toThrow(/exceeds/);
    expect(calls).toBe(0);
    expect(() => read(hex('fffffffe')).readNullableArray(item)).toThrow(/invalid array count/);
    expect(() => read(hex('00000002 0001 00')).readArray((r) => r.readInt16())).toThrow(/truncated/);
  });
});

describe('compact (flexible) encodings', () => {
  it('compact string / nullable string', () => {
    const b = write((w) => w.writeCompactString('abc').writeCompactNullableString(null).writeCompactString(''));
    expect(b).toEqual(hex('04 616263 00 01'));
    const r = read(b);
    expect(r.readCompactString()).toBe('abc');
    expect(r.readCompactNullableString()).toBeNull();
    expect(r.readCompactString()).toBe('');
    expect(() => read(hex('00')).readCompactString()).toThrow(ProtocolError);
    expect(() => read(hex('ffffffff0f')).readCompactString()).toThrow(/truncated/);
  });

  it('compact bytes and arrays', () => {
    const b = write((w) =>
      w
        .writeCompactBytes(Buffer.from([9]))
        .writeCompactNullableBytes(null)
        .writeCompactArray([7, 8], (w, v) => w.writeInt8(v))
        .writeCompactNullableArray(null, (w, v: number) => w.writeInt8(v)),
    );
    expect(b).toEqual(hex('02 09 00 03 07 08 00'));
    const r = read(b);
    expect(r.readCompactBytes()).toEqual(Buffer.from([9]));
    expect(r.readCompactNullableBytes()).toBeNull();
    expect(r.readCompactArray((r) => r.readInt8())).toEqual([7, 8]);
    expect(r.readCompactNullableArray((r) => r.readInt8())).toBeNull();
    expect(() => read(hex('ffffffff0f')).readCompactArray((r) => r.readInt8())).toThrow(/exceeds/);
  });

  it('tag buffers: unknown tags are skipped, writes are empty', () => {
    expect(write((w) => w.writeEmptyTaggedFields())).toEqual(hex('00'));
    // two tagged fields: tag 0 (2 bytes), tag 5 (1 byte), then a trailing int8
    const r = read(hex('02 00 02 aaaa 05 01 bb 07'));
    r.skipTaggedFields();
    expect(r.readInt8()).toBe(7);
    expect(() => read(hex('01 00 05 aa')).skipTaggedFields()).toThrow(/truncated/);
    expect(() => read(hex('02 03 00 01 00')).skipTaggedFields()).toThrow(/out of order/);
    expect(() => read(hex('7f')).skipTaggedFields()).toThrow(/exceeds/);
  });
});

describe('reader bounds', () => {
  it('throws ProtocolError (not RangeError) on every truncated read', () => {
    const empty = Buffer.alloc(0);
    const reads: Array<(r: Reader) => unknown> = [
      (r) => r.readInt8(),
      (r) => r.readInt16(),
      (r) => r.readInt32(),
      (r) => r.readUInt32(),
      (r) => r.readInt64(),
      (r) => r.readInt64Big(),
      (r) => r.readBoolean(),
      (r) => r.readUuid(),
      (r) => r.readUVarInt(),
      (r) => r.readVarLong(),
      (r) => r.readString(),
      (r) => r.readBytes(),
      (r) => r.readCompactString(),
      (r) => r.skipTaggedFields(),
    ];
    for (const fn of reads) expect(() => fn(read(empty))).toThrow(ProtocolError);
    expect(() => read(hex('0102')).readInt32()).toThrow(/need 4 bytes at offset 0, only 2 left/);
  });

  it('respects a sub-range end', () => {
    const r = new Reader(hex('00000001 00000002'), 0, 4);
    expect(r.readInt32()).toBe(1);
    expect(() => r.readInt32()).toThrow(ProtocolError);
  });

  it('writer grows and patches', () => {
    const w = new Writer(16);
    w.writeInt32(0);
    for (let i = 0; i < 1000; i++) w.writeInt32(i);
    w.patchInt32(0, w.length - 4);
    const b = w.toBuffer();
    expect(b.length).toBe(4004);
    expect(b.readInt32BE(0)).toBe(4000);
    expect(b.readInt32BE(4000)).toBe(999);
  });

  it('kafkajs decoder reads what we write', () => {
    const b = write((w) => w.writeInt64(1_700_000_000_000).writeString('x').writeVarInt(-5));
    const d = new KjsDecoder(b);
    expect(d.readInt64().toString()).toBe('1700000000000');
    expect(d.readString()).toBe('x');
    expect(d.readVarInt()).toBe(-5);
  });
});

describe('writer range checks', () => {
  it('throws ProtocolError, not RangeError, for out-of-range integers', () => {
    const bad: Array<(w: Writer) => unknown> = [
      (w) => w.writeInt8(128),
      (w) => w.writeInt16(40000),
      (w) => w.writeInt32(2 ** 31),
      (w) => w.writeInt32(1.5),
      (w) => w.writeInt32(Number.NaN),
      (w) => w.writeUInt32(-1),
      (w) => w.writeInt64Big(2n ** 63n),
      (w) => w.writeNullableString('x'.repeat(40000)),
    ];
    for (const fn of bad) expect(() => fn(new Writer())).toThrow(ProtocolError);
  });
});
