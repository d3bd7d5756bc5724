// String functions: case, trimming, padding, searching, splitting, regular expressions.
import { T, isNumeric } from '../types.ts';
import { def, nullSafe, sig, strFn } from './registry.ts';

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
strFn('INITCAP', 'Capitalise words', 1, (a) =>
  String(a[0])
    .toLowerCase()
    .replace(/(^|\s)(\S)/g, (_m, s: string, c: string) => s + c.toUpperCase()),
);
strFn('REVERSE', 'Reverse a string', 1, (a) => [...String(a[0])].reverse().join(''));

def('CONCAT', 'Concatenate strings; nulls are skipped', (ts) => {
  if (ts.length < 1 || ts.some((t) => t.base !== 'STRING' && t.base !== 'NULL')) return `Function 'concat' does not accept parameters (${sig(ts)}).`;
  return { returnType: T.STRING, invoke: (a) => a.filter((x) => x !== null && x !== undefined).join('') };
});
def('CONCAT_WS', 'Concatenate with a separator', (ts) => {
  if (ts.length < 2) return `Function 'concat_ws' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.STRING,
    invoke: (a) =>
      a[0] === null
        ? null
        : a
            .slice(1)
            .filter((x) => x !== null && x !== undefined)
            .join(String(a[0])),
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
for (const [name, left] of [
  ['LPAD', true],
  ['RPAD', false],
] as const) {
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
  return {
    returnType: T.array(T.STRING),
    invoke: nullSafe((a) => (a[1] === '' ? (a[0] === '' ? [''] : [...String(a[0])]) : String(a[0]).split(String(a[1])))),
  };
});
def('CHR', 'Character for a code point (number or \\uXXXX string)', (ts) => {
  if (ts.length !== 1) return `Function 'chr' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.STRING,
    invoke: nullSafe((a) => {
      const v = a[0];
      if (typeof v === 'number') return v >= 0 && v <= 0x10ffff ? String.fromCodePoint(v) : null;
      // a string starting "\\u" of at least 6 characters is unescaped as Java text (so a surrogate
      // pair "\\ud820\\udeb8" gives one character); anything else is null
      const text = String(v);
      return text.length >= 6 && text.startsWith('\\u') ? unescapeJava(text) : null;
    }),
  };
});
def('ELT', 'The n-th (1-based) of the remaining arguments', (ts) => {
  if (ts.length < 1 || !isNumeric(ts[0]!)) return `Function 'elt' does not accept parameters (${sig(ts)}).`;
  return { returnType: T.STRING, invoke: (a) => (a[0] === null ? null : ((a[Number(a[0])] as string | undefined) ?? null)) };
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
  return { returnType: T.array(T.STRING), invoke: nullSafe((a) => regexpSplit(String(a[0]), String(a[1]))) };
});

/**
 * Splits as ksqlDB's REGEXP_SPLIT_TO_ARRAY: by a pattern that cannot match the empty string, every piece
 * (empty ones too, as Guava's Splitter); by one that can, as Java's String.split (no leading piece for
 * a match at the start, trailing empty pieces dropped). Captured groups are never pieces (JS split
 * would insert them).
 */
function regexpSplit(s: string, pattern: string): string[] {
  const re = new RegExp(pattern, 'g');
  const javaSplit = pattern === '' || re.test('');
  re.lastIndex = 0;
  const pieces: string[] = [];
  let from = 0;
  for (const m of s.matchAll(re)) {
    if (m[0] === '' && (m.index === 0 || m.index >= s.length)) continue;
    pieces.push(s.slice(from, m.index));
    from = m.index + m[0].length;
  }
  pieces.push(s.slice(from));
  if (javaSplit) while (pieces.length > 1 && pieces[pieces.length - 1] === '') pieces.pop();
  return pieces;
}

const JAVA_ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', "'": "'", '\\': '\\' };

/** Java-style unescaping (commons-text's unescapeJava): \uXXXX, octal and one-letter escapes. */
function unescapeJava(text: string): string {
  return text.replace(/\\(u+[0-9a-fA-F]{4}|[0-7]{1,3}|.)/gs, (all, e: string) => {
    if (e[0] === 'u') return String.fromCharCode(parseInt(e.replace(/^u+/, ''), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    if (e in JAVA_ESCAPES) return JAVA_ESCAPES[e]!;
    if (e === 'u') throw new Error(`Unable to parse unicode value: ${all}`);
    return e;
  });
}
