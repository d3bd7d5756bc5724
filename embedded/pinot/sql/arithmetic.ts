/**
 * Arithmetic as Pinot types it: +, - and * of two integral values is LONG, everything else (and every
 * division and modulo) DOUBLE. Shared by the operators and the functions plus, minus, mod ….
 */
import { DOUBLE, INTEGRAL, LONG } from './types.ts';
import { combine, type Typed } from './typed.ts';

const OPERATOR_NAMES: Record<string, string> = { '+': 'plus', '-': 'minus', '*': 'times', '/': 'divide', '%': 'mod' };

export function arithmetic(op: string, left: Typed, right: Typed): Typed {
  const integral = INTEGRAL.has(left.type.base) && INTEGRAL.has(right.type.base);
  const name = `${OPERATOR_NAMES[op]}(${left.name},${right.name})`;
  if ((op === '+' || op === '-' || op === '*') && integral) {
    return combine([left, right], `(CAST(${left.sql} AS BIGINT) ${op} CAST(${right.sql} AS BIGINT))`, LONG, name);
  }
  if (op === '%') {
    return combine([left, right], `fmod(CAST(${left.sql} AS DOUBLE), CAST(${right.sql} AS DOUBLE))`, DOUBLE, name);
  }
  return combine([left, right], `(CAST(${left.sql} AS DOUBLE) ${op} CAST(${right.sql} AS DOUBLE))`, DOUBLE, name);
}
