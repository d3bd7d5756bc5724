/** Connect's Decimal logical type: the unscaled value as big-endian two's-complement bytes, scale in the schema. */

/** "123.45" with scale 2 -> 12345n. The text is padded or rounded (half up) to the scale. */
export function unscaledOf(text: string, scale: number): bigint {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!match) throw new Error(`not a decimal: "${text}"`);
  const negative = match[1] === '-';
  let digits = (match[2] ?? '') + (match[3] ?? '');
  let pointShift = (match[3] ?? '').length - Number(match[4] ?? 0);
  if (digits === '') digits = '0';
  let value = BigInt(digits);
  while (pointShift < scale) {
    value *= 10n;
    pointShift++;
  }
  if (pointShift > scale) {
    const divisor = 10n ** BigInt(pointShift - scale);
    const rest = value % divisor;
    value /= divisor;
    if (rest * 2n >= divisor) value += 1n;
  }
  return negative ? -value : value;
}

/** Minimal two's-complement big-endian bytes, as java.math.BigInteger.toByteArray(). */
export function twosComplementBytes(value: bigint): Buffer {
  const bytes: number[] = [];
  let v = value;
  for (;;) {
    const byte = Number(v & 0xffn);
    bytes.unshift(byte);
    v >>= 8n;
    const signBit = (byte & 0x80) !== 0;
    if ((v === 0n && !signBit) || (v === -1n && signBit)) break;
  }
  return Buffer.from(bytes);
}

export function decimalBytes(text: string, scale: number): Buffer {
  return twosComplementBytes(unscaledOf(text, scale));
}

/** The plain decimal text of an unscaled value (JsonConverter's decimal.format=NUMERIC). */
export function decimalText(text: string, scale: number): string {
  const unscaled = unscaledOf(text, scale);
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale === 0) return (negative ? '-' : '') + digits;
  digits = digits.padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}
