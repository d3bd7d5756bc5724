// The functions that take lambdas: TRANSFORM, FILTER and REDUCE over an ARRAY or a MAP. A lambda's
// body is compiled with its parameters' types (the collection's item, key and value types, REDUCE's
// state) and evaluated with the parameters bound in a row derived from the outer one.
import { KsqlError } from '../errors.ts';
import type { Expr } from '../parser/ast.ts';
import { T, typeToString, type SqlType } from '../types.ts';

type Row = Record<string, unknown>;
interface Compiled {
  type: SqlType;
  eval: (row: Row) => unknown;
}
interface LambdaScope {
  resolve(ref: { source?: string; name: string; pos: Expr['pos'] }): { field: string; type: SqlType };
  lambdaVar?(name: string): { field: string; type: SqlType } | undefined;
  /** how many lambdas enclose this scope */
  lambdaDepth?: number;
}
type Compile = (e: Expr, scope: LambdaScope) => Compiled;

export const LAMBDA_FUNCTIONS = ['TRANSFORM', 'FILTER', 'REDUCE'];

/** A lambda compiled for the given parameter types: its body's type and a call with the arguments bound. */
interface BoundLambda {
  type: SqlType;
  call: (row: Row, args: unknown[]) => unknown;
}

function bindLambda(e: Expr, types: SqlType[], scope: LambdaScope, compile: Compile, fn: string): BoundLambda {
  if (e.kind !== 'lambda') throw new KsqlError(`Function '${fn.toLowerCase()}' expects a lambda function here, got: ${e.kind}`, { pos: e.pos });
  if (e.params.length !== types.length) {
    throw new KsqlError(`Lambda function must have ${types.length} argument(s) for ${fn.toUpperCase()}, got ${e.params.length}: ${e.params.join(', ')}`, {
      pos: e.pos,
    });
  }
  // fields unique per nesting level, so an inner lambda's parameters do not overwrite an outer one's
  const level = scope.lambdaDepth ?? 0;
  const fields = e.params.map((p) => `\u0000lambda${level}:${p}`);
  const inner: LambdaScope = {
    lambdaDepth: level + 1,
    resolve: (ref) => scope.resolve(ref),
    lambdaVar: (name) => {
      const i = e.params.indexOf(name);
      return i >= 0 ? { field: fields[i]!, type: types[i]! } : scope.lambdaVar?.(name);
    },
  };
  const body = compile(e.body, inner);
  return {
    type: body.type,
    call: (row, args) => {
      const bound = Object.create(row) as Row;
      for (let i = 0; i < fields.length; i++) bound[fields[i]!] = args[i] ?? null;
      return body.eval(bound);
    },
  };
}

const isNull = (v: unknown) => v === null || v === undefined;
type SqlMap = Record<string, unknown>;

/**
 * A call of TRANSFORM, FILTER or REDUCE. An error in a lambda's body (arithmetic on a null parameter,
 * which ksqlDB's generated code does not guard) makes the whole call null, as a failing function call.
 */
export function compileLambdaCall(name: string, args: Expr[], scope: LambdaScope, compile: Compile, pos: Expr['pos']): Compiled {
  const c = compileCall(name, args, scope, compile, pos);
  const inner = c.eval;
  return {
    type: c.type,
    eval: (r) => {
      try {
        return inner(r);
      } catch {
        return null;
      }
    },
  };
}

function compileCall(name: string, args: Expr[], scope: LambdaScope, compile: Compile, pos: Expr['pos']): Compiled {
  const fn = name.toUpperCase();
  const bad = (types: SqlType[]) =>
    new KsqlError(`Function '${name.toLowerCase()}' does not accept parameters (${types.map(typeToString).join(', ')}).`, { pos });
  const coll = compile(args[0]!, scope);
  const t = coll.type;
  if (t.base !== 'ARRAY' && t.base !== 'MAP') throw bad([t]);
  const isMap = t.base === 'MAP';
  const params = isMap ? [t.key!, t.value!] : [t.item!];
  switch (fn) {
    case 'TRANSFORM': {
      if (!isMap) {
        if (args.length !== 2) throw bad([t]);
        const f = bindLambda(args[1]!, params, scope, compile, fn);
        return {
          type: T.array(f.type),
          eval: (r) => {
            const a = coll.eval(r) as unknown[] | null;
            return isNull(a) ? null : a!.map((x) => f.call(r, [x]) ?? null);
          },
        };
      }
      if (args.length !== 3) throw bad([t]);
      const k = bindLambda(args[1]!, params, scope, compile, fn);
      const v = bindLambda(args[2]!, params, scope, compile, fn);
      return {
        type: T.map(k.type, v.type),
        eval: (r) => {
          const m = coll.eval(r) as SqlMap | null;
          if (isNull(m)) return null;
          const out: SqlMap = {};
          for (const [key, val] of Object.entries(m!)) out[String(k.call(r, [key, val]))] = v.call(r, [key, val]) ?? null;
          return out;
        },
      };
    }
    case 'FILTER': {
      if (args.length !== 2) throw bad([t]);
      const f = bindLambda(args[1]!, params, scope, compile, fn);
      if (f.type.base !== 'BOOLEAN') throw new KsqlError(`The lambda of FILTER must return a BOOLEAN, got ${typeToString(f.type)}`, { pos });
      if (!isMap)
        return {
          type: t,
          eval: (r) => {
            const a = coll.eval(r) as unknown[] | null;
            return isNull(a) ? null : a!.filter((x) => f.call(r, [x]) === true);
          },
        };
      return {
        type: t,
        eval: (r) => {
          const m = coll.eval(r) as SqlMap | null;
          return isNull(m) ? null : Object.fromEntries(Object.entries(m!).filter(([key, val]) => f.call(r, [key, val]) === true));
        },
      };
    }
    case 'REDUCE': {
      if (args.length !== 3) throw bad([t]);
      const init = compile(args[1]!, scope);
      const f = bindLambda(args[2]!, [init.type, ...params], scope, compile, fn);
      return {
        type: init.type,
        eval: (r) => {
          const c = coll.eval(r);
          let state = init.eval(r);
          // as ksqlDB: no initial state, no result; no collection, the initial state
          if (isNull(state)) return null;
          if (isNull(c)) return state;
          if (isMap) for (const [key, val] of Object.entries(c as SqlMap)) state = f.call(r, [state, key, val]);
          else for (const x of c as unknown[]) state = f.call(r, [state, x]);
          return state ?? null;
        },
      };
    }
    default:
      throw new KsqlError(`Function '${name.toLowerCase()}' does not take a lambda`, { pos });
  }
}
