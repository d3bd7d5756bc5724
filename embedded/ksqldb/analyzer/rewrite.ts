// Generic expression tree helpers.
import type { Expr } from '../parser/ast.ts';

/** Rewrites bottom-up-ish: fn may return a replacement; otherwise children are visited. */
export function mapExpr(e: Expr, fn: (e: Expr) => Expr | undefined): Expr {
  const r = fn(e);
  if (r) return r;
  const m = (x: Expr) => mapExpr(x, fn);
  switch (e.kind) {
    case 'lit':
    case 'col':
    case 'lambdaVar':
      return e;
    case 'lambda':
      return { ...e, body: m(e.body) };
    case 'arith':
    case 'cmp':
    case 'logic':
      return { ...e, left: m(e.left), right: m(e.right) } as Expr;
    case 'neg':
    case 'not':
    case 'isnull':
      return { ...e, operand: m(e.operand) } as Expr;
    case 'between':
      return { ...e, operand: m(e.operand), low: m(e.low), high: m(e.high) };
    case 'in':
      return { ...e, operand: m(e.operand), list: e.list.map(m) };
    case 'like':
      return { ...e, operand: m(e.operand), pattern: m(e.pattern), escape: e.escape ? m(e.escape) : undefined };
    case 'case':
      return {
        ...e,
        operand: e.operand ? m(e.operand) : undefined,
        whens: e.whens.map((w) => ({ when: m(w.when), then: m(w.then) })),
        else: e.else ? m(e.else) : undefined,
      };
    case 'cast':
      return { ...e, operand: m(e.operand) };
    case 'call':
      return { ...e, args: e.args.map(m) };
    case 'array':
      return { ...e, items: e.items.map(m) };
    case 'subscript':
      return { ...e, base: m(e.base), index: m(e.index) };
    case 'deref':
      return { ...e, base: m(e.base) };
    case 'struct':
      return { ...e, fields: e.fields.map((f) => ({ name: f.name, value: m(f.value) })) };
    case 'map':
      return { ...e, entries: e.entries.map((x) => ({ key: m(x.key), value: m(x.value) })) };
  }
}

export function walkExpr(e: Expr, fn: (e: Expr) => boolean | void): void {
  mapExpr(e, (x) => {
    if (fn(x) === false) return x;
    return undefined;
  });
}
