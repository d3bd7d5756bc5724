// BYTES values: the bytes of a SQL BYTES value, written as base64 text by the JSON and DELIMITED formats.

export class Bytes {
  constructor(readonly data: Buffer) {}

  static fromBase64(text: string): Bytes {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) throw new Error(`Value is not a valid Base64 encoded string: ${text}`);
    return new Bytes(Buffer.from(text, 'base64'));
  }

  toBase64(): string {
    return this.data.toString('base64');
  }

  /** JSON writers write BYTES as base64 text. */
  toJSON(): string {
    return this.toBase64();
  }

  toString(): string {
    return this.toBase64();
  }

  /** ByteBuffer.compareTo: byte by byte (signed, as Java's bytes), then the shorter first. */
  compareTo(o: Bytes): number {
    const n = Math.min(this.data.length, o.data.length);
    for (let i = 0; i < n; i++) {
      const a = (this.data[i]! << 24) >> 24;
      const b = (o.data[i]! << 24) >> 24;
      if (a !== b) return a < b ? -1 : 1;
    }
    return this.data.length - o.data.length;
  }

  equals(o: Bytes): boolean {
    return this.data.equals(o.data);
  }
}
