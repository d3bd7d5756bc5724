// Text encodings: ENCODE between hex, utf8, ascii and base64 (with Java's charset rules), and MD5.
import { createHash } from 'node:crypto';
import { T } from '../types.ts';
import { def, nullSafe, sig, strFn } from './registry.ts';

/** Java's US_ASCII decoder: each byte above 0x7F becomes U+FFFD. */
const asciiDecode = (b: Buffer) => [...b].map((x) => (x < 0x80 ? String.fromCharCode(x) : '\ufffd')).join('');
/** Java's US_ASCII encoder: each code point outside ASCII becomes '?'. */
const asciiEncode = (s: string) => Buffer.from([...s].map((ch) => (ch.codePointAt(0)! < 0x80 ? ch.codePointAt(0)! : 0x3f)));
const utf8Decode = (b: Buffer) => new TextDecoder('utf-8').decode(b);

/** commons-codec's Hex.decodeHex: an even number of hex digits, else an error. */
function hexDecode(s: string): Buffer {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) throw new Error('Illegal hexadecimal input');
  return Buffer.from(s, 'hex');
}

/** ksqlDB's hex prefixes: "0x..." (an odd digit count gets a leading 0) and X'...' / x'...'. */
function hexStrip(s: string): string {
  if (s.startsWith('0x')) return s.length % 2 !== 0 ? '0' + s.slice(2) : s.slice(2);
  if (/^[xX]'.*'$/s.test(s)) return s.slice(2, -1);
  return s;
}

const DECODERS: Record<string, (s: string) => Buffer> = {
  hex: (s) => hexDecode(hexStrip(s)),
  utf8: (s) => Buffer.from(s, 'utf8'),
  ascii: asciiEncode,
  base64: (s) => Buffer.from(s, 'base64'),
};
const ENCODERS: Record<string, (b: Buffer) => string> = {
  hex: (b) => b.toString('hex'),
  utf8: utf8Decode,
  ascii: asciiDecode,
  base64: (b) => b.toString('base64'),
};

def('ENCODE', 'Re-encode a string from one of hex, utf8, ascii, base64 to another', (ts) => {
  if (ts.length !== 3 || ts.some((t) => t.base !== 'STRING' && t.base !== 'NULL')) return `Function 'encode' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.STRING,
    invoke: nullSafe((a) => {
      const from = String(a[1]).toLowerCase();
      const to = String(a[2]).toLowerCase();
      // ksqlDB has no encoder from an encoding to itself
      if (from === to || !DECODERS[from] || !ENCODERS[to]) throw new Error('Supported input and output encodings are: hex, utf8, ascii and base64');
      return ENCODERS[to]!(DECODERS[from]!(String(a[0])));
    }),
  };
});

strFn('MD5', 'Hex MD5 digest of the UTF-8 bytes of a string', 1, (a) => createHash('md5').update(String(a[0]), 'utf8').digest('hex'));
