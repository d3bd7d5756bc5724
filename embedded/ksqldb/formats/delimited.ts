// DELIMITED format: one CSV line, columns in order, empty field = null.
import { javaDouble } from '../expr/javaText.ts';
import { coerce, SerdeError, type Format } from './format.ts';

/** Apache Commons CSV QuoteMode.MINIMAL, as used by ksqlDB's DELIMITED serializer. */
function quote(s: string, delim: string, first: boolean): string {
  let q = false;
  if (s.length === 0) q = false;
  else {
    const c = s.charCodeAt(0);
    if (first && !/[0-9A-Za-z]/.test(s[0]!)) q = true;
    else if (c <= 0x23) q = true;
    else if (s.includes(delim) || s.includes('"') || s.includes('\n') || s.includes('\r')) q = true;
    else if (s.charCodeAt(s.length - 1) <= 0x20) q = true;
  }
  return q ? '"' + s.replace(/"/g, '""') + '"' : s;
}

export function parseCsvLine(line: string, delim = ','): string[] {
  const out: string[] = [];
  let i = 0;
  let cur = '';
  let quoted = false;
  for (;;) {
    if (i >= line.length) {
      out.push(cur);
      return out;
    }
    const c = line[i]!;
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      cur += c;
      i++;
      continue;
    }
    if (c === '"' && cur === '') {
      quoted = true;
      i++;
      continue;
    }
    if (c === delim) {
      out.push(cur);
      cur = '';
      i++;
      continue;
    }
    cur += c;
    i++;
  }
}

export function makeDelimited(delim = ','): Format {
  return {
    name: 'DELIMITED',
    validate(cols) {
      const bad = cols.find((c) => ['ARRAY', 'MAP', 'STRUCT'].includes(c.type.base));
      return bad ? `The 'DELIMITED' format does not support type '${bad.type.base}', column: \`${bad.name}\`` : undefined;
    },
    serialize(values, cols) {
      return Buffer.from(
        cols
          .map((c, i) => {
            const v = values[i];
            if (v === null || v === undefined) return '';
            return quote(c.type.base === 'DOUBLE' ? javaDouble(v as number) : String(v), delim, i === 0);
          })
          .join(delim),
        'utf8',
      );
    },
    deserialize(data, cols) {
      const text = data.toString('utf8');
      const fields = parseCsvLine(text, delim);
      if (fields.length !== cols.length) {
        throw new SerdeError(`Unexpected field count, csvFields:${fields.length} schemaFields:${cols.length}`);
      }
      return cols.map((c, i) => {
        const f = fields[i]!;
        if (f === '') return null;
        if (c.type.base === 'BOOLEAN' && !/^(true|false)$/i.test(f)) throw new SerdeError(`Invalid BOOLEAN value: ${f}`);
        if ((c.type.base === 'INTEGER' || c.type.base === 'BIGINT') && !/^[-+]?\d+$/.test(f)) throw new SerdeError(`For input string: "${f}"`);
        return coerce(f, c);
      });
    },
  };
}

export const DelimitedFormat = makeDelimited(',');
