// Table functions (UDTFs): each turns one input value into zero or more output values, one output row
// each; several table functions in one SELECT are zipped (the shorter padded with nulls).
import { T, typeToString, type SqlType } from '../types.ts';

export interface ResolvedTableFn {
  /** type of each value the function outputs */
  itemType: SqlType;
  /** the values for one input (never null: a null input gives none) */
  explode: (arg: unknown) => unknown[];
}

export interface TableFunction {
  name: string;
  description: string;
  /** a resolved function, or an error message when the arguments do not fit */
  resolve: (argTypes: SqlType[]) => ResolvedTableFn | string;
}

const reg = new Map<string, TableFunction>();
const def = (name: string, description: string, resolve: TableFunction['resolve']) => reg.set(name, { name, description, resolve });

export function getTableFunction(name: string): TableFunction | undefined {
  return reg.get(name.toUpperCase());
}
export function listTableFunctions(): TableFunction[] {
  return [...reg.values()];
}

export function isTableFunctionName(name: string): boolean {
  return reg.has(name.toUpperCase());
}

const sig = (ts: SqlType[]) => ts.map(typeToString).join(', ');

def('EXPLODE', 'One row per element of an array', (ts) => {
  if (ts.length !== 1) return `Function 'EXPLODE' does not accept parameters of this number`;
  if (ts[0]!.base !== 'ARRAY') return `Function 'explode' does not accept parameters (${sig(ts)}).`;
  return { itemType: ts[0]!.item ?? T.STRING, explode: (a) => (Array.isArray(a) ? a : []) };
});

/** ksqlDB caps CUBE_EXPLODE at 20 columns (2^20 rows). */
const CUBE_MAX_COLUMNS = 20;

/**
 * CUBE_EXPLODE(array): one row per combination of the elements kept or nulled, counting up from all
 * null (the first element is the most significant); a null element gives only its null combinations,
 * so no row repeats.
 */
def('CUBE_EXPLODE', 'One row per combination of the elements and nulls', (ts) => {
  if (ts.length !== 1 || ts[0]!.base !== 'ARRAY') return `Function 'cube_explode' does not accept parameters (${sig(ts)}).`;
  return {
    itemType: ts[0]!,
    explode: (a) => {
      if (!Array.isArray(a)) return [];
      const n = a.length;
      if (n > CUBE_MAX_COLUMNS) throw new Error(`cube_explode: too many columns (${n}); max is ${CUBE_MAX_COLUMNS}`);
      const bit = (i: number) => 1 << (n - 1 - i);
      let present = 0;
      a.forEach((v, i) => (present |= v === null || v === undefined ? 0 : bit(i)));
      const rows: unknown[][] = [];
      for (let mask = 0; mask < 1 << n; mask++) {
        if ((mask & present) !== mask) continue;
        rows.push(a.map((v, i) => (mask & bit(i) ? v : null)));
      }
      return rows;
    },
  };
});
