/**
 * Arithmetic as Pinot's single-stage engine types it (AdditionTransformFunction and the others): DOUBLE,
 * whatever the number types, LONG and INT operands included. Shared by the operators and the functions
 * plus, minus, mod ….
 */
import { DOUBLE } from './types.ts';
import { combine, type Typed } from './typed.ts';

const OPERATOR_NAMES: Record<string, string> = { '+': 'plus', '-': 'minus', '*': 'times', '/': 'divide', '%': 'mod' };

export function arithmetic(op: string, left: Typed, right: Typed): Typed {
  const name = `${OPERATOR_NAMES[op]}(${left.name},${right.name})`;
  if (op === '%') {
    return combine([left, right], `fmod(CAST(${left.sql} AS DOUBLE), CAST(${right.sql} AS DOUBLE))`, DOUBLE, name);
  }
  return combine([left, right], `(CAST(${left.sql} AS DOUBLE) ${op} CAST(${right.sql} AS DOUBLE))`, DOUBLE, name);
}
