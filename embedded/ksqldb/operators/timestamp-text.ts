// TIMESTAMP_FORMAT: a source's or sink's timestamp column given as text in a Java pattern.
import { parseTimestamp } from '../functions/date.ts';

/** Reads the text as epoch millis (UTC unless the text has a zone); undefined when it does not parse. No format: undefined. */
export function timestampReader(format: string | undefined): ((text: string) => number | undefined) | undefined {
  if (format === undefined) return undefined;
  return (text) => {
    try {
      return parseTimestamp(text, format);
    } catch {
      return undefined;
    }
  };
}
