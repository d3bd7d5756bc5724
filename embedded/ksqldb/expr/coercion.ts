// ksqlDB's implicit coercion of a user-written list of expressions (the items of an ARRAY constructor,
// the operand and list of IN) to one common type, after its CoercionUtil: the first typed item sets the
// type; a string literal among numbers is read as a number (widening the type if it needs to), among
// booleans as a boolean; other items widen numerically; an ARRAY constructor is coerced item by item.
// The list is then rewritten so every item has the common type (literals converted, others cast).
import type { Expr } from '../parser/ast.ts';
import { normLong } from './long.ts';
import { T, isNumber, typeEquals, typeToString, widen, type SqlType, type StructField } from '../types.ts';
import { castValue, toDecimal } from './cast.ts';
import { isTemporal } from './temporal.ts';
import { Decimal, fitDecimal, literalDecimalType } from './decimal.ts';

/** A list item that cannot take the list's type ("operator does not exist: ..."). */
export class InvalidCoercionError extends Error {}

export interface CoercedList {
  /** undefined when the list is empty or holds only null literals */
  commonType?: SqlType;
  exprs: Expr[];
}

type TypeOf = (e: Expr) => SqlType;

const isNullLiteral = (e: Expr) => e.kind === 'lit' && e.value === null && e.type.base === 'NULL';
const isStringLiteral = (e: Expr): e is Extract<Expr, { kind: 'lit' }> => e.kind === 'lit' && e.type.base === 'STRING' && typeof e.value === 'string';

export function coerceUserList(exprs: Expr[], typeOf: TypeOf, show: (e: Expr) => string): CoercedList {
  const commonType = resolveCommonType(exprs, undefined, typeOf, show);
  if (!commonType) return { exprs };
  return { commonType, exprs: exprs.map((e) => convert(e, commonType, typeOf)) };
}

function resolveCommonType(exprs: Expr[], seed: SqlType | undefined, typeOf: TypeOf, show: (e: Expr) => string): SqlType | undefined {
  let common = seed;
  for (const e of exprs) {
    const type = isNullLiteral(e) ? undefined : typeOf(e);
    if (!common) {
      common = type;
      continue;
    }
    if (!type) continue;
    common = commonWith(e, type, common, typeOf, show);
  }
  return common;
}

function commonWith(e: Expr, type: SqlType, target: SqlType, typeOf: TypeOf, show: (e: Expr) => string): SqlType {
  const fail = () =>
    new InvalidCoercionError(
      `operator does not exist: ${typeToString(target)} = ${typeToString(type)} (${show(e)})\nHint: You might need to add explicit type casts.`,
    );
  const structured = <R>(f: () => R): R => {
    try {
      return f();
    } catch (err) {
      if (err instanceof InvalidCoercionError) throw fail();
      throw err;
    }
  };
  if (e.kind === 'array') {
    if (target.base !== 'ARRAY') throw fail();
    // the items resolve against the target's item type (an empty or all-null constructor takes it)
    return structured(() => T.array(resolveCommonType(e.items, target.item ?? T.NULL, typeOf, show) ?? target.item ?? T.NULL));
  }
  if (e.kind === 'map') {
    if (target.base !== 'MAP') throw fail();
    return structured(() =>
      T.map(
        resolveCommonType(
          e.entries.map((x) => x.key),
          target.key!,
          typeOf,
          show,
        ) ?? target.key!,
        resolveCommonType(
          e.entries.map((x) => x.value),
          target.value!,
          typeOf,
          show,
        ) ?? target.value!,
      ),
    );
  }
  if (e.kind === 'struct') {
    if (target.base !== 'STRUCT') throw fail();
    // the fields of both, each field's type resolved between the two
    return structured(() => {
      const names = [...new Set([...e.fields.map((f) => f.name), ...target.fields!.map((f) => f.name)])];
      return T.struct(
        names.map((name) => {
          const src = e.fields.find((f) => f.name === name);
          const tgt = target.fields!.find((f) => f.name === name);
          if (!tgt) return { name, type: typeOf(src!.value) };
          if (!src) return { name, type: tgt.type };
          return { name, type: resolveCommonType([src.value], tgt.type, typeOf, show) ?? tgt.type };
        }),
      );
    });
  }
  if (isStringLiteral(e)) {
    if (isNumber(target)) return numericTypeFromString(e.value as string, target);
    if (target.base === 'BOOLEAN') {
      if (parseSqlBoolean((e.value as string).trim()) === undefined) throw invalidSyntax(e.value as string, target);
      return target;
    }
  }
  const literal = e.kind === 'lit';
  return (
    canCoerce(type, target, literal) ??
    canCoerce(target, type, literal) ??
    (() => {
      throw fail();
    })()
  );
}

const INT_MAX = 2n ** 31n - 1n;
const LONG_MAX = 2n ** 63n - 1n;

/** The type a numeric string literal needs beside items of `target`'s type. */
function numericTypeFromString(value: string, target: SqlType): SqlType {
  const text = value.trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw invalidSyntax(value, target);
  // as ksqlDB: a whole number strictly inside INT's (or BIGINT's) range has that type, else DECIMAL
  let source: SqlType | undefined;
  if (!/[.eE]/.test(value)) {
    const n = BigInt(text);
    source = -INT_MAX - 1n < n && n < INT_MAX ? T.INTEGER : -LONG_MAX - 1n < n && n < LONG_MAX ? T.BIGINT : undefined;
  }
  if (!source) {
    const { precision, scale } = literalDecimalType(Decimal.parse(text));
    source = T.decimal(precision, scale);
  }
  if (target.base === 'DOUBLE' || source.base === 'DOUBLE') return T.DOUBLE;
  if (target.base === 'DECIMAL' || source.base === 'DECIMAL') return widen(source, target);
  return source.base === 'INTEGER' || target.base === 'BIGINT' ? target : source;
}

function invalidSyntax(value: string, target: SqlType): Error {
  return new Error(`invalid input syntax for type ${target.base}: "${value}".`);
}

const WIDENS_TO: Record<string, string[]> = {
  INTEGER: ['BIGINT', 'DOUBLE'],
  BIGINT: ['DOUBLE'],
  DECIMAL: ['DOUBLE'],
  STRING: ['TIMESTAMP', 'TIME', 'DATE', 'BYTES'],
};
const TO_STRING_LAX = ['BOOLEAN', 'INTEGER', 'BIGINT', 'DECIMAL', 'DOUBLE', 'TIMESTAMP', 'TIME', 'DATE'];
const FROM_STRING_LAX = ['BOOLEAN', 'INTEGER', 'BIGINT', 'DECIMAL', 'DOUBLE'];

/**
 * ksqlDB's value coercer (DefaultSqlValueCoercer): numeric widening (a DECIMAL widened to hold both),
 * structured types field by field; for literals (LAX) also to STRING and STRING to a number or boolean.
 */
export function canCoerce(from: SqlType, to: SqlType, literal: boolean): SqlType | undefined {
  if (to.base === 'DECIMAL' && (from.base === 'INTEGER' || from.base === 'BIGINT' || from.base === 'DECIMAL')) return widen(from, to);
  if (from.base === to.base && !['ARRAY', 'MAP', 'STRUCT'].includes(from.base)) return to;
  if (WIDENS_TO[from.base]?.includes(to.base)) return to;
  if (from.base === 'ARRAY' && to.base === 'ARRAY') {
    const item = canCoerce(from.item ?? T.NULL, to.item ?? T.NULL, literal);
    return item ? T.array(item) : undefined;
  }
  if (from.base === 'MAP' && to.base === 'MAP') {
    const key = canCoerce(from.key!, to.key!, literal);
    const value = key && canCoerce(from.value!, to.value!, literal);
    return key && value ? T.map(key, value) : undefined;
  }
  if (from.base === 'STRUCT' && to.base === 'STRUCT') {
    const names = [...new Set([...from.fields!.map((f) => f.name), ...to.fields!.map((f) => f.name)])];
    const fields: StructField[] = [];
    for (const name of names) {
      const a = from.fields!.find((f) => f.name === name);
      const b = to.fields!.find((f) => f.name === name);
      const type = !a ? b!.type : !b ? a.type : canCoerce(a.type, b.type, literal);
      if (!type) return undefined;
      fields.push({ name, type });
    }
    return T.struct(fields);
  }
  if (literal && to.base === 'STRING' && TO_STRING_LAX.includes(from.base)) return to;
  if (literal && from.base === 'STRING' && FROM_STRING_LAX.includes(to.base)) return to;
  return undefined;
}

/** ksqlDB's boolean text: any prefix of "true"/"yes" or "false"/"no", case-insensitive. */
export function parseSqlBoolean(text: string): boolean | undefined {
  const t = text.toLowerCase();
  if (t === '') return undefined;
  if ('true'.startsWith(t) || 'yes'.startsWith(t)) return true;
  if ('false'.startsWith(t) || 'no'.startsWith(t)) return false;
  return undefined;
}

/** The literal's value in the target type (its text read as a number or boolean, or written as text). */
function literalValue(e: Extract<Expr, { kind: 'lit' }>, to: SqlType): unknown {
  const v = e.value;
  if (to.base === 'STRING') return e.text ?? String(v);
  if (to.base === 'DECIMAL') return fitDecimal(toDecimal(typeof v === 'string' ? v.trim() : v), to.precision!, to.scale!);
  if (typeof v === 'string' && (isTemporal(to.base) || to.base === 'BYTES')) return castValue(v, T.STRING, to);
  if (to.base === 'DOUBLE' && v instanceof Decimal) return v.toNumber();
  if (typeof v === 'string') {
    const text = v.trim();
    if (to.base === 'BOOLEAN') return parseSqlBoolean(text);
    if (to.base === 'DOUBLE') return Number(text);
    if (!/^[-+]?\d+$/.test(text)) throw invalidSyntax(v, to);
    return to.base === 'INTEGER' ? Number(text) : normLong(BigInt(text));
  }
  return v;
}

function convert(e: Expr, to: SqlType, typeOf: TypeOf): Expr {
  if (isNullLiteral(e)) return e;
  if (e.kind === 'array' && to.base === 'ARRAY') return { ...e, items: e.items.map((x) => convert(x, to.item ?? T.NULL, typeOf)) };
  if (typeEquals(typeOf(e), to)) return e;
  if (e.kind === 'lit') return { kind: 'lit', type: to, value: literalValue(e, to), pos: e.pos };
  return { kind: 'cast', operand: e, type: to, pos: e.pos };
}
