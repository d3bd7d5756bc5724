/**
 * Pinot's string functions (StringFunctions). Any argument is read as VARCHAR; the functions that build
 * strings (concat, repeat, replace, lpad, rpad, regexpReplace) are bounded by the broker's longest string.
 */
import { sumOfLengths } from '../string-limits.ts';
import { BOOLEAN, INT, STRING } from '../types.ts';
import { asVarchar } from '../typed.ts';
import type { ScalarFunction } from './function.ts';

/** Functions DuckDB has under the same name, one string in, one string out. */
const SAME_NAME = ['upper', 'lower', 'trim', 'ltrim', 'rtrim', 'reverse'].map((name): ScalarFunction => ({
  names: [name],
  arity: [1, 1],
  signature: `${name}(STRING) → STRING`,
  emit(call) {
    const [a] = call.typed();
    return call.make([a!], `${call.name}(${asVarchar(a!)})`, STRING);
  },
}));

export const STRING_FUNCTIONS: ScalarFunction[] = [
  ...SAME_NAME,
  {
    names: ['length'],
    arity: [1, 1],
    signature: 'length(STRING) → INT',
    emit(call) {
      const [a] = call.typed();
      return call.make([a!], `CAST(length(${asVarchar(a!)}) AS INTEGER)`, INT);
    },
  },
  {
    names: ['concat'],
    arity: [2, 3],
    signature: 'concat(STRING, STRING[, separator STRING]) → STRING',
    emit(call) {
      // concat(a, b) and concat(a, b, separator): a, separator, b
      const all = call.typed();
      const parts = all.length === 3 ? [all[0]!, all[2]!, all[1]!] : all;
      return call.make(all, call.bounded(parts.map(asVarchar), (refs) => sumOfLengths(refs), (refs) => `(${refs.join(' || ')})`), STRING);
    },
  },
  {
    names: ['concatws'],
    arity: [2, 20],
    signature: 'concatWS(separator STRING, STRING…) → STRING',
    emit(call) {
      const all = call.typed();
      const size = ([sep, ...rest]: string[]) => `${sumOfLengths(rest)} + ${rest.length - 1} * coalesce(length(${sep}), 0)`;
      return call.make(all, call.bounded(all.map(asVarchar), size, (refs) => `concat_ws(${refs.join(', ')})`), STRING);
    },
  },
  {
    names: ['repeat'],
    arity: [2, 3],
    signature: 'repeat(STRING[, separator STRING], times INT) → STRING',
    emit(call) {
      // repeat(s, times) and repeat(s, separator, times), as Apache Commons' StringUtils.repeat
      const all = call.typed();
      const times = `CAST(${all[all.length - 1]!.sql} AS BIGINT)`;
      const args = all.length === 3 ? [asVarchar(all[0]!), times, asVarchar(all[1]!)] : [asVarchar(all[0]!), times, "''"];
      const size = ([text, n, sep]: string[]) => `length(${text})::HUGEINT * greatest(${n}, 0) + length(${sep})::HUGEINT * greatest(${n} - 1, 0)`;
      const build = ([text, n, sep]: string[]) => `CASE WHEN ${n} <= 0 THEN '' ELSE repeat(${text} || ${sep}, ${n} - 1) || ${text} END`;
      return call.make(all, call.bounded(args, size, build), STRING);
    },
  },
  {
    names: ['substr'],
    arity: [2, 3],
    signature: 'substr(STRING, begin INT[, end INT]) → STRING',
    emit(call) {
      const all = call.typed();
      const [s, b, e] = all;
      // Java substring: 0-based begin, exclusive end; end -1 = to the end.
      const sql = e
        ? `(CASE WHEN CAST(${e.sql} AS BIGINT) = -1 THEN substring(${asVarchar(s!)}, CAST(${b!.sql} AS BIGINT) + 1) ELSE substring(${asVarchar(s!)}, CAST(${b!.sql} AS BIGINT) + 1, CAST(${e.sql} AS BIGINT) - CAST(${b!.sql} AS BIGINT)) END)`
        : `substring(${asVarchar(s!)}, CAST(${b!.sql} AS BIGINT) + 1)`;
      return call.make(all, sql, STRING);
    },
  },
  {
    names: ['substring'],
    arity: [2, 3],
    signature: 'substring(STRING, start INT[, length INT]) → STRING',
    emit(call) {
      const all = call.typed();
      const sql = all[2]
        ? `substring(${asVarchar(all[0]!)}, CAST(${all[1]!.sql} AS BIGINT), CAST(${all[2].sql} AS BIGINT))`
        : `substring(${asVarchar(all[0]!)}, CAST(${all[1]!.sql} AS BIGINT))`;
      return call.make(all, sql, STRING);
    },
  },
  {
    names: ['replace'],
    arity: [3, 3],
    signature: 'replace(STRING, search STRING, replacement STRING) → STRING',
    emit(call) {
      const all = call.typed();
      // at most the text plus the replacement once per occurrence of the search string
      const size = ([text, search, by]: string[]) =>
        `length(${text}) + CASE WHEN strlen(${search}) = 0 THEN 0 ELSE (strlen(${text}) - strlen(replace(${text}, ${search}, ''))) // strlen(${search}) * length(${by}) END`;
      return call.make(all, call.bounded(all.map(asVarchar), size, (refs) => `replace(${refs.join(', ')})`), STRING);
    },
  },
  ...['lpad', 'rpad'].map((name): ScalarFunction => ({
    names: [name],
    arity: [3, 3],
    signature: `${name}(STRING, size INT, pad STRING) → STRING`,
    emit(call) {
      const all = call.typed();
      const args = [asVarchar(all[0]!), `CAST(${all[1]!.sql} AS BIGINT)`, asVarchar(all[2]!)];
      return call.make(all, call.bounded(args, ([, size]) => `greatest(${size}, 0)`, ([text, size, pad]) => `${call.name}(${text}, CAST(${size} AS INTEGER), ${pad})`), STRING);
    },
  })),
  {
    names: ['strpos', 'indexof'],
    arity: [2, 3],
    signature: 'strpos(STRING, search STRING[, instance INT]) → INT (0-based, -1 when absent)',
    emit(call) {
      const all = call.typed();
      return call.make(all, `CAST(strpos(${asVarchar(all[0]!)}, ${asVarchar(all[1]!)}) - 1 AS INTEGER)`, INT);
    },
  },
  ...([['startswith', 'starts_with'], ['endswith', 'ends_with'], ['contains', 'contains']] as const).map(([name, duckdb]): ScalarFunction => ({
    names: [name],
    arity: [2, 2],
    signature: `${name}(STRING, STRING) → BOOLEAN`,
    emit(call) {
      const all = call.typed();
      return call.make(all, `${duckdb}(${asVarchar(all[0]!)}, ${asVarchar(all[1]!)})`, BOOLEAN);
    },
  })),
  {
    names: ['regexplike'],
    arity: [2, 3],
    signature: 'regexpLike(STRING, pattern STRING[, flags STRING]) → BOOLEAN',
    emit(call) {
      const all = call.typed();
      return call.make(all, `regexp_matches(${asVarchar(all[0]!)}, ${asVarchar(all[1]!)})`, BOOLEAN);
    },
  },
  {
    names: ['regexpextract'],
    arity: [2, 4],
    signature: 'regexpExtract(STRING, pattern STRING[, group INT[, default STRING]]) → STRING',
    emit(call) {
      const all = call.typed();
      const group = all[2] ? `CAST(${all[2].sql} AS INTEGER)` : '0';
      let sql = `regexp_extract(${asVarchar(all[0]!)}, ${asVarchar(all[1]!)}, ${group})`;
      if (all[3]) sql = `COALESCE(NULLIF(${sql}, ''), ${asVarchar(all[3])})`;
      return call.make(all, sql, STRING);
    },
  },
  {
    names: ['regexpreplace'],
    arity: [3, 6],
    signature: 'regexpReplace(STRING, pattern STRING, replacement STRING[, start, occurrence, flags]) → STRING',
    emit(call) {
      const all = call.typed();
      // the text, the replacement once per match, and each back reference (\0-\9) at most the whole text again
      const size = ([text, pattern, by]: string[]) =>
        `length(${text}) + len(regexp_extract_all(${text}, ${pattern})) * length(${by}) + length(${text}) * len(regexp_extract_all(${by}, '\\\\[0-9]'))`;
      return call.make(all, call.bounded(all.slice(0, 3).map(asVarchar), size, ([text, pattern, by]) => `regexp_replace(${text}, ${pattern}, ${by}, 'g')`), STRING);
    },
  },
];
