/**
 * Kafka's default partitioner for keyed records (Java clients' and kafkajs's): Java's `Utils.murmur2`
 * of the key bytes, made positive, modulo the partition count. Connect's worker and ksqlDB's record
 * writer place records themselves with it, so keys land where any other client would put them.
 *
 * murmur2 is in 32-bit integer arithmetic: the same value as kafkajs's implementation, which emulates
 * 64-bit longs and is an order of magnitude slower.
 */
const SEED = 0x9747b28c;
const M = 0x5bd1e995;

export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const length4 = length >> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) h ^= data[tail + 2]! << 16;
    if (rest >= 2) h ^= data[tail + 1]! << 8;
    h ^= data[tail]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h;
}

/** The partition a Java client or kafkajs chooses for a record with this key. */
export function partitionFor(key: Uint8Array, numPartitions: number): number {
  return (murmur2(key) & 0x7fffffff) % numPartitions;
}
