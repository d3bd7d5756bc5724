// The scalar (row-level) function registry: each entry resolves argument types to a return type and
// an implementation. The families (string.ts, math.ts, date.ts ...) add their entries with def().
import { T, typeToString, type SqlType } from '../types.ts';

export interface ResolvedFn {
  returnType: SqlType;
  invoke: (args: unknown[]) => unknown;
}

export interface ScalarFunction {
  name: string;
  description: string;
  /** returns a resolved function, or an error message when the arguments do not fit */
  resolve: (argTypes: SqlType[]) => ResolvedFn | string;
}

const reg = new Map<string, ScalarFunction>();

export function def(names: string | string[], description: string, resolve: ScalarFunction['resolve']): void {
  for (const name of Array.isArray(names) ? names : [names]) reg.set(name, { name, description, resolve });
}

export function getScalarFunction(name: string): ScalarFunction | undefined {
  return reg.get(name.toUpperCase());
}

export function listScalarFunctions(): ScalarFunction[] {
  return [...reg.values()];
}

export const sig = (ts: SqlType[]) => ts.map(typeToString).join(', ');
/** null when any argument is null (most functions' rule) */
export const nullSafe = (f: (a: unknown[]) => unknown) => (a: unknown[]) => (a.some((x) => x === null || x === undefined) ? null : f(a));

/** a function of a fixed number of arguments, null when any is null */
export function strFn(names: string | string[], desc: string, arity: number, f: (a: unknown[]) => unknown, ret: SqlType = T.STRING): void {
  def(names, desc, (ts) => {
    if (ts.length !== arity) return `Function ${Array.isArray(names) ? names[0] : names} does not accept parameters (${sig(ts)}).`;
    return { returnType: ret, invoke: nullSafe(f) };
  });
}
