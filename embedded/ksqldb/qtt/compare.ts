// Expected-vs-actual record comparison following ksqlDB's ExpectedRecordComparator.
import { Decimal } from '../expr/decimal.ts';

export function valuesMatch(expected: unknown, actual: unknown): boolean {
  if (expected === null || expected === undefined) return actual === null || actual === undefined;
  if (actual === null || actual === undefined) return false;
  if (actual instanceof Decimal) {
    // a DECIMAL: an expected text by its exact value, an expected number as any number
    if (typeof expected === 'string') return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(expected.trim()) && Decimal.parse(expected).compareTo(actual) === 0;
    return valuesMatch(expected, actual.toNumber());
  }
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return false;
    if (Number.isInteger(expected) && Number.isInteger(actual)) return expected === actual;
    return Math.abs(expected - actual) < 1e-6 || expected === actual;
  }
  if (typeof expected === 'string' || typeof expected === 'boolean') return expected === actual;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return false;
    return expected.every((e, i) => valuesMatch(e, actual[i]));
  }
  if (typeof expected === 'object') {
    if (typeof actual !== 'object' || Array.isArray(actual)) return false;
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    if (Object.keys(e).length !== Object.keys(a).length) return false;
    // as ksqlDB's comparator: the field by its name, else by its upper-cased name; a field the actual
    // record lacks reads as null (so an expected null matches it), the field counts being equal
    for (const [k, v] of Object.entries(e)) {
      const av = a[k] ?? a[k.toUpperCase()];
      if (!valuesMatch(v, av)) return false;
    }
    return true;
  }
  return false;
}

export interface ComparableRecord {
  key?: unknown;
  value?: unknown;
  timestamp?: number;
  /** as the QTT files write them: VALUE in base64; absent = none */
  headers?: { KEY: string; VALUE: string | null }[];
  window?: { start: number; end: number; type?: string } | null;
}

/** Returns a description of the first mismatch, or undefined. */
export function recordMismatch(expected: ComparableRecord, actual: ComparableRecord): string | undefined {
  if (!valuesMatch(expected.key ?? null, actual.key ?? null)) return 'key';
  if (!valuesMatch(expected.value ?? null, actual.value ?? null)) return 'value';
  if (expected.timestamp !== undefined && expected.timestamp !== actual.timestamp) return 'timestamp';
  // as ksqlDB's runner: the headers always, absent meaning none
  const eh = expected.headers ?? [];
  const ah = actual.headers ?? [];
  if (eh.length !== ah.length || eh.some((h, i) => h.KEY !== ah[i]!.KEY || (h.VALUE ?? null) !== (ah[i]!.VALUE ?? null))) return 'headers';
  const ew = expected.window ?? null;
  const aw = actual.window ?? null;
  if (ew || aw) {
    if (!ew || !aw || ew.start !== aw.start || ew.end !== aw.end) return 'window';
    if (ew.type && aw.type && ew.type.toLowerCase() !== aw.type.toLowerCase()) return 'window type';
  }
  return undefined;
}
