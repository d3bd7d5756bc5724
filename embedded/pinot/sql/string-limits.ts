/**
 * The bound on strings a query may build: string functions (lpad, repeat, concat, replace …) check the
 * size of their result before building it, so a query cannot make DuckDB allocate without limit.
 */
import { quoteIdent, quoteString } from '../db.ts';
import { QueryError } from '../errors.ts';
import type { Scope } from './typed.ts';

/** The longest string a query may build, in characters, unless the broker is told otherwise. */
export const DEFAULT_MAX_STRING_LENGTH = 16_384;

/** The start of the error a refused string raises in DuckDB; what follows is the detail for Pinot's 245. */
export const STRING_LIMIT_MARK = 'string limit: ';

export interface TranslateLimits {
  /** The longest string lpad, rpad, repeat, concat, replace … may build; past it the query fails (245). */
  maxStringLength?: number;
}

/** SQL of the summed lengths of several strings, a NULL counting 0. */
export function sumOfLengths(refs: string[]): string {
  return refs.map((r) => `coalesce(length(${r}), 0)`).join(' + ');
}

/**
 * A string function that builds its result, bounded: `build` runs only when `size`, the most characters
 * the result can have, is within the broker's maximum; past it the query fails (Pinot's 245) before
 * anything is built. Both see the arguments as references to values computed once (a one-element
 * list_transform binds them), so nesting these calls never evaluates an argument twice.
 */
export function boundedString(fn: string, args: string[], size: (refs: string[]) => string, build: (refs: string[]) => string, scope: Scope): string {
  const bound = quoteIdent('pinot_args');
  const refs = args.map((_, i) => `${bound}.${quoteIdent(`a${i}`)}`);
  const fields = args.map((sql, i) => `${quoteString(`a${i}`)}: ${sql}`).join(', ');
  const need = `(${size(refs)})`;
  const max = scope.maxStringLength;
  const error = `error(${quoteString(`${STRING_LIMIT_MARK}${fn} would build a string of `)} || ${need} || ${quoteString(` characters, more than the broker's maximum of ${max}`)})`;
  return `list_transform([{${fields}}], ${bound} -> CASE WHEN ${need} > ${max} THEN ${error} ELSE ${build(refs)} END)[1]`;
}

/** A date-time pattern whose every row could print past the string limit (a letter prints at most 16 characters). */
export function checkPatternSize(fn: string, pattern: string, scope: Scope): void {
  if (pattern.length * 16 > scope.maxStringLength) {
    throw new QueryError(
      'SERVER_RESOURCE_LIMIT_EXCEEDED',
      `${fn} pattern of ${pattern.length} characters could print more than the broker's maximum string of ${scope.maxStringLength}`,
    );
  }
}
