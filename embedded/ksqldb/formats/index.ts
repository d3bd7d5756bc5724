// Format registry and windowed-key encoding (Kafka Streams layouts).
import { DelimitedFormat, makeDelimited } from './delimited.ts';
import type { Format } from './format.ts';
import { JsonFormat } from './json.ts';
import { KafkaFormat } from './kafka.ts';

export type { Format } from './format.ts';
export { SerdeError } from './format.ts';

const NoneFormat: Format = {
  name: 'NONE',
  validate: (cols) => (cols.length ? "The 'NONE' format can only be used when no columns are defined." : undefined),
  serialize: () => Buffer.alloc(0),
  deserialize: () => [],
};

const FORMATS: Record<string, Format> = { JSON: JsonFormat, KAFKA: KafkaFormat, DELIMITED: DelimitedFormat, NONE: NoneFormat };

const delimitedCache = new Map<string, Format>();

/** The format by name; DELIMITED takes an optional single-character delimiter. */
export function getFormat(name: string, delimiter?: string): Format | undefined {
  const n = name.toUpperCase();
  if (n === 'DELIMITED' && delimiter && delimiter !== ',') {
    let f = delimitedCache.get(delimiter);
    if (!f) delimitedCache.set(delimiter, (f = makeDelimited(delimiter)));
    return f;
  }
  return FORMATS[n];
}

/** Parses a VALUE_DELIMITER / KEY_DELIMITER property value; throws a message when invalid. */
export function parseDelimiter(prop: string, value: string): string {
  if (value === 'TAB') return '\t';
  if (value === 'SPACE') return ' ';
  if (value.trim() === '') {
    throw new Error(
      `Failed to prepare statement: Configuration ${prop} is invalid: Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'\nExample valid value: ';'`,
    );
  }
  if (value.length !== 1) {
    throw new Error(
      `Failed to prepare statement: Configuration ${prop} is invalid: Invalid delimiter value: '${value}'. Delimiter must be a single character or TAB,SPACE\nExample valid value: ';'`,
    );
  }
  return value;
}

export const KNOWN_UNSUPPORTED_FORMATS = ['AVRO', 'PROTOBUF', 'PROTOBUF_NOSR', 'JSON_SR'];

export type WindowType = 'TUMBLING' | 'HOPPING' | 'SESSION';

export interface WindowBounds {
  start: number;
  end: number;
}

/** Time windows: key bytes + 8-byte start. Session windows: key bytes + 8-byte end + 8-byte start. */
export function encodeWindowedKey(inner: Buffer, win: WindowBounds, type: WindowType): Buffer {
  const n = inner.length;
  if (type === 'SESSION') {
    const b = Buffer.allocUnsafe(n + 16);
    inner.copy(b, 0);
    writeInt64BE(b, win.end, n);
    writeInt64BE(b, win.start, n + 8);
    return b;
  }
  const b = Buffer.allocUnsafe(n + 8);
  inner.copy(b, 0);
  writeInt64BE(b, win.start, n);
  return b;
}

/** b.writeBigInt64BE(BigInt(v), at) without the bigint for safe integers (two 32-bit halves). */
function writeInt64BE(b: Buffer, v: number, at: number): void {
  if (Number.isSafeInteger(v)) {
    const hi = Math.floor(v / 4294967296);
    b.writeInt32BE(hi, at);
    b.writeUInt32BE(v - hi * 4294967296, at + 4);
  } else b.writeBigInt64BE(BigInt(v), at);
}

export function decodeWindowedKey(data: Buffer, type: WindowType, sizeMs?: number): { inner: Buffer; window: WindowBounds } {
  if (type === 'SESSION') {
    if (data.length < 16) throw new Error('Windowed key too short');
    const n = data.length - 16;
    const end = Number(data.readBigInt64BE(n));
    const start = Number(data.readBigInt64BE(n + 8));
    return { inner: data.subarray(0, n), window: { start, end } };
  }
  if (data.length < 8) throw new Error('Windowed key too short');
  const n = data.length - 8;
  const start = Number(data.readBigInt64BE(n));
  return { inner: data.subarray(0, n), window: { start, end: sizeMs === undefined ? Number.MAX_SAFE_INTEGER : start + sizeMs } };
}
