/** Functions about NULL: coalesce, typed as the one type of its arguments. */
import { unify } from '../types.ts';
import type { ScalarFunction } from './function.ts';

export const NULL_FUNCTIONS: ScalarFunction[] = [
  {
    names: ['coalesce'],
    arity: [1, 50],
    signature: "coalesce(value…) → the arguments' common type",
    emit(call) {
      const all = call.typed();
      return call.make(all, `COALESCE(${all.map((t) => t.sql).join(', ')})`, unify(all.map((t) => t.type)));
    },
  },
];
