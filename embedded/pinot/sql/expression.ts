/**
 * Translates one expression of the parsed query to DuckDB SQL with its Pinot result type and name:
 * columns (resolved case-sensitively first, then case-insensitively, as Pinot's broker does), literals,
 * operators, CASE, CAST and function calls (looked up in functions/registry.ts).
 *
 * The SQL is built only from the AST: identifiers are always double-quoted, literals re-quoted,
 * function names come from the registry. No user text is pasted into the statement.
 */
import { quoteIdent, quoteString } from '../db.ts';
import { QueryError } from '../errors.ts';
import { parseTimestampString, type Column } from '../schema.ts';
import { arithmetic } from './arithmetic.ts';
import { aggregateFunction, canonicalCall, canonicalName, scalarFunction } from './functions/registry.ts';
import type { AggregateCall, ScalarCall } from './functions/function.ts';
import type { Expr } from './parser.ts';
import { boundedString } from './string-limits.ts';
import { BOOLEAN, CAST_TYPES, DOUBLE, INT, LONG, NUMERIC, STRING, T, TIMESTAMP, UNKNOWN, unify, type OutType } from './types.ts';
import { combine, lit, literalName, parsingError, type Scope, type Typed } from './typed.ts';

export function emit(e: Expr, scope: Scope): Typed {
  switch (e.kind) {
    case 'column': {
      const column = resolveColumn(e, scope);
      return {
        sql: quoteIdent(column.name),
        type: T(column.dataType, !column.singleValue),
        agg: false,
        name: column.name,
        columnsOutsideAgg: scope.inAgg ? 0 : 1,
      };
    }
    case 'literal': {
      if (e.type === 'null') return lit('NULL', UNKNOWN, literalName(e));
      if (e.type === 'boolean') return lit(e.value ? 'TRUE' : 'FALSE', BOOLEAN, literalName(e));
      if (e.type === 'string') return lit(quoteString(e.value), STRING, literalName(e));
      return numberLiteral(e.value);
    }
    case 'star':
      throw parsingError("'*' is only allowed as SELECT * or COUNT(*)");
    case 'unary': {
      const arg = emit(e.arg, scope);
      if (e.op === 'NOT') return { ...arg, sql: `(NOT ${arg.sql})`, type: BOOLEAN, name: `not(${arg.name})` };
      if (e.op === '+') return arg;
      return { ...arg, sql: `(- ${arg.sql})`, type: NUMERIC.has(arg.type.base) ? arg.type : DOUBLE, name: `minus('0',${arg.name})` };
    }
    case 'binary':
      return emitBinary(e, scope);
    case 'isNull': {
      const arg = emit(e.arg, scope);
      return { ...arg, sql: `(${arg.sql} IS ${e.not ? 'NOT ' : ''}NULL)`, type: BOOLEAN, name: `${e.not ? 'is_not_null' : 'is_null'}(${arg.name})` };
    }
    case 'between': {
      const arg = emit(e.arg, scope);
      const low = emitComparable(e.low, arg, scope);
      const high = emitComparable(e.high, arg, scope);
      return combine(
        [arg, low, high],
        `(${arg.sql} ${e.not ? 'NOT ' : ''}BETWEEN ${low.sql} AND ${high.sql})`,
        BOOLEAN,
        `between(${arg.name},${low.name},${high.name})`,
      );
    }
    case 'in':
      return emitIn(e, scope);
    case 'like': {
      const arg = emit(e.arg, scope);
      const pattern = emit(e.pattern, scope);
      return combine(
        [arg, pattern],
        `(CAST(${arg.sql} AS VARCHAR) ${e.not ? 'NOT LIKE' : 'LIKE'} ${pattern.sql})`,
        BOOLEAN,
        `like(${arg.name},${pattern.name})`,
      );
    }
    case 'case':
      return emitCase(e, scope);
    case 'cast':
      return emitCast(emit(e.arg, scope), e.type);
    case 'call':
      return emitCall(e, scope);
  }
}

/** The column a reference names; a qualifier must be the table (or its _REALTIME / _OFFLINE half) or its alias. */
function resolveColumn(e: Expr & { kind: 'column' }, scope: Scope): Column {
  if (e.qualifier !== undefined) {
    const q = e.qualifier;
    const table = scope.view.name;
    if (q !== table && q !== `${table}_REALTIME` && q !== `${table}_OFFLINE` && q !== scope.alias) {
      throw new QueryError('UNKNOWN_COLUMN', `Unknown columnName '${q}.${e.name}' found in the query`);
    }
  }
  const column = scope.byName.get(e.name) ?? scope.byLowerName.get(e.name.toLowerCase());
  if (!column) throw new QueryError('UNKNOWN_COLUMN', `Unknown columnName '${e.name}' found in the query`);
  return column;
}

/** A number literal: INT when it fits, else LONG, else DOUBLE. */
function numberLiteral(text: string): Typed {
  if (/^-?\d+$/.test(text)) {
    const n = BigInt(text);
    if (n >= -2147483648n && n <= 2147483647n) return lit(text, INT, `'${text}'`);
    if (n >= -9223372036854775808n && n <= 9223372036854775807n) return lit(`${text}::BIGINT`, LONG, `'${text}'`);
    return lit(`${text}::DOUBLE`, DOUBLE, `'${text}'`);
  }
  const value = Number(text);
  if (!Number.isFinite(value)) throw parsingError(`Numeric literal ${text} out of range`);
  return lit(`${text}::DOUBLE`, DOUBLE, `'${text}'`);
}

/**
 * Emits the other side of a comparison with `against`'s type in mind: a string literal compared with a
 * TIMESTAMP column becomes epoch millis; a number literal compared with a STRING column becomes a string.
 */
function emitComparable(e: Expr, against: Typed, scope: Scope): Typed {
  if (e.kind === 'literal') {
    if (against.type.base === 'TIMESTAMP' && e.type === 'string') {
      const ms = parseTimestampString(e.value.trim());
      if (ms !== undefined) return lit(`${ms}::BIGINT`, TIMESTAMP, literalName(e));
    }
    if ((against.type.base === 'STRING' || against.type.base === 'JSON') && e.type === 'number') return lit(quoteString(e.value), STRING, literalName(e));
    if (NUMERIC.has(against.type.base) && e.type === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(e.value)) {
      return numberLiteral(e.value.trim().replace(/^\+/, ''));
    }
  }
  return emit(e, scope);
}

const COMPARISON_NAMES: Record<string, string> = {
  '=': 'equals',
  '<>': 'not_equals',
  '<': 'less_than',
  '<=': 'less_than_or_equal',
  '>': 'greater_than',
  '>=': 'greater_than_or_equal',
  'IS DISTINCT FROM': 'is_distinct_from',
  'IS NOT DISTINCT FROM': 'is_not_distinct_from',
};

function emitBinary(e: Expr & { kind: 'binary' }, scope: Scope): Typed {
  if (e.op === 'AND' || e.op === 'OR') {
    const left = emit(e.left, scope);
    const right = emit(e.right, scope);
    return combine([left, right], `(${left.sql} ${e.op} ${right.sql})`, BOOLEAN, `${e.op.toLowerCase()}(${left.name},${right.name})`);
  }
  if (e.op in COMPARISON_NAMES) return emitComparison(e, scope);
  const left = emit(e.left, scope);
  const right = emit(e.right, scope);
  // Pinot 1.2's single-stage engine has no `||` (its parser names the call "||", which no function answers;
  // only the multi-stage planner maps it to CONCAT): the server fails it as an unknown function.
  if (e.op === '||') throw unsupportedFunction('||');
  return arithmetic(e.op, left, right);
}

/** `a op b`; against a multi-value column Pinot matches when any element matches. */
function emitComparison(e: Expr & { kind: 'binary' }, scope: Scope): Typed {
  let left = emit(e.left, scope);
  let right = emitComparable(e.right, left, scope);
  if (e.left.kind === 'literal') {
    right = emit(e.right, scope);
    left = emitComparable(e.left, right, scope);
  }
  const name = `${COMPARISON_NAMES[e.op]}(${left.name},${right.name})`;
  const x = quoteIdent('x');
  if (left.type.array && !right.type.array) {
    return combine([left, right], `(len(list_filter(${left.sql}, ${x} -> ${x} ${e.op} ${right.sql})) > 0)`, BOOLEAN, name);
  }
  if (right.type.array && !left.type.array) {
    return combine([left, right], `(len(list_filter(${right.sql}, ${x} -> ${left.sql} ${e.op} ${x})) > 0)`, BOOLEAN, name);
  }
  return combine([left, right], `(${left.sql} ${e.op} ${right.sql})`, BOOLEAN, name);
}

/** `a [NOT] IN (…)`; a multi-value column matches when any element is in the list. */
function emitIn(e: Expr & { kind: 'in' }, scope: Scope): Typed {
  const arg = emit(e.arg, scope);
  const list = e.list.map((x) => emitComparable(x, arg, scope));
  const name = `${e.not ? 'not_in' : 'in'}(${[arg, ...list].map((x) => x.name).join(',')})`;
  if (arg.type.array) {
    const any = `list_has_any(${arg.sql}, [${list.map((l) => l.sql).join(', ')}])`;
    return combine([arg, ...list], e.not ? `(NOT ${any})` : any, BOOLEAN, name);
  }
  return combine([arg, ...list], `(${arg.sql} ${e.not ? 'NOT IN' : 'IN'} (${list.map((l) => l.sql).join(', ')}))`, BOOLEAN, name);
}

/** CASE [operand] WHEN … THEN … [ELSE …] END, typed as the one type of its results. */
function emitCase(e: Expr & { kind: 'case' }, scope: Scope): Typed {
  const parts: Typed[] = [];
  let sql = 'CASE';
  let operand: Typed | undefined;
  if (e.operand) {
    operand = emit(e.operand, scope);
    parts.push(operand);
    sql += ` ${operand.sql}`;
  }
  const thens: Typed[] = [];
  for (const w of e.whens) {
    const when = operand ? emitComparable(w.when, operand, scope) : emit(w.when, scope);
    const then = emit(w.then, scope);
    parts.push(when, then);
    thens.push(then);
    sql += ` WHEN ${when.sql} THEN ${then.sql}`;
  }
  const type = unify(thens.map((t) => t.type));
  if (e.else && !(e.else.kind === 'literal' && e.else.type === 'null')) {
    const other = emit(e.else, scope);
    parts.push(other);
    sql += ` ELSE ${other.sql}`;
    const withElse = unify([...thens, other].map((t) => t.type));
    return combine(parts, `(${sql} END)`, withElse, `case(${parts.map((p) => p.name).join(',')})`);
  }
  // No ELSE (or ELSE NULL): Pinot 1.2 passes a null literal, and without null handling an unmatched row gets the
  // result type's placeholder (CaseTransformFunction, NullValuePlaceHolder: '' or 0).
  parts.push(lit('NULL', UNKNOWN, "'null'"));
  sql += ` ELSE ${nullPlaceholder(type)}`;
  return combine(parts, `(${sql} END)`, type, `case(${parts.map((p) => p.name).join(',')})`);
}

/** Pinot's NullValuePlaceHolder of a type, as DuckDB SQL. */
function nullPlaceholder(type: OutType): string {
  if (type.array) return '[]';
  switch (type.base) {
    case 'STRING':
    case 'JSON':
      return "''";
    case 'INT':
      return '0';
    case 'LONG':
    case 'TIMESTAMP':
      return '0::BIGINT';
    case 'FLOAT':
      return '0::FLOAT';
    case 'DOUBLE':
      return '0::DOUBLE';
    case 'BIG_DECIMAL':
      return '0::DECIMAL(38,10)';
    case 'BOOLEAN':
      return 'FALSE';
    case 'BYTES':
      return "''::BLOB";
    default:
      return 'NULL';
  }
}

/** CAST as Java does it: TIMESTAMP ⇄ STRING through the text form, numbers to integers truncated. */
function emitCast(arg: Typed, typeText: string): Typed {
  const target = CAST_TYPES[typeText.toUpperCase()];
  if (!target) throw parsingError(`Unsupported cast target type: ${typeText}`);
  const [duck, base] = target;
  // Calcite names INT by its SQL type name, INTEGER.
  const upper = typeText.toUpperCase();
  const name = `cast(${arg.name},'${upper === 'INT' ? 'INTEGER' : upper}')`;
  if (base === 'TIMESTAMP') {
    const sql = arg.type.base === 'STRING' ? `epoch_ms(CAST(${arg.sql} AS TIMESTAMP))` : `CAST(${arg.sql} AS BIGINT)`;
    return { ...arg, sql, type: TIMESTAMP, name };
  }
  if (base === 'STRING' && arg.type.base === 'TIMESTAMP') {
    return { ...arg, sql: `strftime(epoch_ms(${arg.sql}), '%Y-%m-%d %H:%M:%S.%g')`, type: STRING, name };
  }
  if ((base === 'INT' || base === 'LONG') && (arg.type.base === 'DOUBLE' || arg.type.base === 'FLOAT' || arg.type.base === 'STRING')) {
    // Java casts truncate toward zero; DuckDB rounds.
    return { ...arg, sql: `CAST(trunc(CAST(${arg.sql} AS DOUBLE)) AS ${duck})`, type: T(base), name };
  }
  return { ...arg, sql: `CAST(${arg.sql} AS ${duck})`, type: T(base), name };
}

/** A function call: an aggregate or a scalar function from the registry; DISTINCT and FILTER only on aggregates. */
function emitCall(e: Expr & { kind: 'call' }, scope: Scope): Typed {
  const { name, args } = canonicalCall(e);
  if (aggregateFunction(name)) return emitAggregate(name, args, e, scope);
  if (e.distinct) throw parsingError(`DISTINCT is only allowed in aggregate functions, not in ${e.name}`);
  if (e.filter) throw parsingError(`FILTER is only allowed on aggregate functions, not on ${e.name}`);
  return emitScalar(name, args, scope);
}

function emitAggregate(name: string, args: Expr[], e: Expr & { kind: 'call' }, scope: Scope): Typed {
  if (scope.inAgg) throw parsingError(`Aggregation function ${name} cannot be nested inside another aggregation`);
  const inner: Scope = { ...scope, inAgg: true };
  const filter = e.filter ? emit(e.filter, scope) : undefined;
  if (filter?.agg) throw parsingError('Aggregate functions are not supported in FILTER (WHERE …)');
  const fn = aggregateFunction(name)!;
  if (args.length < fn.arity[0] || args.length > fn.arity[1])
    throw parsingError(`Invalid number of arguments for aggregation function ${name}: ${args.length}`);
  const typed = (): Typed[] => args.map((a) => (a.kind === 'star' ? lit('*', UNKNOWN, '*') : emit(a, inner)));
  const call: AggregateCall = {
    name,
    writtenName: canonicalName(e.name),
    args,
    emit: (arg) => emit(arg, inner),
    typed,
    withFilter: (sql) => (filter ? `${sql} FILTER (WHERE ${filter.sql})` : sql),
    build: (sql: string, type: OutType, argNames?: string[]): Typed => {
      const names = argNames ?? typed().map((t) => t.name);
      return { sql, type, agg: true, name: `${name}(${names.join(',')})`, columnsOutsideAgg: 0 };
    },
    buildNamed: (sql: string, type: OutType, resultName: string): Typed => ({ sql, type, agg: true, name: resultName, columnsOutsideAgg: 0 }),
  };
  return fn.emit(call);
}

/**
 * A function the server cannot make (Pinot 1.2's TransformFunctionFactory: 200 QueryExecutionError): unknown,
 * or known but not with this many arguments.
 */
function unsupportedFunction(name: string, argumentCount?: number): QueryError {
  return new QueryError('QUERY_EXECUTION', `Unsupported function: ${name} ${argumentCount === undefined ? 'not found' : `with ${argumentCount} parameters`}`);
}

function emitScalar(name: string, args: Expr[], scope: Scope): Typed {
  const fn = scalarFunction(name);
  if (!fn) throw unsupportedFunction(name);
  if (args.length < fn.arity[0] || args.length > fn.arity[1]) throw unsupportedFunction(name, args.length);
  const call: ScalarCall = {
    name,
    args,
    scope,
    emit: (arg) => emit(arg, scope),
    typed: () => args.map((a) => emit(a, scope)),
    make: (parts, sql, type, nameArgs) => combine(parts, sql, type, `${name}(${(nameArgs ?? parts.map((p) => p.name)).join(',')})`),
    bounded: (refs, size, build) => boundedString(name, refs, size, build, scope),
  };
  return fn.emit(call);
}
