// The iteration order of a java.util.HashMap with String keys, so a MAP read from JSON iterates (in
// REDUCE, TRANSFORM, MAP_KEYS ...) and is written in the order ksqlDB's HashMap gives.

/** Java's String.hashCode (UTF-16 code units), spread as HashMap.hash does. */
function spreadHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** HashMap.tableSizeFor: the power of two at or above n. */
function tableSizeFor(n: number): number {
  let size = 1;
  while (size < n) size *= 2;
  return size;
}

/**
 * Keys in the order of a HashMap created with `new HashMap<>(expectedSize)` and filled in the given
 * order: by bucket (hash & (table size - 1)), then by insertion within a bucket. The table grows
 * (doubling, order kept within buckets) while the size exceeds 0.75 of it.
 */
export function javaHashMapOrder(keys: string[], expectedSize = keys.length): string[] {
  let n = tableSizeFor(Math.max(expectedSize, 1));
  while (keys.length > 0.75 * n) n *= 2;
  const mask = n - 1;
  return keys
    .map((k, i) => ({ k, i, b: spreadHash(k) & mask }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((x) => x.k);
}
