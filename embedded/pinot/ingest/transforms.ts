/**
 * Ingestion transform functions (`transformConfigs[].transformFunction`, FieldSpec `transformFunction`)
 * compiled to JS closures over the decoded record. A useful subset of Pinot's scalar functions:
 * column copies, JSON paths, epoch conversions, date formatting, string and arithmetic functions.
 * Groovy and anything else unknown are reported as unsupported (the column then gets its default).
 */
import { formatJodaUtc, parseTimestampString, stringifyJson } from '../schema.ts';
import { parseExpression, type Expr } from '../sql/parser.ts';

export type TransformFn = (record: Record<string, unknown>) => unknown;

/** Compiles a transform expression; returns an error text when it uses something unsupported. */
export function compileTransform(text: string): TransformFn | string {
  if (/^\s*groovy\s*\(/i.test(text)) return `Groovy transforms are not supported: ${text}`;
  let expr: Expr;
  try {
    expr = parseExpression(text);
  } catch (error) {
    return `cannot parse transform '${text}': ${(error as Error).message}`;
  }
  try {
    return compile(expr);
  } catch (error) {
    return (error as Error).message;
  }
}

function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** `$.a.b[0]['c']` → path steps. */
function parseJsonPath(path: string): (string | number)[] {
  if (!path.startsWith('$')) throw new Error(`Invalid JSON path: ${path}`);
  const steps: (string | number)[] = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;
  let i = 1;
  while (i < path.length) {
    re.lastIndex = i;
    const m = re.exec(path);
    if (!m) throw new Error(`Invalid JSON path: ${path}`);
    steps.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (m[3] ?? m[4]!)));
    i = re.lastIndex;
  }
  return steps;
}

function readPath(value: unknown, steps: (string | number)[]): unknown {
  let current = value;
  if (typeof current === 'string') {
    try {
      current = JSON.parse(current);
    } catch {
      return null;
    }
  }
  for (const step of steps) {
    if (current === null || current === undefined || typeof current !== 'object') return null;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current === undefined ? null : current;
}

/** Parses text with a Joda pattern (y M d H m s S and literals), UTC. */
function parseWithPattern(text: string, pattern: string): number | null {
  let re = '^';
  const order: string[] = [];
  for (let i = 0; i < pattern.length; ) {
    const ch = pattern[i]!;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      const literal = end === i + 1 ? "'" : pattern.slice(i + 1, end === -1 ? undefined : end);
      re += literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i = end === -1 ? pattern.length : end + 1;
      continue;
    }
    let j = i;
    while (j < pattern.length && pattern[j] === ch) j++;
    if ('yMdHhmsS'.includes(ch)) {
      re += `(\\d{1,${ch === 'y' ? 4 : ch === 'S' ? 9 : 2}})`;
      order.push(ch);
    } else if (ch === 'Z' || ch === 'X') {
      re += '(Z|[+-]\\d{2}:?\\d{2})';
      order.push('Z');
    } else re += pattern.slice(i, j).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    i = j;
  }
  const m = new RegExp(`${re}$`).exec(text.trim());
  if (!m) return null;
  const parts: Record<string, string> = {};
  order.forEach((k, idx) => (parts[k] = m[idx + 1]!));
  let ms = Date.UTC(
    Number(parts.y ?? 1970),
    Number(parts.M ?? 1) - 1,
    Number(parts.d ?? 1),
    Number(parts.H ?? parts.h ?? 0),
    Number(parts.m ?? 0),
    Number(parts.s ?? 0),
    Number(((parts.S ?? '') + '000').slice(0, 3)),
  );
  const zone = parts.Z;
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return Number.isNaN(ms) ? null : ms;
}

const UNIT_MS: Record<string, number> = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

function compile(e: Expr): TransformFn {
  switch (e.kind) {
    case 'column': {
      const name = e.name;
      return (r) => r[name] ?? null;
    }
    case 'literal': {
      const value = e.type === 'null' ? null : e.type === 'number' ? Number(e.value) : e.value;
      return () => value;
    }
    case 'binary': {
      const l = compile(e.left);
      const r = compile(e.right);
      const ops: Record<string, (a: number, b: number) => number> = {
        '+': (a, b) => a + b,
        '-': (a, b) => a - b,
        '*': (a, b) => a * b,
        '/': (a, b) => a / b,
        '%': (a, b) => a % b,
      };
      const op = ops[e.op];
      if (e.op === '||') return (rec) => `${String(l(rec) ?? '')}${String(r(rec) ?? '')}`;
      if (!op) throw new Error(`Unsupported operator in transform: ${e.op}`);
      return (rec) => {
        const a = num(l(rec));
        const b = num(r(rec));
        return a === null || b === null ? null : op(a, b);
      };
    }
    case 'unary': {
      const a = compile(e.arg);
      if (e.op === '-')
        return (r) => {
          const n = num(a(r));
          return n === null ? null : -n;
        };
      if (e.op === '+') return a;
      throw new Error('NOT is not supported in transforms');
    }
    case 'call':
      return compileCall(e.name.toLowerCase().replace(/_/g, ''), e.args);
    default:
      throw new Error(`Unsupported expression in transform: ${e.kind}`);
  }
}

function literalText(e: Expr | undefined): string {
  if (!e || e.kind !== 'literal' || e.type === 'null') throw new Error('transform argument must be a literal');
  return String(e.value);
}

function compileCall(name: string, argExprs: Expr[]): TransformFn {
  const args = () => argExprs.map(compile);
  switch (name) {
    case 'jsonpath':
    case 'jsonpathstring':
    case 'jsonpathlong':
    case 'jsonpathdouble':
    case 'jsonpatharray': {
      const source = compile(argExprs[0]!);
      const steps = parseJsonPath(literalText(argExprs[1]));
      const fallback = argExprs[2] ? compile(argExprs[2]) : undefined;
      return (r) => {
        let v = readPath(source(r), steps);
        if (v !== null && name === 'jsonpathstring' && typeof v === 'object') v = stringifyJson(v);
        if (v !== null && (name === 'jsonpathlong' || name === 'jsonpathdouble')) v = num(v);
        if (v === null && fallback) return fallback(r);
        return v;
      };
    }
    case 'jsonformat': {
      const [a] = args();
      return (r) => {
        const v = a!(r);
        return v === null ? null : stringifyJson(v);
      };
    }
    case 'toepochseconds':
    case 'toepochminutes':
    case 'toepochhours':
    case 'toepochdays': {
      const unit = UNIT_MS[name.slice('toepoch'.length)]!;
      const [a] = args();
      return (r) => {
        const n = num(a!(r));
        return n === null ? null : Math.floor(n / unit);
      };
    }
    case 'fromepochseconds':
    case 'fromepochminutes':
    case 'fromepochhours':
    case 'fromepochdays': {
      const unit = UNIT_MS[name.slice('fromepoch'.length)]!;
      const [a] = args();
      return (r) => {
        const n = num(a!(r));
        return n === null ? null : n * unit;
      };
    }
    case 'todatetime': {
      const [a] = args();
      const pattern = literalText(argExprs[1]);
      return (r) => {
        const n = num(a!(r));
        return n === null ? null : formatJodaUtc(n, pattern);
      };
    }
    case 'fromdatetime': {
      const [a] = args();
      const pattern = literalText(argExprs[1]);
      return (r) => {
        const v = a!(r);
        if (v === null || v === undefined) return null;
        return parseWithPattern(String(v), pattern) ?? parseTimestampString(String(v)) ?? null;
      };
    }
    case 'upper':
    case 'lower':
    case 'trim': {
      const [a] = args();
      return (r) => {
        const v = a!(r);
        if (v === null || v === undefined) return null;
        const s = String(v);
        return name === 'upper' ? s.toUpperCase() : name === 'lower' ? s.toLowerCase() : s.trim();
      };
    }
    case 'concat': {
      const all = args();
      return (r) => {
        const values = all.map((f) => f(r));
        if (values.length === 3) return `${String(values[0] ?? '')}${String(values[2] ?? '')}${String(values[1] ?? '')}`;
        return values.map((v) => String(v ?? '')).join('');
      };
    }
    case 'plus':
    case 'minus':
    case 'times':
    case 'divide': {
      const [a, b] = args();
      const op = {
        plus: (x: number, y: number) => x + y,
        minus: (x: number, y: number) => x - y,
        times: (x: number, y: number) => x * y,
        divide: (x: number, y: number) => x / y,
      }[name];
      return (r) => {
        const x = num(a!(r));
        const y = num(b!(r));
        return x === null || y === null ? null : op(x, y);
      };
    }
    case 'now':
      return () => Date.now();
  }
  throw new Error(`Unsupported transform function: ${name}`);
}
