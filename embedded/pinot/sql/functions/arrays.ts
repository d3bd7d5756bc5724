/** Functions of multi-value columns (ArrayFunctions) as DuckDB lists. */
import { INT } from '../types.ts';
import type { ScalarFunction } from './function.ts';

export const ARRAY_FUNCTIONS: ScalarFunction[] = [
  {
    names: ['arraylength', 'cardinality'],
    arity: [1, 1],
    signature: 'arrayLength(multi-value) → INT',
    emit(call) {
      const [a] = call.typed();
      return call.make([a!], `CAST(len(${a!.sql}) AS INTEGER)`, INT);
    },
  },
];
