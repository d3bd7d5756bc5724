// Format registry and windowed-key encoding (Kafka Streams layouts).
import { DelimitedFormat } from './delimited.ts';
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

export function getFormat(name: string): Format | undefined {
  return FORMATS[name.toUpperCase()];
}

export const KNOWN_UNSUPPORTED_FORMATS = ['AVRO', 'PROTOBUF', 'PROTOBUF_NOSR', 'JSON_SR'];

export type WindowType = 'TUMBLING' | 'HOPPING' | 'SESSION';

export interface WindowBounds {
  start: number;
  end: number;
}

/** Time windows: key bytes + 8-byte start. Session windows: key bytes + 8-byte end + 8-byte start. */
export function encodeWindowedKey(inner: Buffer, win: WindowBounds, type: WindowType): Buffer {
  if (type === 'SESSION') {
    const b = Buffer.alloc(16);
    b.writeBigInt64BE(BigInt(win.end), 0);
    b.writeBigInt64BE(BigInt(win.start), 8);
    return Buffer.concat([inner, b]);
  }
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(win.start), 0);
  return Buffer.concat([inner, b]);
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
