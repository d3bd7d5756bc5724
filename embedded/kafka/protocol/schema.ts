/**
 * Versions as data: each API module describes its request and response bodies as field lists that
 * mirror apache/kafka's `common/message/*.json` (name, type, versions, nullableVersions, default),
 * and this module turns such a list into an encoder/decoder for one version.
 *
 * - Field names are the spec names with the first letter lowercased.
 * - A field absent at the version being decoded is still set on the decoded object, to the spec's
 *   default (explicit `default`, else 0 / false / '' / empty bytes / [] / null for records), so
 *   handlers never need version checks when reading.
 * - When encoding, absent fields are skipped; a present field left `undefined` is written as its
 *   default; `null` in a non-nullable position is a `ProtocolError` (a bug in the caller).
 * - Decoding is lenient where real clients are sloppy: a null (-1) string/bytes/array in a
 *   non-nullable position decodes to ''/empty/[] (kafkajs sends -1 for an empty non-nullable
 *   `brokerIds` in CreatePartitions, for instance).
 * - Flexible versions use compact strings/bytes/arrays and end every struct with a tag buffer; tagged
 *   fields are skipped on read and written empty.
 * - A plan is compiled once per (message, version), so no version checks run per field at runtime.
 *
 * Only fields that exist in at least one served version are described.
 */
import { ProtocolError } from './errors.ts';
import type { Reader } from './reader.ts';
import type { Writer } from './writer.ts';

export type Primitive =
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64' // number
  | 'int64big' // bigint: exact (producer ids)
  | 'bool'
  | 'string'
  | 'bytes'
  | 'records' // nullable bytes holding record batches; default null
  | 'uuid';

/** Inclusive version range; `max` is Infinity for "N+". */
export interface VersionRange {
  min: number;
  max: number;
}

export interface FieldDef {
  name: string;
  versions: VersionRange;
  nullable: VersionRange | null;
  /** primitive type, or the element type of an array */
  type: Primitive | FieldDef[];
  array: boolean;
  default: unknown;
}

interface FieldOptions {
  /** nullableVersions, e.g. '1+' */
  nullable?: string;
  /** the spec default, when it differs from the type default */
  default?: unknown;
}

/** Parses an AK version spec: '3+', '0-4', '5' or 'none'. */
export function parseVersions(spec: string): VersionRange {
  if (spec === 'none') return { min: 1, max: 0 };
  const plus = /^(\d+)\+$/.exec(spec);
  if (plus) return { min: Number(plus[1]), max: Infinity };
  const range = /^(\d+)-(\d+)$/.exec(spec);
  if (range) return { min: Number(range[1]), max: Number(range[2]) };
  if (/^\d+$/.test(spec)) return { min: Number(spec), max: Number(spec) };
  throw new Error(`bad version spec '${spec}'`);
}

const inRange = (r: VersionRange | null, v: number): boolean => r !== null && v >= r.min && v <= r.max;

/** A scalar (or struct-less) field. */
export function field(name: string, type: Primitive, versions: string, opts: FieldOptions = {}): FieldDef {
  return {
    name,
    type,
    array: false,
    versions: parseVersions(versions),
    nullable: opts.nullable ? parseVersions(opts.nullable) : null,
    default: 'default' in opts ? opts.default : primitiveDefault(type),
  };
}

/** An array of a primitive or of a struct (given as its field list). Default [] unless said. */
export function array(name: string, versions: string, of: Primitive | FieldDef[], opts: FieldOptions = {}): FieldDef {
  return {
    name,
    type: of,
    array: true,
    versions: parseVersions(versions),
    nullable: opts.nullable ? parseVersions(opts.nullable) : null,
    default: 'default' in opts ? opts.default : EMPTY_ARRAY,
  };
}

const EMPTY_ARRAY = Symbol('[]');
const EMPTY_BYTES = Buffer.alloc(0);

function primitiveDefault(t: Primitive): unknown {
  switch (t) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
      return 0;
    case 'int64big':
      return 0n;
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'bytes':
      return EMPTY_BYTES;
    case 'records':
      return null;
    case 'uuid':
      return '00000000-0000-0000-0000-000000000000';
  }
}

/** Default value for a field; arrays get a fresh [] each time. */
function defaultOf(f: FieldDef): unknown {
  return f.default === EMPTY_ARRAY ? [] : f.default;
}

type ReadFn = (r: Reader) => unknown;
type WriteFn = (w: Writer, v: unknown) => void;
type StructReader = (r: Reader) => Record<string, unknown>;
type StructWriter = (w: Writer, o: Record<string, unknown>) => void;

export interface MessageCodec<T> {
  readonly name: string;
  readonly validVersions: VersionRange;
  readonly flexibleVersions: VersionRange;
  decode(r: Reader, version: number): T;
  encode(w: Writer, version: number, value: T): void;
}

/**
 * Defines a message body. `validVersions` is the range this codec implements (the broker's served
 * range); using any other version throws a ProtocolError.
 */
export function message<T>(name: string, validVersions: string, flexibleVersions: string, fields: FieldDef[]): MessageCodec<T> {
  const valid = parseVersions(validVersions);
  const flexible = parseVersions(flexibleVersions);
  const readers = new Map<number, StructReader>();
  const writers = new Map<number, StructWriter>();
  const check = (version: number): void => {
    if (!Number.isInteger(version) || !inRange(valid, version)) {
      throw new ProtocolError(`${name}: version ${version} not in ${validVersions}`);
    }
  };
  return {
    name,
    validVersions: valid,
    flexibleVersions: flexible,
    decode(r, version) {
      let rd = readers.get(version);
      if (!rd) {
        check(version);
        rd = compileReader(fields, version, inRange(flexible, version));
        readers.set(version, rd);
      }
      return rd(r) as T;
    },
    encode(w, version, value) {
      let wr = writers.get(version);
      if (!wr) {
        check(version);
        wr = compileWriter(name, fields, version, inRange(flexible, version));
        writers.set(version, wr);
      }
      wr(w, value as Record<string, unknown>);
    },
  };
}

// ---------------------------------------------------------------- decoding

function compileReader(fields: FieldDef[], version: number, flex: boolean): StructReader {
  const steps: Array<(r: Reader, o: Record<string, unknown>) => void> = fields.map((f) => {
    const name = f.name;
    if (!inRange(f.versions, version)) return (_r, o) => void (o[name] = defaultOf(f));
    const read = fieldReader(f, version, flex);
    return (r, o) => void (o[name] = read(r));
  });
  return (r) => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < steps.length; i++) steps[i]!(r, o);
    if (flex) r.skipTaggedFields();
    return o;
  };
}

function fieldReader(f: FieldDef, version: number, flex: boolean): ReadFn {
  const nullable = inRange(f.nullable, version);
  if (!f.array) return primitiveReader(f.type as Primitive, nullable, flex);
  const item: ReadFn = Array.isArray(f.type) ? compileReader(f.type, version, flex) : primitiveReader(f.type, false, flex);
  if (flex) {
    return nullable ? (r) => r.readCompactNullableArray(item) : (r) => r.readCompactNullableArray(item) ?? [];
  }
  return nullable ? (r) => r.readNullableArray(item) : (r) => r.readNullableArray(item) ?? [];
}

function primitiveReader(t: Primitive, nullable: boolean, flex: boolean): ReadFn {
  switch (t) {
    case 'int8':
      return (r) => r.readInt8();
    case 'int16':
      return (r) => r.readInt16();
    case 'int32':
      return (r) => r.readInt32();
    case 'int64':
      return (r) => r.readInt64();
    case 'int64big':
      return (r) => r.readInt64Big();
    case 'bool':
      return (r) => r.readBoolean();
    case 'uuid':
      return (r) => r.readUuid();
    case 'string':
      if (flex) return nullable ? (r) => r.readCompactNullableString() : (r) => r.readCompactNullableString() ?? '';
      return nullable ? (r) => r.readNullableString() : (r) => r.readNullableString() ?? '';
    case 'bytes':
      if (flex) return nullable ? (r) => r.readCompactNullableBytes() : (r) => r.readCompactNullableBytes() ?? EMPTY_BYTES;
      return nullable ? (r) => r.readNullableBytes() : (r) => r.readNullableBytes() ?? EMPTY_BYTES;
    case 'records':
      // RECORDS are always nullable on the wire
      return flex ? (r) => r.readCompactNullableBytes() : (r) => r.readNullableBytes();
  }
}

// ---------------------------------------------------------------- encoding

function compileWriter(path: string, fields: FieldDef[], version: number, flex: boolean): StructWriter {
  const steps: Array<(w: Writer, o: Record<string, unknown>) => void> = [];
  for (const f of fields) {
    if (!inRange(f.versions, version)) continue;
    const name = f.name;
    const write = fieldWriter(`${path}.${name}`, f, version, flex);
    steps.push((w, o) => {
      const v = o[name];
      write(w, v === undefined ? defaultOf(f) : v);
    });
  }
  return (w, o) => {
    if (o === null || typeof o !== 'object') throw new ProtocolError(`${path}: expected an object, got ${o === null ? 'null' : typeof o}`);
    for (let i = 0; i < steps.length; i++) steps[i]!(w, o);
    if (flex) w.writeEmptyTaggedFields();
  };
}

function fieldWriter(path: string, f: FieldDef, version: number, flex: boolean): WriteFn {
  const nullable = inRange(f.nullable, version) || f.type === 'records';
  if (!f.array) {
    const write = primitiveWriter(path, f.type as Primitive, flex);
    return (w, v) => {
      if (v === null && !nullable) throw new ProtocolError(`${path} is null but not nullable at v${version}`);
      write(w, v);
    };
  }
  const item = (Array.isArray(f.type) ? compileWriter(`${path}[]`, f.type, version, flex) : primitiveWriter(`${path}[]`, f.type, flex)) as (
    w: Writer,
    v: unknown,
  ) => void;
  return (w, v) => {
    if (v === null) {
      if (!nullable) throw new ProtocolError(`${path} is null but not nullable at v${version}`);
      if (flex) w.writeUVarInt(0);
      else w.writeInt32(-1);
      return;
    }
    if (!Array.isArray(v)) throw new ProtocolError(`${path}: expected an array`);
    if (flex) w.writeCompactArray(v, item);
    else w.writeArray(v, item);
  };
}

function primitiveWriter(path: string, t: Primitive, flex: boolean): WriteFn {
  const num = (v: unknown): number => {
    if (typeof v !== 'number') throw new ProtocolError(`${path}: expected a number, got ${typeof v}`);
    return v;
  };
  switch (t) {
    case 'int8':
      return (w, v) => w.writeInt8(num(v));
    case 'int16':
      return (w, v) => w.writeInt16(num(v));
    case 'int32':
      return (w, v) => w.writeInt32(num(v));
    case 'int64':
      return (w, v) => w.writeInt64(num(v));
    case 'int64big':
      return (w, v) => {
        if (typeof v === 'bigint') w.writeInt64Big(v);
        else if (Number.isSafeInteger(num(v))) w.writeInt64Big(BigInt(v as number));
        else throw new ProtocolError(`${path}: not an int64: ${String(v)}`);
      };
    case 'bool':
      return (w, v) => w.writeBoolean(Boolean(v));
    case 'uuid':
      return (w, v) => w.writeUuid(String(v));
    case 'string':
      return (w, v) => {
        if (v !== null && typeof v !== 'string') throw new ProtocolError(`${path}: expected a string, got ${typeof v}`);
        if (flex) w.writeCompactNullableString(v);
        else w.writeNullableString(v);
      };
    case 'bytes':
    case 'records':
      return (w, v) => {
        if (v !== null && !(v instanceof Uint8Array)) throw new ProtocolError(`${path}: expected a Buffer, got ${typeof v}`);
        if (flex) w.writeCompactNullableBytes(v);
        else w.writeNullableBytes(v);
      };
  }
}
