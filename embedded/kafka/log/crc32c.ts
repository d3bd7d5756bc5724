/** CRC-32C of the log: the protocol layer's slicing-by-8 implementation (one implementation for the broker). */
export { crc32c } from '../protocol/crc32c.ts';
