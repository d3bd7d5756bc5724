/**
 * Pinot's string functions (StringFunctions). Any argument is read as VARCHAR; the functions that build
 * strings (concat, repeat, replace, lpad, rpad, regexpReplace) are bounded by the broker's longest string.
 */
import { sumOfLengths } from '../string-limits.ts';
import { BOOLEAN, INT, STRING } from '../types.ts';
import { asVarchar, type Typed } from '../typed.ts';
import type { ScalarFunction } from './function.ts';

/** Functions DuckDB has under the same name, one string in, one string out. */
const SAME_NAME = ['upper', 'lower', 'trim', 'ltrim', 'rtrim', 'reverse'].map(
  (name): ScalarFunction => ({
    names: [name],
    arity: [1, 1],
    signature: `${name}(STRING) → STRING`,
    emit(call) {
      const [a] = call.typed();
      // Calcite expands TRIM(x) to TRIM(BOTH ' ' FROM x): Pinot names the column trim('BOTH',' ',x).
      const nameArgs = call.name === 'trim' ? ["'BOTH'", "' '", a!.name] : undefined;
      return call.make([a!], `${call.name}(${asVarchar(a!)})`, STRING, nameArgs);
    },
  }),
);

/** How a string-building function makes its result from its arguments' SQL (all as VARCHAR unless `args` says otherwise). */
interface Building {
  args?: (all: Typed[]) => string[];
  /** SQL of the most characters the result can have, over references to the arguments. */
  size: (refs: string[]) => string;
  build: (refs: string[]) => string;
}

/** A function that builds a string, refused past the broker's longest string before it builds it. */
function building(names: string[], arity: [number, number], signature: string, how: Building): ScalarFunction {
  return {
    names,
    arity,
    signature,
    emit(call) {
      const all = call.typed();
      const args = how.args ? how.args(all) : all.map(asVarchar);
      return call.make(all, call.bounded(args, how.size, how.build), STRING);
    },
  };
}

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
  building(['concat'], [2, 3], 'concat(STRING, STRING[, separator STRING]) → STRING', {
    // concat(a, b) and concat(a, b, separator): a, separator, b
    args: (all) => (all.length === 3 ? [all[0]!, all[2]!, all[1]!] : all).map(asVarchar),
    size: (refs) => sumOfLengths(refs),
    build: (refs) => `(${refs.join(' || ')})`,
  }),
  building(['concatws'], [2, 20], 'concatWS(separator STRING, STRING…) → STRING', {
    size: ([sep, ...rest]) => `${sumOfLengths(rest)} + ${rest.length - 1} * coalesce(length(${sep}), 0)`,
    build: (refs) => `concat_ws(${refs.join(', ')})`,
  }),
  building(['repeat'], [2, 3], 'repeat(STRING[, separator STRING], times INT) → STRING', {
    // repeat(s, times) and repeat(s, separator, times), as Apache Commons' StringUtils.repeat
    args: (all) => {
      const times = `CAST(${all[all.length - 1]!.sql} AS BIGINT)`;
      return all.length === 3 ? [asVarchar(all[0]!), times, asVarchar(all[1]!)] : [asVarchar(all[0]!), times, "''"];
    },
    size: ([text, n, sep]) => `length(${text})::HUGEINT * greatest(${n}, 0) + length(${sep})::HUGEINT * greatest(${n} - 1, 0)`,
    build: ([text, n, sep]) => `CASE WHEN ${n} <= 0 THEN '' ELSE repeat(${text} || ${sep}, ${n} - 1) || ${text} END`,
  }),
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
  building(['replace'], [3, 3], 'replace(STRING, search STRING, replacement STRING) → STRING', {
    // at most the text plus the replacement once per occurrence of the search string
    size: ([text, search, by]) =>
      `length(${text}) + CASE WHEN strlen(${search}) = 0 THEN 0 ELSE (strlen(${text}) - strlen(replace(${text}, ${search}, ''))) // strlen(${search}) * length(${by}) END`,
    build: (refs) => `replace(${refs.join(', ')})`,
  }),
  ...['lpad', 'rpad'].map((name) =>
    building([name], [3, 3], `${name}(STRING, size INT, pad STRING) → STRING`, {
      args: (all) => [asVarchar(all[0]!), `CAST(${all[1]!.sql} AS BIGINT)`, asVarchar(all[2]!)],
      size: ([, size]) => `greatest(${size}, 0)`,
      // As Apache Commons' StringUtils.leftPad/rightPad: a string already as long as the size is returned
      // unchanged (not truncated), and an empty pad pads with spaces.
      build: ([text, size, pad]) =>
        `CASE WHEN length(${text}) >= ${size} THEN ${text} ELSE ${name}(${text}, CAST(${size} AS INTEGER), CASE WHEN ${pad} = '' THEN ' ' ELSE ${pad} END) END`,
    }),
  ),
  {
    names: ['strpos', 'indexof'],
    arity: [2, 3],
    signature: 'strpos(STRING, search STRING[, instance INT]) → INT (0-based, -1 when absent)',
    emit(call) {
      const all = call.typed();
      return call.make(all, `CAST(strpos(${asVarchar(all[0]!)}, ${asVarchar(all[1]!)}) - 1 AS INTEGER)`, INT);
    },
  },
  ...(
    [
      ['startswith', 'starts_with'],
      ['endswith', 'ends_with'],
      ['contains', 'contains'],
    ] as const
  ).map(
    ([name, duckdb]): ScalarFunction => ({
      names: [name],
      arity: [2, 2],
      signature: `${name}(STRING, STRING) → BOOLEAN`,
      emit(call) {
        const all = call.typed();
        return call.make(all, `${duckdb}(${asVarchar(all[0]!)}, ${asVarchar(all[1]!)})`, BOOLEAN);
      },
    }),
  ),
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
  building(['regexpreplace'], [3, 6], 'regexpReplace(STRING, pattern STRING, replacement STRING[, start, occurrence, flags]) → STRING', {
    args: (all) => all.slice(0, 3).map(asVarchar),
    // the text, the replacement once per match, and each back reference (\0-\9) at most the whole text again
    size: ([text, pattern, by]) =>
      `length(${text}) + len(regexp_extract_all(${text}, ${pattern})) * length(${by}) + length(${text}) * len(regexp_extract_all(${by}, '\\\\[0-9]'))`,
    build: ([text, pattern, by]) => `regexp_replace(${text}, ${pattern}, ${by}, 'g')`,
  }),
];
