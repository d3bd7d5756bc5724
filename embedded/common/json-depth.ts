/**
 * Jackson (which the real Connect, ksqlDB and Pinot parse with) refuses documents nested deeper than
 * 1000 levels. Checking the text before JSON.parse keeps a hostile body from overflowing the stack of
 * whatever walks the parsed value afterwards.
 */
export const MAX_JSON_DEPTH = 1000;

/** The deepest nesting of arrays/objects in a JSON text (strings skipped), stopping once past `limit`. */
export function jsonDepthExceeds(text: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return false;
}
