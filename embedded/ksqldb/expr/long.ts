// BIGINT values: JS numbers while they are exact, bigint beyond 2^53, with Java's 64-bit wrap-around.

export type Long = number | bigint;

/** A number when exactly representable, else a bigint. */
export function normLong(b: bigint): Long {
  const w = BigInt.asIntN(64, b);
  return w >= BigInt(Number.MIN_SAFE_INTEGER) && w <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(w) : w;
}

export function toBig(x: unknown): bigint {
  if (typeof x === 'bigint') return x;
  return BigInt(Math.trunc(Number(x)));
}

/** Integer arithmetic on BIGINT operands with 64-bit overflow semantics. */
export function longOp(op: '+' | '-' | '*' | '/' | '%', a: Long, b: Long): Long | null {
  if (typeof a === 'number' && typeof b === 'number') {
    let r: number;
    switch (op) {
      case '+':
        r = a + b;
        break;
      case '-':
        r = a - b;
        break;
      case '*':
        r = a * b;
        break;
      case '/':
        if (b === 0) return null;
        r = Math.trunc(a / b);
        break;
      case '%':
        if (b === 0) return null;
        r = a % b;
        break;
    }
    if (Number.isSafeInteger(r)) return r;
  }
  const x = toBig(a);
  const y = toBig(b);
  switch (op) {
    case '+':
      return normLong(x + y);
    case '-':
      return normLong(x - y);
    case '*':
      return normLong(x * y);
    case '/':
      return y === 0n ? null : normLong(x / y);
    case '%':
      return y === 0n ? null : normLong(x % y);
  }
}

/** JSON.stringify that writes bigint values as plain JSON numbers. */
export function stringifyJson(v: unknown): string {
  // fast path: plain JSON.stringify (no replacer) is much faster; it throws on a bigint anywhere in v,
  // and only then the replacer below is needed (output is identical when v holds no bigint)
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'bigint') {
    try {
      return unquoteDecimals(JSON.stringify(v));
    } catch {
      // bigint inside (or a real error, which the slow path rethrows)
    }
  }
  return unquoteDecimals(stringifyBig(v));
}

/** A DECIMAL writes itself as marked text (decimal.ts toJSON); the JSON number is that text unquoted. */
function unquoteDecimals(s: string): string {
  return s.includes('\\u0001DEC') ? s.replace(/"\\u0001DEC(-?[0-9.]+)\\u0001DEC"/g, '$1') : s;
}

function stringifyBig(v: unknown): string {
  let big = false;
  const s = JSON.stringify(v, (_k, x) => {
    if (typeof x === 'bigint') {
      big = true;
      return `\u0000BIG${x.toString()}\u0000`;
    }
    return x;
  });
  return big ? s.replace(/"\\u0000BIG(-?\d+)\\u0000"/g, '$1') : s;
}
