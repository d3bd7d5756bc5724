// BYTES functions: text and numbers to and from bytes, and the BYTES forms of SUBSTRING, LPAD, RPAD and
// SPLIT (the string functions applied to the bytes read one character per byte).
import { Bytes } from '../expr/bytes.ts';
import { T, type SqlType } from '../types.ts';
import { def, getScalarFunction, nullSafe, sig } from './registry.ts';

const ENCODINGS: Record<string, BufferEncoding> = { hex: 'hex', utf8: 'utf8', ascii: 'ascii', base64: 'base64' };

function encoding(name: unknown): BufferEncoding {
  const e = ENCODINGS[String(name).toLowerCase()];
  if (!e) throw new Error(`Supported input and output encodings are: hex, utf8, ascii and base64`);
  return e;
}

def('TO_BYTES', 'Text in an encoding (hex, utf8, ascii, base64) as BYTES', (ts) => {
  if (ts.length !== 2 || ts.some((t) => t.base !== 'STRING' && t.base !== 'NULL')) return `Function 'to_bytes' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.BYTES,
    invoke: nullSafe((a) => {
      const enc = encoding(a[1]);
      const text = String(a[0]);
      if (enc === 'hex' && !/^([0-9a-fA-F]{2})*$/.test(text)) throw new Error(`Invalid hex string: ${text}`);
      return new Bytes(Buffer.from(text, enc));
    }),
  };
});
def('FROM_BYTES', 'BYTES as text in an encoding (hex, utf8, ascii, base64)', (ts) => {
  if (ts.length !== 2 || ts[0]!.base !== 'BYTES' || ts[1]!.base !== 'STRING') return `Function 'from_bytes' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.STRING,
    invoke: nullSafe((a) => {
      const enc = encoding(a[1]);
      const text = (a[0] as Bytes).data.toString(enc);
      return enc === 'hex' ? text.toUpperCase() : text;
    }),
  };
});

/** INT_FROM_BYTES, BIGINT_FROM_BYTES, DOUBLE_FROM_BYTES: exactly 4 or 8 bytes, big-endian unless told LITTLE_ENDIAN. */
for (const [name, type, size, read] of [
  ['INT_FROM_BYTES', T.INTEGER, 4, (b: Buffer, le: boolean) => (le ? b.readInt32LE(0) : b.readInt32BE(0))],
  ['BIGINT_FROM_BYTES', T.BIGINT, 8, (b: Buffer, le: boolean) => Number(le ? b.readBigInt64LE(0) : b.readBigInt64BE(0))],
  ['DOUBLE_FROM_BYTES', T.DOUBLE, 8, (b: Buffer, le: boolean) => (le ? b.readDoubleLE(0) : b.readDoubleBE(0))],
] as const) {
  def(name, `The ${type.base} held in ${size} bytes`, (ts) => {
    if (ts.length < 1 || ts.length > 2 || ts[0]!.base !== 'BYTES' || (ts.length === 2 && ts[1]!.base !== 'STRING'))
      return `Function '${name.toLowerCase()}' does not accept parameters (${sig(ts)}).`;
    return {
      returnType: type,
      invoke: nullSafe((a) => {
        const b = (a[0] as Bytes).data;
        if (b.length !== size) throw new Error(`Number of bytes must be equal to ${size}, but found ${b.length}`);
        const order = a.length > 1 ? String(a[1]).toUpperCase() : 'BIG_ENDIAN';
        if (order !== 'BIG_ENDIAN' && order !== 'LITTLE_ENDIAN') throw new Error(`Byte order must be BIG_ENDIAN or LITTLE_ENDIAN: ${order}`);
        return read(b, order === 'LITTLE_ENDIAN');
      }),
    };
  });
}

const toText = (v: unknown) => (v instanceof Bytes ? v.data.toString('latin1') : v);
const toBytes = (v: unknown): unknown => (typeof v === 'string' ? new Bytes(Buffer.from(v, 'latin1')) : Array.isArray(v) ? v.map(toBytes) : v);
const asString = (t: SqlType): SqlType => (t.base === 'BYTES' ? T.STRING : t);
const asBytes = (t: SqlType): SqlType => (t.base === 'STRING' ? T.BYTES : t.base === 'ARRAY' ? T.array(asBytes(t.item!)) : t);

/** The string function also taking BYTES where it takes STRING, giving BYTES where it gives STRING. */
function bytesOverload(name: string, nullWhen: (a: unknown[]) => boolean = () => false): void {
  const text = getScalarFunction(name)!;
  def(name, text.description, (ts) => {
    if (ts[0]?.base !== 'BYTES') return text.resolve(ts);
    if (ts.slice(1).some((t) => t.base === 'STRING')) return `Function '${name.toLowerCase()}' does not accept parameters (${sig(ts)}).`;
    const res = text.resolve(ts.map(asString));
    if (typeof res === 'string') return res;
    return { returnType: asBytes(res.returnType), invoke: (a) => (nullWhen(a) ? null : toBytes(res.invoke(a.map(toText)))) };
  });
}
bytesOverload('SUBSTRING');
bytesOverload('SPLIT');
// padding with no bytes gives null, even when no padding is needed
for (const name of ['LPAD', 'RPAD']) bytesOverload(name, (a) => a[2] instanceof Bytes && a[2].data.length === 0);
