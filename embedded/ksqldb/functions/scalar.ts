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
/** Offset of a zone (fixed '+05:30' style or IANA name) from UTC at an instant, in minutes. */
export function zoneOffsetMinutes(ms: number, tz: string): number {
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?$/.exec(tz);
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
  if (tz === 'UTC' || tz === 'GMT' || tz === 'Z') return 0;
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

function zoneShortName(ms: number, tz: string): string {
  if (/^(UTC|GMT|Z)$/.test(tz)) return 'UTC';
  try {
    const name = (locale: string) => new Intl.DateTimeFormat(locale, { timeZone: tz, timeZoneName: 'short' }).formatToParts(new Date(ms)).find((x) => x.type === 'timeZoneName')?.value;
    const us = name('en-US') ?? tz;
    if (!us.startsWith('GMT')) return us;
    const gb = name('en-GB');
    return gb && !gb.startsWith('GMT') ? gb : us;
  } catch {
    return tz;
  }
}

export function formatTimestamp(ms: number, pattern: string, tz = 'UTC'): string {
  const offsetMin = zoneOffsetMinutes(ms, tz);
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
    z: () => zoneShortName(ms, tz),
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

/**
 * The field checks of java.time's SMART resolver, which ksqlDB's date parsing uses: a field out of its
 * range is an error (month 13, day 0 or 32, hour 25), a day past the month's end becomes its last day
 * (2017-02-30 is 2017-02-28), and 24:00:00 is midnight of the next day.
 */
function checkSmartRanges(text: string, fields: Record<string, number>): void {
  const ranges: [string, string, number, number][] = [['M', 'MonthOfYear', 1, 12], ['d', 'DayOfMonth', 1, 31], ['H', 'HourOfDay', 0, 24], ['m', 'MinuteOfHour', 0, 59], ['s', 'SecondOfMinute', 0, 59]];
  for (const [key, name, min, max] of ranges) {
    const value = fields[key]!;
    if (value < min || value > max) throw new Error(`Text '${text}' could not be parsed: Invalid value for ${name} (valid values ${min} - ${max}): ${value}`);
  }
  if (fields.H === 24 && (fields.m !== 0 || fields.s !== 0 || fields.S !== 0)) throw new Error(`Text '${text}' could not be parsed: Invalid value for HourOfDay (valid values 0 - 23): 24`);
  fields.d = Math.min(fields.d!, new Date(Date.UTC(fields.y!, fields.M!, 0)).getUTCDate());
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
      // java.time widths: 'yy' two digits (2000-2099), other years at least n digits (up to 19 unless a
      // number follows at once), a single letter 1+ digits, a repeated one exactly n digits.
      const following = pattern[i + n];
      const adjacent = following !== undefined && 'yMdHhmsS'.includes(following);
      const [min, max] = c === 'y' ? (n === 2 ? [2, 2] : [n, adjacent ? n : 19]) : n === 1 ? [1, adjacent ? 1 : 10] : [n, n];
      const mm = new RegExp(`^\\d{${min},${max}}`).exec(text.slice(ti));
      if (!mm) throw new Error(`Text '${text}' could not be parsed at index ${ti}`);
      const value = Number(c === 'S' ? mm[0].padEnd(3, '0').slice(0, 3) : mm[0]);
      fields[c === 'h' ? 'H' : c] = c === 'y' && n === 2 ? 2000 + value : value;
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
  checkSmartRanges(text, fields);
  const local = Date.UTC(fields.y!, fields.M! - 1, fields.d, fields.H, fields.m, fields.s, fields.S);
  if (offsetMin === undefined) offsetMin = zoneOffsetMinutes(local - zoneOffsetMinutes(local, tz) * 60_000, tz);
  return local - offsetMin * 60_000;
}

def('UNIX_TIMESTAMP', 'Current epoch millis', (ts) => (ts.length ? "Function 'unix_timestamp' takes no arguments" : { returnType: T.BIGINT, invoke: () => Date.now() }));
def(['TIMESTAMPTOSTRING', 'FORMAT_TIMESTAMP'], 'Format epoch millis', (ts) => {
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
    // ksqlDB: a base that is not positive, or is 1, gives NaN (log(0) would make 0 or -0 a result)
    invoke: nullSafe((a) => {
      if (a.length === 1) return Math.log(Number(a[0]));
      const base = Number(a[0]);
      return base <= 0 || base === 1 ? NaN : Math.log(Number(a[1])) / Math.log(base);
    }),
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

// ---- arrays ----
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const distinct = (xs: unknown[]) => xs.filter((x, i) => xs.findIndex((y) => same(x, y)) === i);
function arrFn(name: string, desc: string, arity: number, ret: (ts: SqlType[]) => SqlType, f: (a: unknown[]) => unknown, nullIfAnyNull = true): void {
  def(name, desc, (ts) => {
    if (ts.length !== arity || ts[0]!.base !== 'ARRAY') return `Function '${name.toLowerCase()}' does not accept parameters (${sig(ts)}).`;
    return { returnType: ret(ts), invoke: nullIfAnyNull ? nullSafe(f) : f };
  });
}
const arrType = (ts: SqlType[]) => ts[0]!;
const itemType = (ts: SqlType[]) => ts[0]!.item ?? T.STRING;
arrFn('ARRAY_DISTINCT', 'Distinct elements', 1, arrType, (a) => distinct(a[0] as unknown[]));
arrFn('ARRAY_MAX', 'Largest non-null element', 1, itemType, (a) => (a[0] as unknown[]).filter((x) => x !== null).reduce((m: unknown, x) => (m === undefined || (x as number) > (m as number) ? x : m), undefined) ?? null);
arrFn('ARRAY_MIN', 'Smallest non-null element', 1, itemType, (a) => (a[0] as unknown[]).filter((x) => x !== null).reduce((m: unknown, x) => (m === undefined || (x as number) < (m as number) ? x : m), undefined) ?? null);
arrFn('ARRAY_CONTAINS', 'Whether the array holds the value', 2, () => T.BOOLEAN, (a) => (a[0] === null ? false : (a[0] as unknown[]).some((x) => same(x, a[1]))), false);
arrFn('ARRAY_POSITION', '1-based position of a value, 0 if absent', 2, () => T.INTEGER, (a) => (a[0] === null ? 0 : (a[0] as unknown[]).findIndex((x) => same(x, a[1])) + 1), false);
arrFn('ARRAY_REMOVE', 'Remove every occurrence of a value', 2, arrType, (a) => (a[0] === null ? null : (a[0] as unknown[]).filter((x) => !same(x, a[1]))), false);
arrFn('ARRAY_UNION', 'Distinct union', 2, arrType, (a) => distinct([...(a[0] as unknown[]), ...(a[1] as unknown[])]));
arrFn('ARRAY_INTERSECT', 'Distinct intersection', 2, arrType, (a) => distinct((a[0] as unknown[]).filter((x) => (a[1] as unknown[]).some((y) => same(x, y)))));
arrFn('ARRAY_EXCEPT', 'Distinct elements of the first not in the second', 2, arrType, (a) => distinct((a[0] as unknown[]).filter((x) => !(a[1] as unknown[]).some((y) => same(x, y)))));
arrFn('ARRAY_CONCAT', 'Concatenate two arrays', 2, arrType, (a) => (a[0] === null && a[1] === null ? null : [...((a[0] as unknown[]) ?? []), ...((a[1] as unknown[]) ?? [])]), false);
def('ARRAY_JOIN', 'Join elements into a string', (ts) => {
  if (ts.length < 1 || ts.length > 2 || ts[0]!.base !== 'ARRAY') return `Function 'array_join' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.STRING,
    invoke: (a) => (a[0] === null ? null : (a[0] as unknown[]).map((x) => (x === null ? 'null' : javaString(x, typeof x === 'number' && !Number.isInteger(x) ? 'DOUBLE' : ''))).join(a.length > 1 ? String(a[1] ?? '') : ',')),
  };
});
def('ARRAY_SORT', 'Sort ascending (or DESC)', (ts) => {
  if (ts.length < 1 || ts.length > 2 || ts[0]!.base !== 'ARRAY') return `Function 'array_sort' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: ts[0]!,
    invoke: (a) => {
      if (a[0] === null) return null;
      const desc = a.length > 1 && String(a[1]).toUpperCase() === 'DESC';
      const vals = (a[0] as unknown[]).filter((x) => x !== null).sort((x, y) => ((x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0));
      if (desc) vals.reverse();
      const nulls = (a[0] as unknown[]).filter((x) => x === null);
      return [...vals, ...nulls];
    },
  };
});
def('SLICE', 'Sub-array from a 1-based start to an end (inclusive)', (ts) => {
  if (ts.length !== 3 || ts[0]!.base !== 'ARRAY') return `Function 'slice' does not accept parameters (${sig(ts)}).`;
  return { returnType: ts[0]!, invoke: (a) => (a[0] === null ? null : (a[0] as unknown[]).slice(a[1] === null ? 0 : Number(a[1]) - 1, a[2] === null ? undefined : Number(a[2]))) };
});
def('GENERATE_SERIES', 'Array of numbers from start to end (inclusive) by step', (ts) => {
  if (ts.length < 2 || ts.length > 3 || !ts.every(isNumeric)) return `Function 'generate_series' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.array(widen(ts[0]!, ts[1]!)),
    invoke: nullSafe((a) => {
      const from = Number(a[0]);
      const to = Number(a[1]);
      const step = a.length > 2 ? Number(a[2]) : from <= to ? 1 : -1;
      if (step === 0 || (to - from) * step < 0) throw new Error('GENERATE_SERIES step has the wrong sign');
      const out: number[] = [];
      for (let v = from; step > 0 ? v <= to : v >= to; v += step) out.push(v);
      return out;
    }),
  };
});

// ---- JSON and URL text ----
def('TO_JSON_STRING', 'The value as JSON text', (ts) => {
  if (ts.length !== 1) return `Function 'to_json_string' does not accept parameters (${sig(ts)}).`;
  return { returnType: T.STRING, invoke: (a) => JSON.stringify(a[0] ?? null) };
});
def('EXTRACTJSONFIELD', 'A field of a JSON string, by $.path', (ts) => {
  if (ts.length !== 2) return `Function 'extractjsonfield' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.STRING,
    invoke: nullSafe((a) => {
      let v: unknown = JSON.parse(String(a[0]));
      for (const part of String(a[1]).replace(/^\$\.?/, '').split(/\.|\[(\d+)\]/).filter((x) => x !== undefined && x !== '')) {
        if (v === null || typeof v !== 'object') return null;
        v = (v as Record<string, unknown>)[part];
      }
      if (v === undefined || v === null) return null;
      return typeof v === 'string' ? v : JSON.stringify(v);
    }),
  };
});
const urlPart = (name: string, f: (u: URL, arg?: string) => string | null) =>
  def(name, `${name.toLowerCase()} of a URL`, (ts) => {
    if (ts.length < 1 || ts.length > 2) return `Function '${name.toLowerCase()}' does not accept parameters (${sig(ts)}).`;
    return {
      returnType: name === 'URL_EXTRACT_PORT' ? T.INTEGER : T.STRING,
      invoke: nullSafe((a) => {
        let u: URL;
        try {
          u = new URL(String(a[0]));
        } catch {
          return null;
        }
        const r = f(u, a[1] === undefined ? undefined : String(a[1]));
        return name === 'URL_EXTRACT_PORT' ? (r ? Number(r) : null) : r;
      }),
    };
  });
urlPart('URL_EXTRACT_HOST', (u) => u.hostname || null);
urlPart('URL_EXTRACT_PATH', (u) => decodeURIComponent(u.pathname) || null);
urlPart('URL_EXTRACT_PORT', (u) => u.port || null);
urlPart('URL_EXTRACT_PROTOCOL', (u) => u.protocol.replace(/:$/, '') || null);
urlPart('URL_EXTRACT_QUERY', (u) => (u.search ? decodeURIComponent(u.search.slice(1)) : null));
urlPart('URL_EXTRACT_FRAGMENT', (u) => (u.hash ? decodeURIComponent(u.hash.slice(1)) : null));
urlPart('URL_EXTRACT_PARAMETER', (u, p) => (p === undefined ? null : u.searchParams.get(p)));
strFn('URL_ENCODE_PARAM', 'application/x-www-form-urlencoded encoding', 1, (a) => new URLSearchParams({ x: String(a[0]) }).toString().slice(2));
strFn('URL_DECODE_PARAM', 'application/x-www-form-urlencoded decoding', 1, (a) => decodeURIComponent(String(a[0]).replace(/\+/g, ' ')));

export { javaDouble, javaString };
