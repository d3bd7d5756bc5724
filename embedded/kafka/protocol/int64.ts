/**
 * INT64 fields as JS numbers. Offsets, timestamps and producer ids all fit in 2^53, so this avoids BigInt on
 * the hot path; values beyond that range would lose precision.
 */

const TWO_TO_32 = 0x1_0000_0000;

export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_TO_32 + buf.readUInt32BE(pos + 4);
}

export function writeInt64(buf: Buffer, value: number, pos: number): void {
  buf.writeInt32BE(Math.floor(value / TWO_TO_32), pos);
  buf.writeUInt32BE(value >>> 0, pos + 4);
}
