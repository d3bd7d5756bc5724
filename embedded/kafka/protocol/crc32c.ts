/**
 * CRC-32C (Castagnoli), as used by RecordBatch v2: reflected polynomial 0x82F63B78, init and final
 * xor 0xFFFFFFFF. NOT zlib's CRC-32. Slicing-by-8 tables: eight bytes per step, which matters because
 * the broker checks the CRC of every produced batch.
 *
 * crc32c(Buffer.from('123456789')) === 0xE3069283
 */

const POLY = 0x82f63b78;

/** T[k][b]: CRC contribution of byte b followed by k zero bytes. 8 tables × 256 entries. */
const T = new Int32Array(8 * 256);
for (let b = 0; b < 256; b++) {
  let c = b;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  T[b] = c;
}
for (let b = 0; b < 256; b++) {
  for (let k = 1; k < 8; k++) {
    const prev = T[(k - 1) * 256 + b]!;
    T[k * 256 + b] = (prev >>> 8) ^ T[prev & 0xff]!;
  }
}

/** Continues a CRC-32C over `buf[start, end)`; pass the previous result as `crc` to chain. */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length, crc = 0): number {
  let c = ~crc;
  let i = start;
  const fast = end - ((end - i) & 7);
  while (i < fast) {
    const a = c ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24));
    c =
      T[7 * 256 + (a & 0xff)]! ^
      T[6 * 256 + ((a >>> 8) & 0xff)]! ^
      T[5 * 256 + ((a >>> 16) & 0xff)]! ^
      T[4 * 256 + (a >>> 24)]! ^
      T[3 * 256 + buf[i + 4]!]! ^
      T[2 * 256 + buf[i + 5]!]! ^
      T[256 + buf[i + 6]!]! ^
      T[buf[i + 7]!]!;
    i += 8;
  }
  while (i < end) c = (c >>> 8) ^ T[(c ^ buf[i++]!) & 0xff]!;
  return ~c >>> 0;
}
