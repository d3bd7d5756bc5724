/**
 * What a Pinot function is to the translator: its names, how many arguments it takes, its signature,
 * and how a call becomes DuckDB SQL with a Pinot result type. Scalar functions and aggregates are two
 * kinds with their own call; each family (string, math, datetime, json, arrays, aggregates) is a list
 * of entries, collected in registry.ts.
 */
import type { Expr } from '../parser.ts';
import type { OutType } from '../types.ts';
import type { Scope, Typed } from '../typed.ts';

/** A call of a scalar (row-level) function, as its entry sees it. */
export interface ScalarCall {
  /** The canonical name called (lower case, no underscores): one of the entry's names. */
  name: string;
  args: Expr[];
  scope: Scope;
  /** Translates one argument (or any expression) in the call's scope. */
  emit(e: Expr): Typed;
  /** Every argument, translated. */
  typed(): Typed[];
  /** The result: SQL over `parts`, named `name(part names)` or `name(nameArgs)`. */
  make(parts: Typed[], sql: string, type: OutType, nameArgs?: string[]): Typed;
  /** SQL of a string-building call, refused past the broker's longest string (string-limits.ts). */
  bounded(args: string[], size: (refs: string[]) => string, build: (refs: string[]) => string): string;
}

export interface ScalarFunction {
  /** Canonical names (lower case, no underscores); the first is Pinot's, the others its aliases. */
  names: readonly string[];
  /** The fewest and the most arguments; outside them the call is refused (150). */
  arity: readonly [min: number, max: number];
  /** Pinot's signature, argument types → result type (`literal` where Pinot needs a constant). */
  signature: string;
  emit(call: ScalarCall): Typed;
}

/** A call of an aggregation function, as its entry sees it. */
export interface AggregateCall {
  name: string;
  /** The name as the query spelled it, canonical (`percentile90` where `name` is `percentile`). */
  writtenName: string;
  args: Expr[];
  /** Translates an argument (inside the aggregate: aggregates may not nest). */
  emit(e: Expr): Typed;
  /** Every argument translated inside the aggregate (`*` as itself). */
  typed(): Typed[];
  /** Adds the call's `FILTER (WHERE …)` to an aggregate's SQL. */
  withFilter(sql: string): string;
  /** The result: an aggregate named `name(argument names)` or `name(argNames)`. */
  build(sql: string, type: OutType, argNames?: string[]): Typed;
  /** The result under a name of the entry's own making (Pinot's `getResultColumnName`). */
  buildNamed(sql: string, type: OutType, resultName: string): Typed;
}

export interface AggregateFunction {
  names: readonly string[];
  arity: readonly [min: number, max: number];
  signature: string;
  emit(call: AggregateCall): Typed;
}
