// ksqlDB's implicit coercion of a user-written list of expressions (the items of an ARRAY constructor,
// the operand and list of IN) to one common type, after its CoercionUtil: the first typed item sets the
// type; a string literal among numbers is read as a number (widening the type if it needs to), among
// booleans as a boolean; other items widen numerically; an ARRAY constructor is coerced item by item.
// The list is then rewritten so every item has the common type (literals converted, others cast).
import type { Expr } from '../parser/ast.ts';
import { normLong } from './long.ts';
import { T, isNumeric, typeEquals, typeToString, type SqlType } from '../types.ts';

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
  const fail = () => new InvalidCoercionError(`operator does not exist: ${typeToString(target)} = ${typeToString(type)} (${show(e)})\nHint: You might need to add explicit type casts.`);
  if (e.kind === 'array') {
    if (target.base !== 'ARRAY') throw fail();
    try {
      // the items resolve against the target's item type (an empty or all-null constructor takes it)
      return T.array(resolveCommonType(e.items, target.item ?? T.NULL, typeOf, show) ?? target.item ?? T.NULL);
    } catch (err) {
      if (err instanceof InvalidCoercionError) throw fail();
      throw err;
    }
  }
  if (isStringLiteral(e)) {
    if (isNumeric(target)) return numericTypeFromString(e.value as string, target);
    if (target.base === 'BOOLEAN') {
      if (parseSqlBoolean((e.value as string).trim()) === undefined) throw invalidSyntax(e.value as string, target);
      return target;
    }
  }
  const literal = e.kind === 'lit';
  return canCoerce(type, target, literal) ?? canCoerce(target, type, literal) ?? (() => { throw fail(); })();
}

const INT_MAX = 2n ** 31n - 1n;
const LONG_MAX = 2n ** 63n - 1n;

/** The type a numeric string literal needs beside items of `target`'s type. */
function numericTypeFromString(value: string, target: SqlType): SqlType {
  const text = value.trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw invalidSyntax(value, target);
  if (target.base === 'DOUBLE') return T.DOUBLE;
  // as ksqlDB: a whole number strictly inside INT's (or BIGINT's) range has that type, else DECIMAL
  if (!/[.eE]/.test(value)) {
    const n = BigInt(text);
    const source = -INT_MAX - 1n < n && n < INT_MAX ? T.INTEGER : -LONG_MAX - 1n < n && n < LONG_MAX ? T.BIGINT : undefined;
    if (source) return source.base === 'INTEGER' || target.base === 'BIGINT' ? target : source;
  }
  throw new InvalidCoercionError(`'${value}' needs type DECIMAL, which this engine does not support`);
}

function invalidSyntax(value: string, target: SqlType): Error {
  return new Error(`invalid input syntax for type ${target.base}: "${value}".`);
}

const WIDENS_TO: Record<string, string[]> = { INTEGER: ['BIGINT', 'DOUBLE'], BIGINT: ['DOUBLE'] };

/** ksqlDB's value coercer: numeric widening; for literals (LAX) also anything to STRING and STRING to a number or boolean. */
function canCoerce(from: SqlType, to: SqlType, literal: boolean): SqlType | undefined {
  if (typeEquals(from, to)) return to;
  if (WIDENS_TO[from.base]?.includes(to.base)) return to;
  if (from.base === 'ARRAY' && to.base === 'ARRAY') {
    const item = canCoerce(from.item ?? T.NULL, to.item ?? T.NULL, literal);
    return item ? T.array(item) : undefined;
  }
  if (literal && to.base === 'STRING' && (isNumeric(from) || from.base === 'BOOLEAN')) return to;
  if (literal && from.base === 'STRING' && (isNumeric(to) || to.base === 'BOOLEAN')) return to;
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
