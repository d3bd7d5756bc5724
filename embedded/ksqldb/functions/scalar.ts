// Scalar (row-level) functions. Each entry resolves argument types to a return type and an implementation.
import { javaDouble, javaString } from '../expr/javaText.ts';
import { T, isNumeric, typeToString, widen, type SqlType } from '../types.ts';

export interface ResolvedFn {
  returnType: SqlType;
  invoke: (args: unknown[]) => unknown;
}

export interface ScalarFunction {
  name: string;
  description: string;
  /** returns a resolved function, or an error message when the arguments do not fit */
  resolve: (argTypes: SqlType[]) => ResolvedFn | string;
}

const reg = new Map<string, ScalarFunction>();

function def(names: string | string[], description: string, resolve: ScalarFunction['resolve']): void {
  for (const name of Array.isArray(names) ? names : [names]) reg.set(name, { name, description, resolve });
}

export function getScalarFunction(name: string): ScalarFunction | undefined {
  return reg.get(name.toUpperCase());
}

export function listScalarFunctions(): ScalarFunction[] {
  return [...reg.values()];
}

const sig = (ts: SqlType[]) => ts.map(typeToString).join(', ');
const nullSafe = (f: (a: unknown[]) => unknown) => (a: unknown[]) => (a.some((x) => x === null || x === undefined) ? null : f(a));

function strFn(names: string | string[], desc: string, arity: number, f: (a: unknown[]) => unknown, ret: SqlType = T.STRING): void {
  def(names, desc, (ts) => {
    if (ts.length !== arity) return `Function ${Array.isArray(names) ? names[0] : names} does not accept parameters (${sig(ts)}).`;
    return { returnType: ret, invoke: nullSafe(f) };
  });
}

strFn(['UCASE', 'UPPER'], 'Upper-case a string', 1, (a) => String(a[0]).toUpperCase());
strFn(['LCASE', 'LOWER'], 'Lower-case a string', 1, (a) => String(a[0]).toLowerCase());
strFn('TRIM', 'Trim whitespace', 1, (a) => String(a[0]).trim());
strFn('LTRIM', 'Trim leading whitespace', 1, (a) => String(a[0]).replace(/^\s+/, ''));
strFn('RTRIM', 'Trim trailing whitespace', 1, (a) => String(a[0]).replace(/\s+$/, ''));
strFn(['LEN', 'LENGTH'], 'String length', 1, (a) => String(a[0]).length, T.INTEGER);
strFn('REPLACE', 'Replace substrings', 3, (a) => String(a[0]).split(String(a[1])).join(String(a[2])));
def('INSTR', 'Position (1-based) of the n-th occurrence of a substring, searching from a position', (ts) => {
  if (ts.length < 2 || ts.length > 4) return `Function 'instr' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.INTEGER,
    invoke: nullSafe((a) => {
      const s = String(a[0]);
      const sub = String(a[1]);
      const pos = a.length > 2 ? Number(a[2]) : 1;
      const occ = a.length > 3 ? Number(a[3]) : 1;
      if (pos > 0) {
        let from = pos - 1;
        let found = -1;
        for (let n = 0; n < occ; n++) {
          found = s.indexOf(sub, from);
          if (found < 0) return 0;
          from = found + 1;
        }
        return found + 1;
      }
      let from = s.length + pos;
      let found = -1;
      for (let n = 0; n < occ; n++) {
        if (from < 0) return 0;
        found = s.lastIndexOf(sub, from);
        if (found < 0) return 0;
        from = found - 1;
      }
      return found + 1;
    }),
  };
});
strFn('INITCAP', 'Capitalise words', 1, (a) => String(a[0]).toLowerCase().replace(/(^|\s)(\S)/g, (_m, s: string, c: string) => s + c.toUpperCase()));
strFn('REVERSE', 'Reverse a string', 1, (a) => [...String(a[0])].reverse().join(''));

def('CONCAT', 'Concatenate strings; nulls are skipped', (ts) => {
  if (ts.length < 1 || ts.some((t) => t.base !== 'STRING' && t.base !== 'NULL')) return `Function 'concat' does not accept parameters (${sig(ts)}).`;
  return { returnType: T.STRING, invoke: (a) => a.filter((x) => x !== null && x !== undefined).join('') };
});
def('CONCAT_WS', 'Concatenate with a separator', (ts) => {
  if (ts.length < 2) return `Function 'concat_ws' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.STRING,
    invoke: (a) => (a[0] === null ? null : a.slice(1).filter((x) => x !== null && x !== undefined).join(String(a[0]))),
  };
});
def('SUBSTRING', 'Substring from a 1-based position', (ts) => {
  if (ts.length < 2 || ts.length > 3 || ts[0]!.base !== 'STRING') return `Function 'substring' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.STRING,
    invoke: nullSafe((a) => {
      const s = String(a[0]);
      let start = Number(a[1]);
      start = start > 0 ? start - 1 : start < 0 ? Math.max(s.length + start, 0) : 0;
      const len = a.length > 2 ? Number(a[2]) : s.length;
      return s.substring(start, Math.min(s.length, start + Math.max(len, 0)));
    }),
  };
});
for (const [name, left] of [['LPAD', true], ['RPAD', false]] as const) {
  def(name, 'Pad a string', (ts) => {
    if (ts.length !== 3) return `Function '${name.toLowerCase()}' does not accept parameters (${sig(ts)}).`;
    return {
      returnType: T.STRING,
      invoke: nullSafe((a) => {
        const s = String(a[0]);
        const n = Number(a[1]);
        const pad = String(a[2]);
        if (n < 0 || (pad === '' && s.length < n)) return null;
        if (s.length >= n) return s.substring(0, n);
        let fill = '';
        while (fill.length < n - s.length) fill += pad;
        fill = fill.substring(0, n - s.length);
        return left ? fill + s : s + fill;
      }),
    };
  });
}
def('SPLIT', 'Split a string into an array', (ts) => {
  if (ts.length !== 2) return `Function 'split' does not accept parameters (${sig(ts)}).`;
  return { returnType: T.array(T.STRING), invoke: nullSafe((a) => (a[1] === '' ? [...String(a[0])] : String(a[0]).split(String(a[1])))) };
});

function numFn(name: string, desc: string, f: (x: number) => number, ret: (t: SqlType) => SqlType): void {
  def(name, desc, (ts) => {
    if (ts.length !== 1 || !isNumeric(ts[0]!)) return `Function '${name.toLowerCase()}' does not accept parameters (${sig(ts)}).`;
    const rt = ret(ts[0]!);
    return { returnType: rt, invoke: nullSafe((a) => f(Number(a[0]))) };
  });
}
numFn('ABS', 'Absolute value', Math.abs, (t) => t);
numFn('CEIL', 'Ceiling', Math.ceil, (t) => t);
numFn('FLOOR', 'Floor', Math.floor, (t) => t);
numFn('SQRT', 'Square root', Math.sqrt, () => T.DOUBLE);
numFn('EXP', 'e^x', Math.exp, () => T.DOUBLE);
numFn('LN', 'Natural log', Math.log, () => T.DOUBLE);
numFn('SIGN', 'Sign', Math.sign, () => T.INTEGER);
def('ROUND', 'Round half up', (ts) => {
  if (ts.length < 1 || ts.length > 2 || !isNumeric(ts[0]!)) return `Function 'round' does not accept parameters (${sig(ts)}).`;
  if (ts.length === 1) {
    const rt = ts[0]!.base === 'DOUBLE' ? T.BIGINT : ts[0]!;
    return { returnType: rt, invoke: nullSafe((a) => Math.round(Number(a[0]))) };
  }
  return {
    returnType: ts[0]!.base === 'DOUBLE' ? T.DOUBLE : ts[0]!,
    invoke: nullSafe((a) => {
      const f = Math.pow(10, Number(a[1]));
      return Math.round(Number(a[0]) * f) / f;
    }),
  };
});
def(['POWER', 'POW'], 'x^y', (ts) => {
  if (ts.length !== 2 || !ts.every(isNumeric)) return `Function 'power' does not accept parameters (${sig(ts)}).`;
  return { returnType: T.DOUBLE, invoke: nullSafe((a) => Math.pow(Number(a[0]), Number(a[1]))) };
});
def('RANDOM', 'Random double in [0,1)', (ts) => (ts.length ? 'RANDOM takes no arguments' : { returnType: T.DOUBLE, invoke: () => Math.random() }));
for (const [name, pick] of [['GREATEST', 1], ['LEAST', -1]] as const) {
  def(name, `${name.toLowerCase()} of the arguments`, (ts) => {
    if (!ts.length) return `Function '${name.toLowerCase()}' does not accept parameters ().`;
    let rt: SqlType = T.NULL;
    for (const t of ts) rt = rt.base === 'NULL' ? t : isNumeric(rt) && isNumeric(t) ? widen(rt, t) : rt;
    return {
      returnType: rt,
      invoke: (a) => {
        const xs = a.filter((x) => x !== null && x !== undefined) as (number | string)[];
        if (!xs.length) return null;
        return xs.reduce((m, x) => ((pick === 1 ? x > m : x < m) ? x : m));
      },
    };
  });
}

def('IFNULL', 'First argument unless null, else the second', (ts) => {
  if (ts.length !== 2) return `Function 'ifnull' does not accept parameters (${sig(ts)}).`;
  const rt = ts[0]!.base === 'NULL' ? ts[1]! : ts[0]!;
  return { returnType: rt, invoke: (a) => (a[0] === null || a[0] === undefined ? a[1] : a[0]) };
});
def('COALESCE', 'First non-null argument', (ts) => {
  if (!ts.length) return `Function 'coalesce' does not accept parameters ().`;
  const rt = ts.find((t) => t.base !== 'NULL') ?? T.NULL;
  return { returnType: rt, invoke: (a) => a.find((x) => x !== null && x !== undefined) ?? null };
});
def('NULLIF', 'Null when both arguments are equal', (ts) => {
  if (ts.length !== 2) return `Function 'nullif' does not accept parameters (${sig(ts)}).`;
  return { returnType: ts[0]!, invoke: (a) => (a[0] === a[1] ? null : a[0]) };
});
def('AS_VALUE', 'Copy a key column into the value', (ts) => {
  if (ts.length !== 1) return `Function 'as_value' does not accept parameters (${sig(ts)}).`;
  return { returnType: ts[0]!, invoke: (a) => a[0] };
});
def('ARRAY_LENGTH', 'Length of an array', (ts) => {
  if (ts.length !== 1 || ts[0]!.base !== 'ARRAY') return `Function 'array_length' does not accept parameters (${sig(ts)}).`;
  return { returnType: T.INTEGER, invoke: nullSafe((a) => (a[0] as unknown[]).length) };
});

// ---- time functions ----
function pad(n: number, w: number): string {
  return String(Math.abs(n)).padStart(w, '0');
}

/** Format epoch millis with a Java SimpleDateFormat-like pattern (UTC unless a zone offset is given). */
export function formatTimestamp(ms: number, pattern: string, tz = 'UTC'): string {
  let offsetMin = 0;
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?$/.exec(tz);
  if (m) offsetMin = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
  const d = new Date(ms + offsetMin * 60_000);
  const parts: Record<string, (n: number) => string> = {
    y: (n) => (n === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), n)),
    M: (n) => pad(d.getUTCMonth() + 1, n),
    d: (n) => pad(d.getUTCDate(), n),
    H: (n) => pad(d.getUTCHours(), n),
    h: (n) => pad(d.getUTCHours() % 12 || 12, n),
    m: (n) => pad(d.getUTCMinutes(), n),
    s: (n) => pad(d.getUTCSeconds(), n),
    S: (n) => pad(d.getUTCMilliseconds(), 3).substring(0, Math.max(n, 3)).padEnd(n, '0'),
    a: () => (d.getUTCHours() < 12 ? 'AM' : 'PM'),
    X: () => (offsetMin === 0 ? 'Z' : (offsetMin < 0 ? '-' : '+') + pad(Math.floor(Math.abs(offsetMin) / 60), 2) + pad(Math.abs(offsetMin) % 60, 2)),
    Z: () => (offsetMin < 0 ? '-' : '+') + pad(Math.floor(Math.abs(offsetMin) / 60), 2) + pad(Math.abs(offsetMin) % 60, 2),
  };
  let out = '';
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      const j = pattern.indexOf("'", i + 1);
      out += j < 0 ? pattern.slice(i + 1) : pattern.slice(i + 1, j) || "'";
      i = j < 0 ? pattern.length : j + 1;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === c) n++;
    const f = parts[c];
    out += f ? f(n) : c.repeat(n);
    i += n;
  }
  return out;
}

/** Parse text with a SimpleDateFormat-like pattern into epoch millis (UTC unless a zone is given). */
export function parseTimestamp(text: string, pattern: string, tz = 'UTC'): number {
  const fields: Record<string, number> = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0 };
  let offsetMin: number | undefined;
  let ti = 0;
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      const j = pattern.indexOf("'", i + 1);
      const lit = pattern.slice(i + 1, j < 0 ? undefined : j);
      if (text.substr(ti, lit.length) !== lit) throw new Error(`Text '${text}' could not be parsed`);
      ti += lit.length;
      i = j < 0 ? pattern.length : j + 1;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === c) n++;
    if ('yMdHhmsS'.includes(c)) {
      const mm = /^\d+/.exec(text.slice(ti, ti + (c === 'y' && n === 4 ? 4 : n >= 2 ? n : 10)));
      if (!mm) throw new Error(`Text '${text}' could not be parsed at index ${ti}`);
      fields[c === 'h' ? 'H' : c] = Number(c === 'S' ? mm[0].padEnd(3, '0').slice(0, 3) : mm[0]);
      ti += mm[0].length;
    } else if (c === 'X' || c === 'Z') {
      const mm = /^(Z|[+-]\d{2}:?\d{2})/.exec(text.slice(ti));
      if (!mm) throw new Error(`Text '${text}' could not be parsed at index ${ti}`);
      offsetMin = mm[0] === 'Z' ? 0 : (mm[0][0] === '-' ? -1 : 1) * (Number(mm[0].slice(1, 3)) * 60 + Number(mm[0].slice(-2)));
      ti += mm[0].length;
    } else {
      if (text.substr(ti, n) !== c.repeat(n)) throw new Error(`Text '${text}' could not be parsed at index ${ti}`);
      ti += n;
    }
    i += n;
  }
  if (ti !== text.length) throw new Error(`Text '${text}' could not be parsed, unparsed text found at index ${ti}`);
  if (offsetMin === undefined) {
    const m = /^(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?$/.exec(tz);
    offsetMin = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) : 0;
  }
  return Date.UTC(fields.y!, fields.M! - 1, fields.d, fields.H, fields.m, fields.s, fields.S) - offsetMin * 60_000;
}

def('UNIX_TIMESTAMP', 'Current epoch millis', (ts) => (ts.length ? "Function 'unix_timestamp' takes no arguments" : { returnType: T.BIGINT, invoke: () => Date.now() }));
def('TIMESTAMPTOSTRING', 'Format epoch millis', (ts) => {
  if (ts.length < 2 || ts.length > 3 || !isNumeric(ts[0]!)) return `Function 'timestamptostring' does not accept parameters (${sig(ts)}).`;
  return { returnType: T.STRING, invoke: nullSafe((a) => formatTimestamp(Number(a[0]), String(a[1]), a[2] === undefined ? 'UTC' : String(a[2]))) };
});
def('STRINGTOTIMESTAMP', 'Parse a timestamp string to epoch millis', (ts) => {
  if (ts.length < 2 || ts.length > 3) return `Function 'stringtotimestamp' does not accept parameters (${sig(ts)}).`;
  return { returnType: T.BIGINT, invoke: nullSafe((a) => parseTimestamp(String(a[0]), String(a[1]), a[2] === undefined ? 'UTC' : String(a[2]))) };
});


// ---- more math ----
for (const [name, f] of [
  ['SIN', Math.sin], ['COS', Math.cos], ['TAN', Math.tan], ['ASIN', Math.asin], ['ACOS', Math.acos], ['ATAN', Math.atan],
  ['SINH', Math.sinh], ['COSH', Math.cosh], ['TANH', Math.tanh], ['COT', (x: number) => 1 / Math.tan(x)],
  ['RADIANS', (x: number) => (x * Math.PI) / 180], ['DEGREES', (x: number) => (x * 180) / Math.PI], ['CBRT', Math.cbrt],
] as const) {
  numFn(name, `${name.toLowerCase()}(x)`, f, () => T.DOUBLE);
}
def('PI', 'The constant pi', (ts) => (ts.length ? "Function 'pi' takes no arguments" : { returnType: T.DOUBLE, invoke: () => Math.PI }));
def('ATAN2', 'atan2(y, x)', (ts) => {
  if (ts.length !== 2 || !ts.every(isNumeric)) return `Function 'atan2' does not accept parameters (${sig(ts)}).`;
  return { returnType: T.DOUBLE, invoke: nullSafe((a) => Math.atan2(Number(a[0]), Number(a[1]))) };
});
def('LOG', 'Natural log, or log of x in base b: LOG(b, x)', (ts) => {
  if (ts.length < 1 || ts.length > 2 || !ts.every(isNumeric)) return `Function 'log' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.DOUBLE,
    invoke: nullSafe((a) => (a.length === 1 ? Math.log(Number(a[0])) : Math.log(Number(a[1])) / Math.log(Number(a[0])))),
  };
});
def('TRUNC', 'Truncate towards zero, optionally to n decimal places', (ts) => {
  if (ts.length < 1 || ts.length > 2 || !ts.every(isNumeric)) return `Function 'trunc' does not accept parameters (${sig(ts)}).`;
  if (ts.length === 1) return { returnType: ts[0]!.base === 'DOUBLE' ? T.BIGINT : ts[0]!, invoke: nullSafe((a) => Math.trunc(Number(a[0]))) };
  return {
    returnType: ts[0]!,
    invoke: nullSafe((a) => {
      const f = Math.pow(10, Number(a[1]));
      return Math.trunc(Number(a[0]) * f) / f;
    }),
  };
});
def('CHR', 'Character for a code point (number or \\uXXXX string)', (ts) => {
  if (ts.length !== 1) return `Function 'chr' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.STRING,
    invoke: nullSafe((a) => {
      const v = a[0];
      if (typeof v === 'number') return String.fromCodePoint(v);
      const m = /^\\u([0-9a-fA-F]{4})$/.exec(String(v));
      return m ? String.fromCharCode(parseInt(m[1]!, 16)) : null;
    }),
  };
});
def('ELT', 'The n-th (1-based) of the remaining arguments', (ts) => {
  if (ts.length < 1 || !isNumeric(ts[0]!)) return `Function 'elt' does not accept parameters (${sig(ts)}).`;
  return { returnType: T.STRING, invoke: (a) => (a[0] === null ? null : (a[Number(a[0])] as string | undefined) ?? null) };
});
def('FIELD', '1-based position of the first argument among the others, 0 if absent', (ts) => {
  if (ts.length < 1) return `Function 'field' does not accept parameters (${sig(ts)}).`;
  return { returnType: T.INTEGER, invoke: (a) => (a[0] === null ? 0 : a.slice(1).indexOf(a[0]) + 1) };
});
def('REGEXP_EXTRACT', 'First match (or group) of a Java-style regex', (ts) => {
  if (ts.length < 2 || ts.length > 3) return `Function 'regexp_extract' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.STRING,
    invoke: nullSafe((a) => {
      const m = new RegExp(String(a[0])).exec(String(a[1]));
      return m ? (m[a.length > 2 ? Number(a[2]) : 0] ?? null) : null;
    }),
  };
});
def('REGEXP_EXTRACT_ALL', 'All matches (or groups) of a regex', (ts) => {
  if (ts.length < 2 || ts.length > 3) return `Function 'regexp_extract_all' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.array(T.STRING),
    invoke: nullSafe((a) => [...String(a[1]).matchAll(new RegExp(String(a[0]), 'g'))].map((m) => m[a.length > 2 ? Number(a[2]) : 0] ?? null)),
  };
});
def('REGEXP_REPLACE', 'Replace every regex match', (ts) => {
  if (ts.length !== 3) return `Function 'regexp_replace' does not accept parameters (${sig(ts)}).`;
  return { returnType: T.STRING, invoke: nullSafe((a) => String(a[0]).replace(new RegExp(String(a[1]), 'g'), String(a[2]).replace(/\$(\d)/g, '$$$1'))) };
});
def('REGEXP_SPLIT_TO_ARRAY', 'Split on a regex', (ts) => {
  if (ts.length !== 2) return `Function 'regexp_split_to_array' does not accept parameters (${sig(ts)}).`;
  return { returnType: T.array(T.STRING), invoke: nullSafe((a) => String(a[0]).split(new RegExp(String(a[1])))) };
});
def('FROM_UNIXTIME', 'Epoch millis to timestamp (kept as BIGINT millis)', (ts) => {
  if (ts.length !== 1 || !isNumeric(ts[0]!)) return `Function 'from_unixtime' does not accept parameters (${sig(ts)}).`;
  return { returnType: T.BIGINT, invoke: nullSafe((a) => Number(a[0])) };
});

export { javaDouble, javaString };
