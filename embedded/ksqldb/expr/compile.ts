// Type-checks an expression against a scope and compiles it to a closure over a row.
// Semantics follow ksqlDB's code generator: null operands give null, comparisons with null give false.
import type { Expr } from '../parser/ast.ts';
import { KsqlError, type Position } from '../errors.ts';
import { getScalarFunction } from '../functions/scalar.ts';
import { T, isNumber, isNumeric, toDecimalType, typeToString, widen, type SqlType } from '../types.ts';
import { Decimal, fitDecimal } from './decimal.ts';
import { DAY_MS, isTemporal, parseTemporal } from './temporal.ts';
import { toDecimal } from './cast.ts';
import { castAllowed, castValue, compareValues, valuesEqual } from './cast.ts';
import { coerceUserList, type CoercedList } from './coercion.ts';
import { LAMBDA_FUNCTIONS, compileLambdaCall } from './lambda.ts';

export { castValue } from './cast.ts';
import { longOp, type Long } from './long.ts';

export type Row = Record<string, unknown>;

export interface Compiled {
  type: SqlType;
  eval: (row: Row) => unknown;
  /** eval never throws (literals, column references, function calls, which turn errors into null) */
  safe?: boolean;
}

export interface Scope {
  /** resolves a column reference to the row field holding it */
  resolve(ref: { source?: string; name: string; pos: Position }): { field: string; type: SqlType };
  /** a parameter of an enclosing lambda: the row field holding it and its type */
  lambdaVar?(name: string): { field: string; type: SqlType } | undefined;
  /** how many lambdas enclose this scope */
  lambdaDepth?: number;
}

const err = (msg: string, pos?: Position): never => {
  throw new KsqlError(msg, { pos });
};

export function exprToString(e: Expr): string {
  switch (e.kind) {
    case 'lit':
      if (e.type.base === 'STRING') return `'${String(e.value).replace(/'/g, "''")}'`;
      if (e.value === null) return 'null';
      return e.text ?? String(e.value);
    case 'col':
      return e.source ? `${e.source}.${e.name}` : e.name;
    case 'arith':
      return `(${exprToString(e.left)} ${e.op} ${exprToString(e.right)})`;
    case 'neg':
      return `-${exprToString(e.operand)}`;
    case 'cmp':
      return `(${exprToString(e.left)} ${e.op === 'DISTINCT' ? 'IS DISTINCT FROM' : e.op === 'NOT DISTINCT' ? 'IS NOT DISTINCT FROM' : e.op} ${exprToString(e.right)})`;
    case 'logic':
      return `(${exprToString(e.left)} ${e.op} ${exprToString(e.right)})`;
    case 'not':
      return `(NOT ${exprToString(e.operand)})`;
    case 'isnull':
      return `(${exprToString(e.operand)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
    case 'between':
      return `(${exprToString(e.operand)} ${e.negated ? 'NOT ' : ''}BETWEEN ${exprToString(e.low)} AND ${exprToString(e.high)})`;
    case 'in':
      return `(${exprToString(e.operand)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map(exprToString).join(', ')}))`;
    case 'like':
      return `(${exprToString(e.operand)} ${e.negated ? 'NOT ' : ''}LIKE ${exprToString(e.pattern)})`;
    case 'case':
      return `(CASE ${e.operand ? exprToString(e.operand) + ' ' : ''}${e.whens.map((w) => `WHEN ${exprToString(w.when)} THEN ${exprToString(w.then)}`).join(' ')}${e.else ? ' ELSE ' + exprToString(e.else) : ''} END)`;
    case 'cast':
      return `CAST(${exprToString(e.operand)} AS ${e.type === 'NULL' ? 'NULL' : typeToString(e.type)})`;
    case 'call':
      return `${e.name}(${e.star ? '*' : (e.distinct ? 'DISTINCT ' : '') + e.args.map(exprToString).join(', ')})`;
    case 'array':
      return `ARRAY[${e.items.map(exprToString).join(', ')}]`;
    case 'subscript':
      return `${exprToString(e.base)}[${exprToString(e.index)}]`;
    case 'deref':
      return `${exprToString(e.base)}->${e.field}`;
    case 'struct':
      return `STRUCT(${e.fields.map((f) => `${f.name}:=${exprToString(f.value)}`).join(', ')})`;
    case 'map':
      return `MAP(${e.entries.map((x) => `${exprToString(x.key)}:=${exprToString(x.value)}`).join(', ')})`;
    case 'lambda':
      return `(${e.params.join(', ')}) => ${exprToString(e.body)}`;
    case 'lambdaVar':
      return e.name;
  }
}

/** Structural equality of expressions, ignoring positions. */
export function exprEquals(a: Expr, b: Expr): boolean {
  return exprToString(a) === exprToString(b);
}

const isNull = (v: unknown) => v === null || v === undefined;

/** ksqlDB's names of the ordering comparisons (ComparisonExpression.Type), for its error messages. */
const ORDER_OPERATOR_NAMES: Record<string, string> = { '<': 'LESS_THAN', '<=': 'LESS_THAN_OR_EQUAL', '>': 'GREATER_THAN', '>=': 'GREATER_THAN_OR_EQUAL' };

function toInt32(v: number): number {
  return v | 0;
}

function comparable(a: SqlType, b: SqlType): boolean {
  if (a.base === 'NULL' || b.base === 'NULL') return true;
  if (isNumber(a) && isNumber(b)) return true;
  if ((a.base === 'TIMESTAMP' || a.base === 'DATE') && (b.base === 'TIMESTAMP' || b.base === 'DATE')) return true;
  return a.base === b.base;
}

function likeToRegex(pattern: string, escape?: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (escape && c === escape && i + 1 < pattern.length) {
      re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp('^' + re + '$');
}

const TIME_COLUMNS = ['ROWTIME', 'WINDOWSTART', 'WINDOWEND'];

/** Partial ISO-8601 text ('2018', '2019-01-01T00:00:00+0445', ...) to epoch millis, UTC by default. */
export function parseIsoTimestamp(text: string): number | undefined {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) return undefined;
  const n = (i: number, d: number) => (m[i] === undefined ? d : Number(m[i]));
  let ms = Date.UTC(n(1, 1970), n(2, 1) - 1, n(3, 1), n(4, 0), n(5, 0), n(6, 0), m[7] ? Number(m[7].padEnd(3, '0')) : 0);
  const z = m[8];
  if (z && z !== 'Z') {
    const sign = z[0] === '-' ? -1 : 1;
    const digits = z.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return ms;
}

/** `ROWTIME > '2019-01-01'`: a string literal compared with a time column is read as a timestamp. */
function timeLiteral(e: Expr, other: Expr): Expr {
  if (e.kind === 'lit' && e.type.base === 'STRING' && other.kind === 'col' && TIME_COLUMNS.includes(other.name)) {
    const ms = parseIsoTimestamp(String(e.value));
    if (ms !== undefined) return { kind: 'lit', type: T.BIGINT, value: ms, pos: e.pos };
  }
  return e;
}

/**
 * Operands of a comparison with a TIMESTAMP, DATE or TIME: a string literal beside one is read as that
 * type; a DATE beside a TIMESTAMP compares as its midnight.
 */
function temporalOperands(l: Compiled, r: Compiled, le: Expr, re: Expr): [Compiled, Compiled] {
  const lt = l.type.base;
  const rt = r.type.base;
  const asLiteral = (text: unknown, base: 'TIMESTAMP' | 'DATE' | 'TIME', pos: Position): Compiled => {
    try {
      const v = parseTemporal(String(text), base);
      return { type: { base }, eval: () => v, safe: true };
    } catch (x) {
      return err((x as Error).message, pos);
    }
  };
  if (isTemporal(lt) && rt === 'STRING' && re.kind === 'lit') return [l, asLiteral(re.value, lt, re.pos)];
  if (isTemporal(rt) && lt === 'STRING' && le.kind === 'lit') return [asLiteral(le.value, rt, le.pos), r];
  const midnight = (c: Compiled): Compiled => ({
    type: T.TIMESTAMP,
    eval: (row) => {
      const v = c.eval(row);
      return isNull(v) ? null : (v as number) * DAY_MS;
    },
    safe: c.safe,
  });
  if (lt === 'DATE' && rt === 'TIMESTAMP') return [midnight(l), r];
  if (lt === 'TIMESTAMP' && rt === 'DATE') return [l, midnight(r)];
  return [l, r];
}

/** A user-written list coerced to one type (coercion.ts); a failure is a statement error. */
function coerceList(exprs: Expr[], scope: Scope, prefix: string, pos: Position): CoercedList {
  try {
    return coerceUserList(exprs, (x) => compileExpr(x, scope).type, exprToString);
  } catch (e) {
    if (e instanceof KsqlError) throw e;
    return err(prefix + (e as Error).message, pos);
  }
}

/** Type-checks `e` in `scope` and returns its type with the closure that evaluates it over a row; each node kind has its compiler below. */
export function compileExpr(e: Expr, scope: Scope): Compiled {
  switch (e.kind) {
    case 'lit': {
      const v = e.value;
      return { type: e.type, eval: () => v, safe: true };
    }
    case 'col': {
      const { field, type } = scope.resolve(e);
      return { type, eval: (r) => r[field] ?? null, safe: true };
    }
    case 'neg':
      return compileNegation(e, scope);
    case 'arith':
      return compileArithmetic(e, scope);
    case 'cmp':
      return compileComparison(e, scope);
    case 'logic':
      return compileLogic(e, scope);
    case 'not':
      return compileNot(e, scope);
    case 'isnull': {
      const o = compileExpr(e.operand, scope);
      const neg = e.negated;
      return { type: T.BOOLEAN, eval: (r) => isNull(o.eval(r)) !== neg };
    }
    case 'between':
      return compileBetween(e, scope);
    case 'in':
      return compileIn(e, scope);
    case 'like':
      return compileLike(e, scope);
    case 'case':
      return compileCase(e, scope);
    case 'cast':
      return compileCast(e, scope);
    case 'array':
      return compileArray(e, scope);
    case 'subscript':
      return compileSubscript(e, scope);
    case 'deref':
      return compileDereference(e, scope);
    case 'struct':
      return compileStruct(e, scope);
    case 'map':
      return compileMap(e, scope);
    case 'lambda':
      return err(`A lambda can only be an argument of ${LAMBDA_FUNCTIONS.join(', ')}: ${exprToString(e)}`, e.pos);
    case 'lambdaVar': {
      const v = scope.lambdaVar?.(e.name);
      if (!v) return err(`Lambda variable ${e.name} is not in scope`, e.pos);
      const field = v.field;
      return { type: v.type, eval: (r) => r[field] ?? null, safe: true };
    }
    case 'call':
      return compileCall(e, scope);
  }
}

/** The expression node of one kind. */
type ExprOf<K extends Expr['kind']> = Extract<Expr, { kind: K }>;

/** Unary minus: INTEGER wraps as Java int, BIGINT as a long, DECIMAL exactly. */
function compileNegation(e: ExprOf<'neg'>, scope: Scope): Compiled {
  const o = compileExpr(e.operand, scope);
  if (o.type.base === 'DECIMAL')
    return {
      type: o.type,
      eval: (r) => {
        const v = o.eval(r);
        return isNull(v) ? null : (v as Decimal).negate();
      },
    };
  if (!isNumeric(o.type)) err(`Unsupported arithmetic: -${typeToString(o.type)}`, e.pos);
  const int = o.type.base === 'INTEGER';
  const long = o.type.base === 'BIGINT';
  return {
    type: o.type,
    eval: (r) => {
      const v = o.eval(r);
      return isNull(v) ? null : int ? toInt32(-(v as number)) : long ? longOp('-', 0, v as Long) : -(v as number);
    },
  };
}

/** `+ - * / %`: string concatenation, DECIMAL arithmetic, or number arithmetic in the widened type (integer division by zero gives null). */
function compileArithmetic(e: ExprOf<'arith'>, scope: Scope): Compiled {
  const l = compileExpr(e.left, scope);
  const r = compileExpr(e.right, scope);
  if (e.op === '+' && l.type.base === 'STRING' && r.type.base === 'STRING') {
    return {
      type: T.STRING,
      eval: (row) => {
        const a = l.eval(row);
        const b = r.eval(row);
        return isNull(a) || isNull(b) ? null : String(a) + String(b);
      },
    };
  }
  const ok = (t: SqlType) => isNumber(t) || t.base === 'NULL';
  if (!ok(l.type) || !ok(r.type) || (l.type.base === 'NULL' && r.type.base === 'NULL')) {
    err(`Error processing expression: ${exprToString(e)}. Unsupported arithmetic types. ${typeToString(l.type)} ${typeToString(r.type)}`, e.pos);
  }
  if ((l.type.base === 'DECIMAL' || r.type.base === 'DECIMAL') && l.type.base !== 'DOUBLE' && r.type.base !== 'DOUBLE') return compileDecimalArith(e.op, l, r);
  // beside a DOUBLE, a DECIMAL operand is read as a double (a literal once, here)
  if (l.type.base === 'DECIMAL' || r.type.base === 'DECIMAL') {
    return compileExpr({ ...e, left: decimalAsDouble(e.left, l), right: decimalAsDouble(e.right, r) }, scope);
  }
  const type = widen(l.type, r.type);
  const op = e.op;
  const kind = type.base;
  // in a lambda's body a null operand is an error (ksqlDB's generated code unboxes it), not null
  const strict = (scope.lambdaDepth ?? 0) > 0;
  return {
    type,
    eval: (row) => {
      const a = l.eval(row) as number | null;
      const b = r.eval(row) as number | null;
      if (isNull(a) || isNull(b)) {
        if (strict) throw new Error(`Arithmetic on null in a lambda: ${exprToString(e)}`);
        return null;
      }
      if (kind === 'BIGINT') return longOp(op, a as Long, b as Long);
      const x = Number(a);
      const y = Number(b);
      if (kind === 'DOUBLE') {
        switch (op) {
          case '+':
            return x + y;
          case '-':
            return x - y;
          case '*':
            return x * y;
          case '/':
            return x / y;
          case '%':
            return x % y;
        }
      }
      let v: number;
      switch (op) {
        case '+':
          v = x + y;
          break;
        case '-':
          v = x - y;
          break;
        case '*':
          v = kind === 'INTEGER' ? Math.imul(x, y) : x * y;
          break;
        case '/':
          if (y === 0) return null;
          v = Math.trunc(x / y);
          break;
        case '%':
          if (y === 0) return null;
          v = x % y;
          break;
      }
      return kind === 'INTEGER' ? toInt32(v) : v;
    },
  };
}

/** `= <> < <= > >=` and IS [NOT] DISTINCT FROM; a comparison with null is false, DISTINCT treats nulls as equal. */
function compileComparison(e: ExprOf<'cmp'>, scope: Scope): Compiled {
  const [l, r] = temporalOperands(compileExpr(timeLiteral(e.left, e.right), scope), compileExpr(timeLiteral(e.right, e.left), scope), e.left, e.right);
  if (
    e.op !== 'DISTINCT' &&
    e.op !== 'NOT DISTINCT' &&
    (l.type.base === 'NULL' || r.type.base === 'NULL') &&
    (e.left.kind === 'lit' || e.right.kind === 'lit')
  ) {
    err(`Comparison with NULL not supported: ${exprToString(e.left)} ${e.op} ${exprToString(e.right)}`, e.pos);
  }
  if (!comparable(l.type, r.type)) {
    err(`Error in WHERE expression: Cannot compare ${typeToString(l.type)} to ${typeToString(r.type)} with ${e.op}.`, e.pos);
  }
  const base = l.type.base === 'NULL' ? r.type.base : l.type.base;
  if (['BOOLEAN', 'ARRAY', 'MAP', 'STRUCT'].includes(base) && !['=', '<>', 'DISTINCT', 'NOT DISTINCT'].includes(e.op)) {
    err(
      `Cannot compare ${exprToString(e.left)} (${typeToString(l.type)}) to ${exprToString(e.right)} (${typeToString(r.type)}) with ${ORDER_OPERATOR_NAMES[e.op]}.`,
      e.pos,
    );
  }
  const op = e.op;
  return {
    type: T.BOOLEAN,
    eval: (row) => {
      const a = l.eval(row);
      const b = r.eval(row);
      if (op === 'DISTINCT' || op === 'NOT DISTINCT') {
        const same = valuesEqual(a, b);
        return op === 'DISTINCT' ? !same : same;
      }
      if (isNull(a) || isNull(b)) return false;
      const c = typeof a === 'object' && !(a instanceof Decimal) ? (valuesEqual(a, b) ? 0 : 1) : compareValues(a, b);
      switch (op) {
        case '=':
          return c === 0;
        case '<>':
          return c !== 0;
        case '<':
          return c < 0;
        case '<=':
          return c <= 0;
        case '>':
          return c > 0;
        case '>=':
          return c >= 0;
      }
    },
  };
}

/** AND / OR with SQL three-valued logic, the right side evaluated only when the left does not decide. */
function compileLogic(e: ExprOf<'logic'>, scope: Scope): Compiled {
  const l = compileExpr(e.left, scope);
  const r = compileExpr(e.right, scope);
  for (const [side, c] of [
    [e.left, l],
    [e.right, r],
  ] as const) {
    if (c.type.base !== 'BOOLEAN' && c.type.base !== 'NULL')
      err(`Type mismatch: ${e.op} requires BOOLEAN operands, got ${typeToString(c.type)} for ${exprToString(side)}`, e.pos);
  }
  const and = e.op === 'AND';
  return {
    type: T.BOOLEAN,
    eval: (row) => {
      const a = l.eval(row);
      if (and && a === false) return false;
      if (!and && a === true) return true;
      const b = r.eval(row);
      if (and) return b === false ? false : isNull(a) || isNull(b) ? null : true;
      return b === true ? true : isNull(a) || isNull(b) ? null : false;
    },
  };
}

/** NOT: null stays null. */
function compileNot(e: ExprOf<'not'>, scope: Scope): Compiled {
  const o = compileExpr(e.operand, scope);
  if (o.type.base !== 'BOOLEAN' && o.type.base !== 'NULL') err(`NOT requires a BOOLEAN operand, got ${typeToString(o.type)}`, e.pos);
  return {
    type: T.BOOLEAN,
    eval: (r) => {
      const v = o.eval(r);
      return isNull(v) ? null : !v;
    },
  };
}

/** [NOT] BETWEEN, both bounds inclusive; a null anywhere gives false. */
function compileBetween(e: ExprOf<'between'>, scope: Scope): Compiled {
  const o = compileExpr(e.operand, scope);
  const lo = compileExpr(timeLiteral(e.low, e.operand), scope);
  const hi = compileExpr(timeLiteral(e.high, e.operand), scope);
  if (!comparable(o.type, lo.type) || !comparable(o.type, hi.type)) err(`Cannot compare ${typeToString(o.type)} in BETWEEN`, e.pos);
  const neg = e.negated;
  return {
    type: T.BOOLEAN,
    eval: (r) => {
      const v = o.eval(r);
      const a = lo.eval(r);
      const b = hi.eval(r);
      if (isNull(v) || isNull(a) || isNull(b)) return false;
      const inside = compareValues(v, a) >= 0 && compareValues(v, b) <= 0;
      return inside !== neg;
    },
  };
}

/** [NOT] IN (list): the operand and the list coerced to one type; a null operand gives false. */
function compileIn(e: ExprOf<'in'>, scope: Scope): Compiled {
  // the operand and the list take one common type, as ksqlDB coerces them
  const [operand, ...list] = coerceList([e.operand, ...e.list], scope, 'Invalid Predicate: ', e.pos).exprs;
  const o = compileExpr(operand!, scope);
  const items = list.map((x) => compileExpr(x, scope));
  for (const it of items) if (!comparable(o.type, it.type)) err(`Invalid IN list: cannot compare ${typeToString(o.type)} and ${typeToString(it.type)}`, e.pos);
  const neg = e.negated;
  return {
    type: T.BOOLEAN,
    eval: (r) => {
      const v = o.eval(r);
      if (isNull(v)) return false;
      const found = items.some((it) => {
        const x = it.eval(r);
        return !isNull(x) && valuesEqual(v, x);
      });
      return found !== neg;
    },
  };
}

/** [NOT] LIKE with an optional ESCAPE; each distinct pattern compiled to a regular expression once. */
function compileLike(e: ExprOf<'like'>, scope: Scope): Compiled {
  const o = compileExpr(e.operand, scope);
  const p = compileExpr(e.pattern, scope);
  const esc = e.escape ? compileExpr(e.escape, scope) : undefined;
  if (o.type.base !== 'STRING' && o.type.base !== 'NULL') err(`LIKE requires a STRING operand, got ${typeToString(o.type)}`, e.pos);
  const neg = e.negated;
  const cache = new Map<string, RegExp>();
  return {
    type: T.BOOLEAN,
    eval: (r) => {
      const v = o.eval(r);
      const pat = p.eval(r);
      if (isNull(v) || isNull(pat)) return false;
      const escS = esc ? String(esc.eval(r) ?? '') : undefined;
      const k = `${escS ?? ''}\u0000${pat}`;
      let re = cache.get(k);
      if (!re) cache.set(k, (re = likeToRegex(String(pat), escS)));
      return re.test(String(v)) !== neg;
    },
  };
}

/** CASE, searched or simple: every THEN and the ELSE share one type. */
function compileCase(e: ExprOf<'case'>, scope: Scope): Compiled {
  const operand = e.operand ? compileExpr(e.operand, scope) : undefined;
  const whens = e.whens.map((w) => ({ when: compileExpr(w.when, scope), then: compileExpr(w.then, scope) }));
  const elseC = e.else ? compileExpr(e.else, scope) : undefined;
  if (!operand)
    for (const w of whens)
      if (w.when.type.base !== 'BOOLEAN') err(`WHEN operand type should be boolean. Type for '${exprToString(e)}' is ${typeToString(w.when.type)}`, e.pos);
  let type: SqlType = T.NULL;
  for (const c of [...whens.map((w) => w.then), ...(elseC ? [elseC] : [])]) {
    if (c.type.base === 'NULL') continue;
    if (type.base === 'NULL') type = c.type;
    else if (type.base !== c.type.base)
      err(
        `Invalid Case expression. Type for all 'THEN' clauses should be the same. THEN expression '${exprToString(e)}' has type: ${typeToString(c.type)}. Previous THEN expression(s) type: ${typeToString(type)}.`,
        e.pos,
      );
  }
  return {
    type,
    eval: (r) => {
      const ov = operand?.eval(r);
      for (const w of whens) {
        const wv = w.when.eval(r);
        if (operand ? !isNull(ov) && !isNull(wv) && valuesEqual(ov, wv) : wv === true) return w.then.eval(r);
      }
      return elseC ? elseC.eval(r) : null;
    },
  };
}

/** CAST(x AS type): a value that cannot be converted gives null. */
function compileCast(e: ExprOf<'cast'>, scope: Scope): Compiled {
  if (e.type === 'NULL') return err(`Cannot cast to NULL type: ${exprToString(e)}`, e.pos);
  const o = compileExpr(e.operand, scope);
  const to = e.type;
  if (!castAllowed(o.type, to)) err(`Cast of ${typeToString(o.type)} to ${typeToString(to)} is not supported`, e.pos);
  const from = o.type;
  return {
    type: to,
    eval: (r) => {
      try {
        return castValue(o.eval(r), from, to);
      } catch {
        return null;
      }
    },
  };
}

/** ARRAY[...]: the items coerced to one type, at least one of them not null. */
function compileArray(e: ExprOf<'array'>, scope: Scope): Compiled {
  if (!e.items.length)
    err('Array constructor cannot be empty. Please supply at least one element (see https://github.com/confluentinc/ksql/issues/4239).', e.pos);
  const coerced = coerceList(e.items, scope, '', e.pos);
  if (!coerced.commonType)
    err(
      'Cannot construct an array with all NULL elements (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.',
      e.pos,
    );
  const items = coerced.exprs.map((x) => compileExpr(x, scope));
  return { type: T.array(coerced.commonType!), eval: (r) => items.map((it) => it.eval(r)) };
}

/** `base[index]`: a map by key, an array by 1-based index (negative from the end). */
function compileSubscript(e: ExprOf<'subscript'>, scope: Scope): Compiled {
  const b = compileExpr(e.base, scope);
  const i = compileExpr(e.index, scope);
  if (b.type.base === 'MAP') {
    return {
      type: b.type.value ?? T.NULL,
      eval: (r) => {
        const m = b.eval(r) as Record<string, unknown> | null;
        const k = i.eval(r);
        if (isNull(m) || isNull(k)) return null;
        const key = String(k);
        return Object.prototype.hasOwnProperty.call(m, key) ? ((m as Record<string, unknown>)[key] ?? null) : null;
      },
    };
  }
  if (b.type.base !== 'ARRAY') err(`Subscript requires an ARRAY or a MAP, got ${typeToString(b.type)}`, e.pos);
  return {
    type: b.type.item ?? T.NULL,
    eval: (r) => {
      const arr = b.eval(r) as unknown[] | null;
      const idx = i.eval(r) as number | null;
      if (isNull(arr) || isNull(idx)) return null;
      const k = (idx as number) > 0 ? (idx as number) - 1 : (arr as unknown[]).length + (idx as number);
      return (arr as unknown[])[k] ?? null;
    },
  };
}

/** `base->field` of a STRUCT, the field name matched exactly first, then ignoring case. */
function compileDereference(e: ExprOf<'deref'>, scope: Scope): Compiled {
  const b = compileExpr(e.base, scope);
  if (b.type.base !== 'STRUCT') return err(`Expected STRUCT type, got: ${typeToString(b.type)} for ${exprToString(e)}`, e.pos);
  const field = b.type.fields!.find((f) => f.name === e.field) ?? b.type.fields!.find((f) => f.name.toUpperCase() === e.field.toUpperCase());
  if (!field) return err(`Could not find field '${e.field}' in '${exprToString(e.base)}'.`, e.pos);
  const name = field.name;
  return {
    type: field.type,
    eval: (r) => {
      const s = b.eval(r) as Record<string, unknown> | null;
      return isNull(s) ? null : ((s as Record<string, unknown>)[name] ?? null);
    },
    safe: b.safe,
  };
}

/** STRUCT(name := value, ...), names unique. */
function compileStruct(e: ExprOf<'struct'>, scope: Scope): Compiled {
  const seen = new Set<string>();
  for (const f of e.fields) {
    if (seen.has(f.name)) err(`Duplicate field names found in STRUCT: '${exprToString(e)}'`, e.pos);
    seen.add(f.name);
  }
  const fields = e.fields.map((f) => ({ name: f.name, c: compileExpr(f.value, scope) }));
  return {
    type: T.struct(fields.map((f) => ({ name: f.name, type: f.c.type }))),
    eval: (r) => {
      const o: Record<string, unknown> = {};
      for (const f of fields) o[f.name] = f.c.eval(r) ?? null;
      return o;
    },
  };
}

/** MAP(key := value, ...): keys and values each coerced to one type. */
function compileMap(e: ExprOf<'map'>, scope: Scope): Compiled {
  if (!e.entries.length)
    err('Map constructor cannot be empty. Please supply at least one key value pair (see https://github.com/confluentinc/ksql/issues/4239).', e.pos);
  const keys = coerceList(
    e.entries.map((x) => x.key),
    scope,
    '',
    e.pos,
  );
  const values = coerceList(
    e.entries.map((x) => x.value),
    scope,
    '',
    e.pos,
  );
  if (!keys.commonType || !values.commonType)
    err(
      'Cannot construct a map with all NULL keys or values (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL key or value to the desired type.',
      e.pos,
    );
  const ks = keys.exprs.map((x) => compileExpr(x, scope));
  const vs = values.exprs.map((x) => compileExpr(x, scope));
  const keyType = keys.commonType!;
  return {
    type: T.map(keyType, values.commonType!),
    eval: (r) => {
      const o: Record<string, unknown> = {};
      ks.forEach((k, idx) => {
        // a null key is kept, written as "null" (as Jackson writes a Java map's null key)
        o[String(k.eval(r) ?? null)] = vs[idx]!.eval(r) ?? null;
      });
      return o;
    },
  };
}

/** A function call: a lambda function, or a scalar function resolved by its argument types (a DECIMAL widened to DOUBLE when no overload takes it). */
function compileCall(e: ExprOf<'call'>, scope: Scope): Compiled {
  if (e.args.some((a) => a.kind === 'lambda') || (LAMBDA_FUNCTIONS.includes(e.name.toUpperCase()) && !getScalarFunction(e.name))) {
    return compileLambdaCall(e.name, e.args, scope, compileExpr, e.pos);
  }
  const fn = getScalarFunction(e.name);
  if (!fn) return err(`Can't find any functions with the name '${e.name}'`, e.pos);
  let args = e.args.map((a) => compileExpr(a, scope));
  let res = fn.resolve(args.map((a) => a.type));
  if (typeof res === 'string' && !res.includes('ambiguous') && args.some((a) => a.type.base === 'DECIMAL')) {
    // ksqlDB widens a DECIMAL argument to a DOUBLE parameter when no overload takes the DECIMAL
    const widened = args.map((a) => (a.type.base === 'DECIMAL' ? asDouble(a) : a));
    const retry = fn.resolve(widened.map((a) => a.type));
    if (typeof retry !== 'string') [args, res] = [widened, retry];
  }
  if (typeof res === 'string') return err(res, e.pos);
  const inv = res.invoke;
  return {
    type: res.returnType,
    eval: (r) => {
      try {
        return inv(args.map((a) => a.eval(r)));
      } catch {
        return null;
      }
    },
    safe: true,
  };
}

/** DECIMAL arithmetic (INT and BIGINT operands widened): exact, then fitted to ksqlDB's result type. */
function compileDecimalArith(op: '+' | '-' | '*' | '/' | '%', l: Compiled, r: Compiled): Compiled {
  const a = toDecimalType(l.type.base === 'NULL' ? r.type : l.type)!;
  const b = toDecimalType(r.type.base === 'NULL' ? l.type : r.type)!;
  const type = decimalResultType(op, a, b);
  const p = type.precision!;
  const sc = type.scale!;
  const apply = (x: Decimal, y: Decimal): Decimal => {
    switch (op) {
      case '+':
        return x.add(y);
      case '-':
        return x.subtract(y);
      case '*':
        return x.multiply(y);
      case '/':
        return x.divide(y, sc, true);
      case '%':
        return x.remainder(y);
    }
  };
  return {
    type,
    eval: (row) => {
      const x = l.eval(row);
      const y = r.eval(row);
      if (isNull(x) || isNull(y)) return null;
      try {
        return fitDecimal(apply(toDecimal(x), toDecimal(y)), p, sc);
      } catch {
        return null;
      }
    },
  };
}

/** ksqlDB's result types of DECIMAL operators (SqlDecimal.add/multiply/divide/modulus). */
export function decimalResultType(op: '+' | '-' | '*' | '/' | '%', a: SqlType, b: SqlType): SqlType {
  const [p1, s1, p2, s2] = [a.precision!, a.scale!, b.precision!, b.scale!];
  switch (op) {
    case '+':
    case '-':
      return T.decimal(Math.max(s1, s2) + Math.max(p1 - s1, p2 - s2) + 1, Math.max(s1, s2));
    case '*':
      return T.decimal(p1 + p2 + 1, s1 + s2);
    case '/': {
      const scale = Math.max(6, s1 + p2 + 1);
      return T.decimal(p1 - s1 + s2 + scale, scale);
    }
    case '%':
      return T.decimal(Math.min(p1 - s1, p2 - s2) + Math.max(s1, s2), Math.max(s1, s2));
  }
}

/** A DECIMAL expression read as a DOUBLE. */
function asDouble(c: Compiled): Compiled {
  return {
    type: T.DOUBLE,
    eval: (r) => {
      const v = c.eval(r);
      return isNull(v) ? null : (v as Decimal).toNumber();
    },
    safe: c.safe,
  };
}

/** An operand of DECIMAL type as a DOUBLE expression: a literal converted now, anything else cast. */
function decimalAsDouble(e: Expr, c: Compiled): Expr {
  if (c.type.base !== 'DECIMAL') return e;
  if (e.kind === 'lit' && e.value instanceof Decimal) return { kind: 'lit', type: T.DOUBLE, value: e.value.toNumber(), text: e.text, pos: e.pos };
  return { kind: 'cast', operand: e, type: T.DOUBLE, pos: e.pos };
}
