/** Pinot's arithmetic and math functions (ArithmeticFunctions): numbers in, mostly DOUBLE out. */
import { arithmetic } from '../arithmetic.ts';
import { DOUBLE } from '../types.ts';
import { asDouble } from '../typed.ts';
import type { ScalarFunction } from './function.ts';

/** One number in, DOUBLE out, as DuckDB's function of the name (abs too: Pinot's abs is DOUBLE for a LONG). */
const UNARY: [names: string[], duckdb: string][] = [
  [['abs'], 'abs'],
  [['ceil', 'ceiling'], 'ceil'],
  [['floor'], 'floor'],
  [['exp'], 'exp'],
  [['ln', 'log'], 'ln'],
  [['log2'], 'log2'],
  [['log10'], 'log10'],
  [['sqrt'], 'sqrt'],
  [['sign'], 'sign'],
];

/** The operators as functions: plus(a, b) is a + b, with the operator's types and name. */
const OPERATORS: [names: string[], op: string][] = [
  [['plus', 'add'], '+'],
  [['minus', 'sub'], '-'],
  [['times', 'mult'], '*'],
  [['divide', 'div'], '/'],
  [['mod'], '%'],
];

export const MATH_FUNCTIONS: ScalarFunction[] = [
  ...UNARY.map(
    ([names, duckdb]): ScalarFunction => ({
      names,
      arity: [1, 1],
      signature: `${names[0]}(DOUBLE) → DOUBLE`,
      emit(call) {
        const [a] = call.typed();
        return call.make([a!], `CAST(${duckdb}(${asDouble(a!)}) AS DOUBLE)`, DOUBLE);
      },
    }),
  ),
  {
    names: ['power', 'pow'],
    arity: [2, 2],
    signature: 'power(DOUBLE, DOUBLE) → DOUBLE',
    emit(call) {
      const all = call.typed();
      return call.make(all, `pow(${asDouble(all[0]!)}, ${asDouble(all[1]!)})`, DOUBLE);
    },
  },
  ...(
    [
      [['round', 'rounddecimal'], 'round'],
      [['truncate'], 'truncate'],
    ] as const
  ).map(
    ([names, kind]): ScalarFunction => ({
      names,
      arity: [1, 2],
      signature: `${names[0]}(DOUBLE[, scale INT]) → DOUBLE`,
      emit(call) {
        const all = call.typed();
        const x = asDouble(all[0]!);
        const scale = all[1] ? `CAST(${all[1].sql} AS INTEGER)` : '0';
        return call.make(all, kind === 'round' ? `round(${x}, ${scale})` : `(trunc(${x} * pow(10, ${scale})) / pow(10, ${scale}))`, DOUBLE);
      },
    }),
  ),
  ...OPERATORS.map(
    ([names, op]): ScalarFunction => ({
      names,
      arity: [2, 2],
      signature: `${names[0]}(number, number) → DOUBLE, as the operator ${op} (arithmetic.ts)`,
      emit(call) {
        const all = call.typed();
        return arithmetic(op, all[0]!, all[1]!);
      },
    }),
  ),
  ...['greatest', 'least'].map(
    (name): ScalarFunction => ({
      names: [name],
      arity: [1, 50],
      signature: `${name}(DOUBLE…) → DOUBLE`,
      emit(call) {
        const all = call.typed();
        return call.make(all, `${call.name}(${all.map(asDouble).join(', ')})`, DOUBLE);
      },
    }),
  ),
];
