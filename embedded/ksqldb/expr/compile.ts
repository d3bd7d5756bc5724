// Type-checks an expression against a scope and compiles it to a closure over a row.
// Semantics follow ksqlDB's code generator: null operands give null, comparisons with null give false.
import type { Expr } from '../parser/ast.ts';
import { KsqlError, type Position } from '../errors.ts';
import { getScalarFunction } from '../functions/scalar.ts';
import { T, isNumeric, typeToString, widen, type SqlType } from '../types.ts';
import { coerceUserList, type CoercedList } from './coercion.ts';
import { javaDouble } from './javaText.ts';
import { longOp, normLong, stringifyJson, type Long } from './long.ts';

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
  }
}

/** Structural equality of expressions, ignoring positions. */
export function exprEquals(a: Expr, b: Expr): boolean {
  return exprToString(a) === exprToString(b);
}

const isNull = (v: unknown) => v === null || v === undefined;

function toInt32(v: number): number {
  return v | 0;
}

export function castValue(v: unknown, from: SqlType, to: SqlType): unknown {
  if (isNull(v)) return null;
  switch (to.base) {
    case 'STRING':
      if (from.base === 'DOUBLE') return javaDouble(v as number);
      if (Array.isArray(v)) return '[' + v.map((x) => (x === null || x === undefined ? 'null' : castValue(x, from.item ?? T.STRING, T.STRING))).join(', ') + ']';
      return String(v);
    case 'BOOLEAN':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string') return v.trim().toLowerCase() === 'true';
      throw new Error(`Cannot cast ${typeToString(from)} to BOOLEAN`);
    case 'INTEGER':
    case 'BIGINT': {
      let n: number;
      if (typeof v === 'bigint') {
        if (to.base === 'BIGINT') return v;
        n = Number(BigInt.asIntN(32, v));
      } else if (typeof v === 'number') n = Math.trunc(v);
      else if (typeof v === 'string') {
        const s = v.trim();
        if (!/^[-+]?\d+$/.test(s)) throw new Error(`For input string: "${v}"`);
        n = Number(s);
        if (to.base === 'BIGINT' && !Number.isSafeInteger(n)) return normLong(BigInt(s));
      } else throw new Error(`Cannot cast ${typeToString(from)} to ${to.base}`);
      return to.base === 'INTEGER' ? toInt32(n) : n;
    }
    case 'DOUBLE': {
      if (typeof v === 'number') return v;
      if (typeof v === 'bigint') return Number(v);
      if (typeof v === 'string') {
        const n = Number(v.trim());
        if (v.trim() === '' || Number.isNaN(n)) throw new Error(`For input string: "${v}"`);
        return n;
      }
      throw new Error(`Cannot cast ${typeToString(from)} to DOUBLE`);
    }
    case 'ARRAY':
      if (!Array.isArray(v)) throw new Error(`Cannot cast ${typeToString(from)} to ARRAY`);
      return v.map((x) => castValue(x, from.item ?? T.NULL, to.item ?? T.NULL));
    default:
      return v;
  }
}

function castAllowed(from: SqlType, to: SqlType): boolean {
  if (from.base === 'ARRAY' && to.base === 'ARRAY') return castAllowed(from.item ?? T.NULL, to.item ?? T.NULL);
  if (from.base === 'NULL' || from.base === to.base) return true;
  if (to.base === 'STRING') return true;
  if (isNumeric(to)) return isNumeric(from) || from.base === 'STRING';
  if (to.base === 'BOOLEAN') return from.base === 'STRING';
  return false;
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function comparable(a: SqlType, b: SqlType): boolean {
  if (a.base === 'NULL' || b.base === 'NULL') return true;
  if (isNumeric(a) && isNumeric(b)) return true;
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

/** A user-written list coerced to one type (coercion.ts); a failure is a statement error. */
function coerceList(exprs: Expr[], scope: Scope, prefix: string, pos: Position): CoercedList {
  try {
    return coerceUserList(exprs, (x) => compileExpr(x, scope).type, exprToString);
  } catch (e) {
    if (e instanceof KsqlError) throw e;
    return err(prefix + (e as Error).message, pos);
  }
}

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
    case 'neg': {
      const o = compileExpr(e.operand, scope);
      if (!isNumeric(o.type)) err(`Unsupported arithmetic: -${typeToString(o.type)}`, e.pos);
      const int = o.type.base === 'INTEGER';
      const long = o.type.base === 'BIGINT';
      return { type: o.type, eval: (r) => { const v = o.eval(r); return isNull(v) ? null : int ? toInt32(-(v as number)) : long ? longOp('-', 0, v as Long) : -(v as number); } };
    }
    case 'arith': {
      const l = compileExpr(e.left, scope);
      const r = compileExpr(e.right, scope);
      if (e.op === '+' && l.type.base === 'STRING' && r.type.base === 'STRING') {
        return { type: T.STRING, eval: (row) => { const a = l.eval(row); const b = r.eval(row); return isNull(a) || isNull(b) ? null : String(a) + String(b); } };
      }
      const ok = (t: SqlType) => isNumeric(t) || t.base === 'NULL';
      if (!ok(l.type) || !ok(r.type) || (l.type.base === 'NULL' && r.type.base === 'NULL')) {
        err(`Error processing expression: ${exprToString(e)}. Unsupported arithmetic types. ${typeToString(l.type)} ${typeToString(r.type)}`, e.pos);
      }
      const type = widen(l.type, r.type);
      const op = e.op;
      const kind = type.base;
      return {
        type,
        eval: (row) => {
          const a = l.eval(row) as number | null;
          const b = r.eval(row) as number | null;
          if (isNull(a) || isNull(b)) return null;
          if (kind === 'BIGINT') return longOp(op, a as Long, b as Long);
          const x = Number(a);
          const y = Number(b);
          if (kind === 'DOUBLE') {
            switch (op) {
              case '+': return x + y;
              case '-': return x - y;
              case '*': return x * y;
              case '/': return x / y;
              case '%': return x % y;
            }
          }
          let v: number;
          switch (op) {
            case '+': v = x + y; break;
            case '-': v = x - y; break;
            case '*': v = kind === 'INTEGER' ? Math.imul(x, y) : x * y; break;
            case '/': if (y === 0) return null; v = Math.trunc(x / y); break;
            case '%': if (y === 0) return null; v = x % y; break;
          }
          return kind === 'INTEGER' ? toInt32(v) : v;
        },
      };
    }
    case 'cmp': {
      const l = compileExpr(timeLiteral(e.left, e.right), scope);
      const r = compileExpr(timeLiteral(e.right, e.left), scope);
      if ((e.op !== 'DISTINCT' && e.op !== 'NOT DISTINCT') && (l.type.base === 'NULL' || r.type.base === 'NULL') && (e.left.kind === 'lit' || e.right.kind === 'lit')) {
        err(`Comparison with NULL not supported: ${exprToString(e.left)} ${e.op} ${exprToString(e.right)}`, e.pos);
      }
      if (!comparable(l.type, r.type)) {
        err(`Error in WHERE expression: Cannot compare ${typeToString(l.type)} to ${typeToString(r.type)} with ${e.op}.`, e.pos);
      }
      const base = l.type.base === 'NULL' ? r.type.base : l.type.base;
      if ((base === 'BOOLEAN' || base === 'ARRAY') && !['=', '<>', 'DISTINCT', 'NOT DISTINCT'].includes(e.op)) {
        err(`Operator ${e.op} cannot be used to compare ${base}`, e.pos);
      }
      const op = e.op;
      return {
        type: T.BOOLEAN,
        eval: (row) => {
          const a = l.eval(row);
          const b = r.eval(row);
          if (op === 'DISTINCT' || op === 'NOT DISTINCT') {
            const same = isNull(a) && isNull(b) ? true : isNull(a) || isNull(b) ? false : compareValues(a, b) === 0;
            return op === 'DISTINCT' ? !same : same;
          }
          if (isNull(a) || isNull(b)) return false;
          const c = Array.isArray(a) ? (stringifyJson(a) === stringifyJson(b) ? 0 : 1) : compareValues(a, b);
          switch (op) {
            case '=': return c === 0;
            case '<>': return c !== 0;
            case '<': return c < 0;
            case '<=': return c <= 0;
            case '>': return c > 0;
            case '>=': return c >= 0;
          }
        },
      };
    }
    case 'logic': {
      const l = compileExpr(e.left, scope);
      const r = compileExpr(e.right, scope);
      for (const [side, c] of [[e.left, l], [e.right, r]] as const) {
        if (c.type.base !== 'BOOLEAN' && c.type.base !== 'NULL') err(`Type mismatch: ${e.op} requires BOOLEAN operands, got ${typeToString(c.type)} for ${exprToString(side)}`, e.pos);
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
    case 'not': {
      const o = compileExpr(e.operand, scope);
      if (o.type.base !== 'BOOLEAN' && o.type.base !== 'NULL') err(`NOT requires a BOOLEAN operand, got ${typeToString(o.type)}`, e.pos);
      return { type: T.BOOLEAN, eval: (r) => { const v = o.eval(r); return isNull(v) ? null : !v; } };
    }
    case 'isnull': {
      const o = compileExpr(e.operand, scope);
      const neg = e.negated;
      return { type: T.BOOLEAN, eval: (r) => (isNull(o.eval(r)) !== neg) };
    }
    case 'between': {
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
    case 'in': {
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
          const found = items.some((it) => { const x = it.eval(r); return !isNull(x) && compareValues(v, x) === 0; });
          return found !== neg;
        },
      };
    }
    case 'like': {
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
    case 'case': {
      const operand = e.operand ? compileExpr(e.operand, scope) : undefined;
      const whens = e.whens.map((w) => ({ when: compileExpr(w.when, scope), then: compileExpr(w.then, scope) }));
      const elseC = e.else ? compileExpr(e.else, scope) : undefined;
      if (!operand) for (const w of whens) if (w.when.type.base !== 'BOOLEAN') err(`WHEN operand type should be boolean. Type for '${exprToString(e)}' is ${typeToString(w.when.type)}`, e.pos);
      let type: SqlType = T.NULL;
      for (const c of [...whens.map((w) => w.then), ...(elseC ? [elseC] : [])]) {
        if (c.type.base === 'NULL') continue;
        if (type.base === 'NULL') type = c.type;
        else if (type.base !== c.type.base) err(`Invalid Case expression. Type for all 'THEN' clauses should be the same. THEN expression '${exprToString(e)}' has type: ${typeToString(c.type)}. Previous THEN expression(s) type: ${typeToString(type)}.`, e.pos);
      }
      return {
        type,
        eval: (r) => {
          const ov = operand?.eval(r);
          for (const w of whens) {
            const wv = w.when.eval(r);
            if (operand ? !isNull(ov) && !isNull(wv) && compareValues(ov, wv) === 0 : wv === true) return w.then.eval(r);
          }
          return elseC ? elseC.eval(r) : null;
        },
      };
    }
    case 'cast': {
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
    case 'array': {
      if (!e.items.length) err('Array constructor cannot be empty. Please supply at least one element (see https://github.com/confluentinc/ksql/issues/4239).', e.pos);
      const coerced = coerceList(e.items, scope, '', e.pos);
      if (!coerced.commonType) err('Cannot construct an array with all NULL elements (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.', e.pos);
      const items = coerced.exprs.map((x) => compileExpr(x, scope));
      return { type: T.array(coerced.commonType!), eval: (r) => items.map((it) => it.eval(r)) };
    }
    case 'subscript': {
      const b = compileExpr(e.base, scope);
      const i = compileExpr(e.index, scope);
      if (b.type.base !== 'ARRAY') err(`Subscript requires an ARRAY, got ${typeToString(b.type)}`, e.pos);
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
    case 'call': {
      const fn = getScalarFunction(e.name);
      if (!fn) return err(`Can't find any functions with the name '${e.name}'`, e.pos);
      const args = e.args.map((a) => compileExpr(a, scope));
      const res = fn.resolve(args.map((a) => a.type));
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
  }
}
