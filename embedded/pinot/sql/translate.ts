/**
 * Analyzer + DuckDB emitter for the parsed Pinot query: resolves columns (case-sensitive first, then
 * case-insensitive as Pinot's default broker does), applies Pinot's rules (default LIMIT 10, columns
 * and aggregates need GROUP BY, aliases in ORDER BY / HAVING / GROUP BY), names result columns the way
 * Pinot does (`count(*)`, `sum(hits)`, …) and types them with single-stage result types.
 *
 * The output SQL is built only from the AST: identifiers are always double-quoted, literals re-quoted,
 * function names come from a fixed table. No user text is pasted into the statement.
 */
import { QueryError } from '../errors.ts';
import { quoteIdent, quoteString } from '../db.ts';
import { parseDateTimeFormat, parseTimestampString, TIME_UNIT_MS, type Column, type DateTimeFormat, type PinotDataType } from '../schema.ts';
import type { Expr, SelectStatement } from './parser.ts';

export type BaseType = PinotDataType | 'UNKNOWN';

export interface OutType {
  base: BaseType;
  array: boolean;
}

/** `INT`, `STRING_ARRAY`, … as Pinot's DataSchema names them. */
export function typeName(type: OutType): string {
  return type.array ? `${type.base}_ARRAY` : type.base;
}

export interface TableView {
  /** The raw table name as the query should see it. */
  name: string;
  columns: Column[];
  /** FROM clause body: a quoted data table, or a parenthesised UNION ALL. */
  from: string;
}

export interface Translation {
  sql: string;
  columnNames: string[];
  columnTypes: OutType[];
  aggregation: boolean;
  groupBy: boolean;
  limit: number;
  /** `SELECT count(*) total, count(*) FILTER (WHERE …) matched FROM …` for the stats counters. */
  statsSql: string;
  filterColumns: number;
}

interface Typed {
  sql: string;
  type: OutType;
  agg: boolean;
  /** Pinot's canonical expression string (result column name when no alias). */
  name: string;
  /** Column refs used outside aggregates. */
  columnsOutsideAgg: number;
}

const T = (base: BaseType, array = false): OutType => ({ base, array });
const INT = T('INT');
const LONG = T('LONG');
const DOUBLE = T('DOUBLE');
const STRING = T('STRING');
const BOOLEAN = T('BOOLEAN');

const NUMERIC = new Set<BaseType>(['INT', 'LONG', 'FLOAT', 'DOUBLE', 'BIG_DECIMAL']);
const INTEGRAL = new Set<BaseType>(['INT', 'LONG']);

export const DEFAULT_LIMIT = 10;

/** The longest string a query may build, in characters, unless the broker is told otherwise. */
export const DEFAULT_MAX_STRING_LENGTH = 16_384;

/** The start of the error a refused string raises in DuckDB; what follows is the detail for Pinot's 245. */
export const STRING_LIMIT_MARK = 'string limit: ';

export interface TranslateLimits {
  /** The longest string lpad, rpad, repeat, concat, replace … may build; past it the query fails (245). */
  maxStringLength?: number;
}

interface Ctx {
  view: TableView;
  byName: Map<string, Column>;
  byLowerName: Map<string, Column>;
  nowMs: number;
  /** Inside an aggregate's arguments (nested aggregates are an error). */
  inAgg: boolean;
  /** The FROM clause's table alias, accepted as a column qualifier. */
  alias?: string;
  maxStringLength: number;
}

function parsingError(detail: string): QueryError {
  return new QueryError('SQL_PARSING', detail);
}

/** Translates one SELECT against a table view. Throws QueryError (150 / 700 / 710). */
export function translate(select: SelectStatement, view: TableView, nowMs = Date.now(), limits: TranslateLimits = {}): Translation {
  const ctx: Ctx = {
    view,
    byName: new Map(view.columns.map((c) => [c.name, c])),
    byLowerName: new Map(view.columns.map((c) => [c.name.toLowerCase(), c])),
    nowMs,
    inAgg: false,
    alias: select.tableAlias,
    maxStringLength: limits.maxStringLength ?? DEFAULT_MAX_STRING_LENGTH,
  };

  // SELECT * → all columns sorted by name (Pinot's SelectionOperatorUtils), star inside a list expands in place.
  const items: { expr: Expr; alias?: string }[] = [];
  for (const item of select.items) {
    if (item.expr.kind === 'star') {
      const names = view.columns.map((c) => c.name).sort();
      for (const name of names) items.push({ expr: { kind: 'column', name, quoted: true } });
    } else items.push(item);
  }
  const aliases = new Map<string, Expr>();
  for (const item of items) if (item.alias !== undefined && !aliases.has(item.alias)) aliases.set(item.alias, item.expr);

  const typedItems = items.map((item) => emit(item.expr, ctx));
  const columnNames = items.map((item, i) => item.alias ?? typedItems[i]!.name);
  const anyAgg = typedItems.some((t) => t.agg);

  let where: Typed | undefined;
  if (select.where) {
    where = emit(select.where, ctx);
    if (where.agg) throw parsingError('Aggregate functions are not supported in WHERE clause');
  }

  // GROUP BY 1 / ORDER BY 2: ordinals name select items.
  const ordinal = (e: Expr): Expr => {
    if (e.kind === 'literal' && e.type === 'number' && /^\d+$/.test(e.value)) {
      const n = Number(e.value);
      if (n < 1 || n > items.length) throw parsingError(`Ordinal ${n} is out of range of the select list (1..${items.length})`);
      return items[n - 1]!.expr;
    }
    return e;
  };
  const groupBy = select.groupBy.map((g) => emit(substituteAliases(ordinal(g), aliases, ctx, false), ctx));
  if (groupBy.some((g) => g.agg)) throw parsingError('Aggregate functions are not supported in GROUP BY clause');
  const isGroupBy = groupBy.length > 0;
  const aggregation = anyAgg || isGroupBy;

  if (anyAgg && !isGroupBy) {
    for (const t of typedItems) {
      if (!t.agg && t.columnsOutsideAgg > 0) throw parsingError("Columns and Aggregate functions can't co-exist without GROUP BY clause");
    }
  }
  if (isGroupBy) {
    const groupSql = new Set(groupBy.map((g) => g.sql));
    for (const [i, t] of typedItems.entries()) {
      if (t.agg || t.columnsOutsideAgg === 0 || groupSql.has(t.sql)) continue;
      throw parsingError(`Expression '${columnNames[i]}' is neither an aggregation nor a GROUP BY expression`);
    }
  }

  let having: Typed | undefined;
  if (select.having) {
    if (!aggregation) throw parsingError('HAVING clause needs an aggregation or a GROUP BY clause');
    having = emit(substituteAliases(select.having, aliases, ctx, true), ctx);
  }

  const orderBy = select.orderBy.map((o) => {
    const typed = emit(substituteAliases(ordinal(o.expr), aliases, ctx, true), ctx);
    if (typed.agg && !aggregation) throw parsingError('Aggregate functions in ORDER BY need a GROUP BY clause');
    return `${typed.sql} ${o.desc ? 'DESC' : 'ASC'}${o.nulls ? ` NULLS ${o.nulls}` : ''}`;
  });

  const limit = select.limit ?? DEFAULT_LIMIT;
  const offset = select.offset ?? 0;
  const parts = [
    `SELECT ${select.distinct ? 'DISTINCT ' : ''}${typedItems.map((t, i) => `${t.sql} AS ${quoteIdent(`c${i}`)}`).join(', ')}`,
    `FROM ${view.from} AS ${quoteIdent('pinot_table')}`,
  ];
  if (where) parts.push(`WHERE ${where.sql}`);
  if (isGroupBy) parts.push(`GROUP BY ${groupBy.map((g) => g.sql).join(', ')}`);
  if (having) parts.push(`HAVING ${having.sql}`);
  const aggregationOnly = anyAgg && !isGroupBy;
  if (!aggregationOnly) {
    if (orderBy.length > 0) parts.push(`ORDER BY ${orderBy.join(', ')}`);
    parts.push(`LIMIT ${limit}`);
    if (offset > 0) parts.push(`OFFSET ${offset}`);
  } else if (limit === 0) {
    parts.push('LIMIT 0');
  }
  const statsSql = `SELECT count(*) AS total, ${where ? `count(*) FILTER (WHERE ${where.sql})` : 'count(*)'} AS matched FROM ${view.from} AS ${quoteIdent('pinot_table')}`;
  return {
    sql: parts.join(' '),
    columnNames,
    columnTypes: typedItems.map((t) => t.type),
    aggregation,
    groupBy: isGroupBy,
    limit,
    statsSql,
    filterColumns: where ? where.columnsOutsideAgg : 0,
  };
}

/** Replaces bare identifiers naming a select alias (preferred over columns when `preferAlias`). */
function substituteAliases(expr: Expr, aliases: Map<string, Expr>, ctx: Ctx, preferAlias: boolean): Expr {
  if (aliases.size === 0) return expr;
  const visit = (e: Expr): Expr => {
    switch (e.kind) {
      case 'column': {
        if (e.qualifier !== undefined) return e;
        const target = aliases.get(e.name);
        if (target === undefined) return e;
        if (!preferAlias && (ctx.byName.has(e.name) || ctx.byLowerName.has(e.name.toLowerCase()))) return e;
        if (target.kind === 'column' && target.name === e.name) return e;
        return target;
      }
      case 'call': return { ...e, args: e.args.map(visit), filter: e.filter ? visit(e.filter) : undefined };
      case 'binary': return { ...e, left: visit(e.left), right: visit(e.right) };
      case 'unary': return { ...e, arg: visit(e.arg) };
      case 'isNull': return { ...e, arg: visit(e.arg) };
      case 'between': return { ...e, arg: visit(e.arg), low: visit(e.low), high: visit(e.high) };
      case 'in': return { ...e, arg: visit(e.arg), list: e.list.map(visit) };
      case 'like': return { ...e, arg: visit(e.arg), pattern: visit(e.pattern) };
      case 'case': return { kind: 'case', operand: e.operand ? visit(e.operand) : undefined, whens: e.whens.map((w) => ({ when: visit(w.when), then: visit(w.then) })), else: e.else ? visit(e.else) : undefined };
      case 'cast': return { ...e, arg: visit(e.arg) };
      default: return e;
    }
  };
  return visit(expr);
}

function resolveColumn(e: Expr & { kind: 'column' }, ctx: Ctx): Column {
  if (e.qualifier !== undefined) {
    const alias = ctx.alias;
    const q = e.qualifier;
    if (q !== ctx.view.name && q !== `${ctx.view.name}_REALTIME` && q !== `${ctx.view.name}_OFFLINE` && q !== alias) {
      throw new QueryError('UNKNOWN_COLUMN', `Unknown columnName '${q}.${e.name}' found in the query`);
    }
  }
  const column = ctx.byName.get(e.name) ?? ctx.byLowerName.get(e.name.toLowerCase());
  if (!column) throw new QueryError('UNKNOWN_COLUMN', `Unknown columnName '${e.name}' found in the query`);
  return column;
}

function literalName(e: Expr & { kind: 'literal' }): string {
  if (e.type === 'null') return "'null'";
  return `'${String(e.value)}'`;
}

function lit(sql: string, type: OutType, name: string): Typed {
  return { sql, type, agg: false, name, columnsOutsideAgg: 0 };
}

function emit(e: Expr, ctx: Ctx): Typed {
  switch (e.kind) {
    case 'column': {
      const column = resolveColumn(e, ctx);
      return { sql: quoteIdent(column.name), type: T(column.dataType, !column.singleValue), agg: false, name: column.name, columnsOutsideAgg: ctx.inAgg ? 0 : 1 };
    }
    case 'literal': {
      if (e.type === 'null') return lit('NULL', T('UNKNOWN'), literalName(e));
      if (e.type === 'boolean') return lit(e.value ? 'TRUE' : 'FALSE', BOOLEAN, literalName(e));
      if (e.type === 'string') return lit(quoteString(e.value), STRING, literalName(e));
      return numberLiteral(e.value);
    }
    case 'star':
      throw parsingError("'*' is only allowed as SELECT * or COUNT(*)");
    case 'unary': {
      const arg = emit(e.arg, ctx);
      if (e.op === 'NOT') return { ...arg, sql: `(NOT ${arg.sql})`, type: BOOLEAN, name: `not(${arg.name})` };
      if (e.op === '+') return arg;
      return { ...arg, sql: `(- ${arg.sql})`, type: NUMERIC.has(arg.type.base) ? arg.type : DOUBLE, name: `minus('0',${arg.name})` };
    }
    case 'binary': return emitBinary(e, ctx);
    case 'isNull': {
      const arg = emit(e.arg, ctx);
      return { ...arg, sql: `(${arg.sql} IS ${e.not ? 'NOT ' : ''}NULL)`, type: BOOLEAN, name: `${e.not ? 'is_not_null' : 'is_null'}(${arg.name})` };
    }
    case 'between': {
      const arg = emit(e.arg, ctx);
      const low = emitComparable(e.low, arg, ctx);
      const high = emitComparable(e.high, arg, ctx);
      return combine([arg, low, high], `(${arg.sql} ${e.not ? 'NOT ' : ''}BETWEEN ${low.sql} AND ${high.sql})`, BOOLEAN, `between(${arg.name},${low.name},${high.name})`);
    }
    case 'in': {
      const arg = emit(e.arg, ctx);
      const list = e.list.map((x) => emitComparable(x, arg, ctx));
      if (arg.type.array) {
        const any = `list_has_any(${arg.sql}, [${list.map((l) => l.sql).join(', ')}])`;
        return combine([arg, ...list], e.not ? `(NOT ${any})` : any, BOOLEAN, `${e.not ? 'not_in' : 'in'}(${[arg, ...list].map((x) => x.name).join(',')})`);
      }
      return combine([arg, ...list], `(${arg.sql} ${e.not ? 'NOT IN' : 'IN'} (${list.map((l) => l.sql).join(', ')}))`, BOOLEAN, `${e.not ? 'not_in' : 'in'}(${[arg, ...list].map((x) => x.name).join(',')})`);
    }
    case 'like': {
      const arg = emit(e.arg, ctx);
      const pattern = emit(e.pattern, ctx);
      return combine([arg, pattern], `(CAST(${arg.sql} AS VARCHAR) ${e.not ? 'NOT LIKE' : 'LIKE'} ${pattern.sql})`, BOOLEAN, `like(${arg.name},${pattern.name})`);
    }
    case 'case': {
      const parts: Typed[] = [];
      let sql = 'CASE';
      let operand: Typed | undefined;
      if (e.operand) {
        operand = emit(e.operand, ctx);
        parts.push(operand);
        sql += ` ${operand.sql}`;
      }
      const thens: Typed[] = [];
      for (const w of e.whens) {
        const when = operand ? emitComparable(w.when, operand, ctx) : emit(w.when, ctx);
        const then = emit(w.then, ctx);
        parts.push(when, then);
        thens.push(then);
        sql += ` WHEN ${when.sql} THEN ${then.sql}`;
      }
      if (e.else) {
        const other = emit(e.else, ctx);
        parts.push(other);
        thens.push(other);
        sql += ` ELSE ${other.sql}`;
      }
      sql += ' END';
      return combine(parts, `(${sql})`, unify(thens.map((t) => t.type)), `case(${parts.map((p) => p.name).join(',')})`);
    }
    case 'cast': return emitCast(emit(e.arg, ctx), e.type);
    case 'call': return emitCall(e, ctx);
  }
}

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

function combine(parts: Typed[], sql: string, type: OutType, name: string): Typed {
  return {
    sql,
    type,
    name,
    agg: parts.some((p) => p.agg),
    columnsOutsideAgg: parts.reduce((n, p) => n + p.columnsOutsideAgg, 0),
  };
}

function unify(types: OutType[]): OutType {
  const known = types.filter((t) => t.base !== 'UNKNOWN');
  if (known.length === 0) return T('UNKNOWN');
  const first = known[0]!;
  if (known.every((t) => t.base === first.base && t.array === first.array)) return first;
  if (known.every((t) => NUMERIC.has(t.base) && !t.array)) {
    if (known.every((t) => INTEGRAL.has(t.base))) return LONG;
    return DOUBLE;
  }
  return STRING;
}

/**
 * Emits the other side of a comparison with `against`'s type in mind: a string literal compared with a
 * TIMESTAMP column becomes epoch millis; a number literal compared with a STRING column becomes a string.
 */
function emitComparable(e: Expr, against: Typed, ctx: Ctx): Typed {
  if (e.kind === 'literal') {
    if (against.type.base === 'TIMESTAMP' && e.type === 'string') {
      const ms = parseTimestampString(e.value.trim());
      if (ms !== undefined) return lit(`${ms}::BIGINT`, T('TIMESTAMP'), literalName(e));
    }
    if ((against.type.base === 'STRING' || against.type.base === 'JSON') && e.type === 'number') return lit(quoteString(e.value), STRING, literalName(e));
    if (NUMERIC.has(against.type.base) && e.type === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(e.value)) {
      return numberLiteral(e.value.trim().replace(/^\+/, ''));
    }
  }
  return emit(e, ctx);
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

function emitBinary(e: Expr & { kind: 'binary' }, ctx: Ctx): Typed {
  if (e.op === 'AND' || e.op === 'OR') {
    const left = emit(e.left, ctx);
    const right = emit(e.right, ctx);
    return combine([left, right], `(${left.sql} ${e.op} ${right.sql})`, BOOLEAN, `${e.op.toLowerCase()}(${left.name},${right.name})`);
  }
  if (e.op in COMPARISON_NAMES) {
    let left = emit(e.left, ctx);
    let right = emitComparable(e.right, left, ctx);
    if (e.left.kind === 'literal') {
      right = emit(e.right, ctx);
      left = emitComparable(e.left, right, ctx);
    }
    const name = `${COMPARISON_NAMES[e.op]}(${left.name},${right.name})`;
    // Multi-value column: Pinot matches when any element matches.
    if (left.type.array && !right.type.array) {
      const x = quoteIdent('x');
      return combine([left, right], `(len(list_filter(${left.sql}, ${x} -> ${x} ${e.op} ${right.sql})) > 0)`, BOOLEAN, name);
    }
    if (right.type.array && !left.type.array) {
      const x = quoteIdent('x');
      return combine([left, right], `(len(list_filter(${right.sql}, ${x} -> ${left.sql} ${e.op} ${x})) > 0)`, BOOLEAN, name);
    }
    return combine([left, right], `(${left.sql} ${e.op} ${right.sql})`, BOOLEAN, name);
  }
  const left = emit(e.left, ctx);
  const right = emit(e.right, ctx);
  if (e.op === '||') {
    const sql = boundedString('concat', [left.sql, right.sql].map(varchar), ([a, b]) => `length(${a}) + length(${b})`, ([a, b]) => `(${a} || ${b})`, ctx);
    return combine([left, right], sql, STRING, `concat(${left.name},${right.name},'')`);
  }
  return arithmetic(e.op, left, right);
}

function arithmetic(op: string, left: Typed, right: Typed): Typed {
  const names: Record<string, string> = { '+': 'plus', '-': 'minus', '*': 'times', '/': 'divide', '%': 'mod' };
  const integral = INTEGRAL.has(left.type.base) && INTEGRAL.has(right.type.base);
  const name = `${names[op]}(${left.name},${right.name})`;
  if ((op === '+' || op === '-' || op === '*') && integral) {
    return combine([left, right], `(CAST(${left.sql} AS BIGINT) ${op} CAST(${right.sql} AS BIGINT))`, LONG, name);
  }
  if (op === '%') {
    return combine([left, right], `fmod(CAST(${left.sql} AS DOUBLE), CAST(${right.sql} AS DOUBLE))`, DOUBLE, name);
  }
  return combine([left, right], `(CAST(${left.sql} AS DOUBLE) ${op} CAST(${right.sql} AS DOUBLE))`, DOUBLE, name);
}

const CAST_TYPES: Record<string, [string, BaseType]> = {
  INT: ['INTEGER', 'INT'],
  INTEGER: ['INTEGER', 'INT'],
  LONG: ['BIGINT', 'LONG'],
  BIGINT: ['BIGINT', 'LONG'],
  FLOAT: ['FLOAT', 'FLOAT'],
  REAL: ['FLOAT', 'FLOAT'],
  DOUBLE: ['DOUBLE', 'DOUBLE'],
  DECIMAL: ['DECIMAL(38,10)', 'BIG_DECIMAL'],
  BIG_DECIMAL: ['DECIMAL(38,10)', 'BIG_DECIMAL'],
  BIGDECIMAL: ['DECIMAL(38,10)', 'BIG_DECIMAL'],
  STRING: ['VARCHAR', 'STRING'],
  VARCHAR: ['VARCHAR', 'STRING'],
  CHAR: ['VARCHAR', 'STRING'],
  BOOLEAN: ['BOOLEAN', 'BOOLEAN'],
  BOOL: ['BOOLEAN', 'BOOLEAN'],
  TIMESTAMP: ['BIGINT', 'TIMESTAMP'],
  JSON: ['VARCHAR', 'JSON'],
  BYTES: ['BLOB', 'BYTES'],
  VARBINARY: ['BLOB', 'BYTES'],
};

function emitCast(arg: Typed, typeText: string): Typed {
  const target = CAST_TYPES[typeText.toUpperCase()];
  if (!target) throw parsingError(`Unsupported cast target type: ${typeText}`);
  const [duck, base] = target;
  const name = `cast(${arg.name},'${typeText.toUpperCase()}')`;
  if (base === 'TIMESTAMP') {
    const sql = arg.type.base === 'STRING'
      ? `epoch_ms(CAST(${arg.sql} AS TIMESTAMP))`
      : `CAST(${arg.sql} AS BIGINT)`;
    return { ...arg, sql, type: T('TIMESTAMP'), name };
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

function literalArg(e: Expr | undefined, what: string): string {
  if (!e || e.kind !== 'literal' || e.type === 'null') throw parsingError(`${what} must be a literal`);
  return String(e.value);
}

function msExpr(sql: string): string {
  return `epoch_ms(CAST(${sql} AS BIGINT))`;
}

/** A TIMESTAMP (naive) of epoch ms in a time zone (UTC when none). */
function zoned(tsSql: string, tz: string | undefined): string {
  if (tz === undefined || /^(UTC|GMT|Z)$/i.test(tz)) return tsSql;
  return `timezone(${quoteString(tz)}, timezone('UTC', ${tsSql}))`;
}

const AGG_NAMES = new Set([
  'count', 'sum', 'avg', 'min', 'max', 'distinctcount', 'distinctcountbitmap', 'distinctcounthll', 'distinctcounthllplus',
  'distinctcountsmarthll', 'distinctcountrawhll', 'distinctsum', 'distinctavg', 'percentile', 'percentileest', 'percentiletdigest',
  'percentilekll', 'percentilesmarttdigest', 'minmaxrange', 'lastwithtime', 'firstwithtime', 'mode', 'stddevpop', 'stddevsamp',
  'varpop', 'varsamp', 'booland', 'boolor', 'sumprecision', 'summv', 'countmv', 'minmv', 'maxmv', 'avgmv', 'distinctcountmv', 'anyvalue',
]);

/** Pinot canonical function name: lowercase, underscores removed. */
function canonical(name: string): string {
  return name.toLowerCase().replace(/_/g, '');
}

function emitCall(e: Expr & { kind: 'call' }, ctx: Ctx): Typed {
  let name = canonical(e.name);
  let args = e.args;
  // percentile95(x) → percentile(x, 95)
  const pm = /^(percentile|percentileest|percentiletdigest|percentilekll|percentilesmarttdigest)(\d+(?:\.\d+)?)$/.exec(name);
  if (pm) {
    name = pm[1]!;
    args = [...args, { kind: 'literal', type: 'number', value: pm[2]! }];
  }
  if (name === 'count' && e.distinct) name = 'distinctcount';
  if (AGG_NAMES.has(name)) return emitAggregate(name, args, e, ctx);
  if (e.distinct) throw parsingError(`DISTINCT is only allowed in aggregate functions, not in ${e.name}`);
  if (e.filter) throw parsingError(`FILTER is only allowed on aggregate functions, not on ${e.name}`);
  return emitScalar(name, args, ctx);
}

function emitAggregate(name: string, args: Expr[], e: Expr & { kind: 'call' }, ctx: Ctx): Typed {
  if (ctx.inAgg) throw parsingError(`Aggregation function ${name} cannot be nested inside another aggregation`);
  const inner: Ctx = { ...ctx, inAgg: true };
  const filter = e.filter ? emit(e.filter, ctx) : undefined;
  if (filter?.agg) throw parsingError('Aggregate functions are not supported in FILTER (WHERE …)');
  const withFilter = (sql: string) => (filter ? `${sql} FILTER (WHERE ${filter.sql})` : sql);
  const argCount = (min: number, max = min) => {
    if (args.length < min || args.length > max) throw parsingError(`Invalid number of arguments for aggregation function ${name}: ${args.length}`);
  };
  const typedArgs = (): Typed[] => args.map((a) => (a.kind === 'star' ? lit('*', T('UNKNOWN'), '*') : emit(a, inner)));
  const build = (sql: string, type: OutType, argNames?: string[]): Typed => {
    const names = argNames ?? typedArgs().map((t) => t.name);
    return { sql, type, agg: true, name: `${name}(${names.join(',')})`, columnsOutsideAgg: 0 };
  };
  const numeric = (t: Typed) => `CAST(${t.sql} AS DOUBLE)`;
  switch (name) {
    case 'count': {
      argCount(1);
      if (args[0]!.kind === 'star') return build(withFilter('count(*)'), LONG, ['*']);
      const [a] = typedArgs();
      return build(withFilter(`count(${a!.sql})`), LONG);
    }
    case 'sum':
    case 'summv': {
      argCount(1);
      const [a] = typedArgs();
      const x = name === 'summv' ? `list_sum(${a!.sql})` : numeric(a!);
      return build(`COALESCE(${withFilter(`sum(${x})`)}, 0.0::DOUBLE)`, DOUBLE);
    }
    case 'sumprecision': {
      argCount(1, 2);
      const [a] = typedArgs();
      return build(`CAST(COALESCE(${withFilter(`sum(CAST(${a!.sql} AS DECIMAL(38,10)))`)}, 0) AS DECIMAL(38,10))`, T('BIG_DECIMAL'));
    }
    case 'avg': {
      argCount(1);
      const [a] = typedArgs();
      return build(`COALESCE(${withFilter(`avg(${numeric(a!)})`)}, '-Infinity'::DOUBLE)`, DOUBLE);
    }
    case 'avgmv': {
      argCount(1);
      const [a] = typedArgs();
      return build(`COALESCE(list_avg(CAST(flatten(${withFilter(`list(${a!.sql})`)}) AS DOUBLE[])), '-Infinity'::DOUBLE)`, DOUBLE);
    }
    case 'min':
    case 'max':
    case 'minmv':
    case 'maxmv': {
      argCount(1);
      const [a] = typedArgs();
      const isMin = name.startsWith('min');
      const x = name.endsWith('mv') ? `${isMin ? 'list_min' : 'list_max'}(${a!.sql})` : numeric(a!);
      return build(`COALESCE(${withFilter(`${isMin ? 'min' : 'max'}(CAST(${x} AS DOUBLE))`)}, '${isMin ? '' : '-'}Infinity'::DOUBLE)`, DOUBLE);
    }
    case 'minmaxrange': {
      argCount(1);
      const [a] = typedArgs();
      return build(`COALESCE(${withFilter(`max(${numeric(a!)})`)} - ${withFilter(`min(${numeric(a!)})`)}, '-Infinity'::DOUBLE)`, DOUBLE);
    }
    case 'distinctcount':
    case 'distinctcountbitmap': {
      argCount(1);
      const [a] = typedArgs();
      return build(`CAST(${withFilter(`count(DISTINCT ${a!.sql})`)} AS INTEGER)`, INT);
    }
    case 'distinctcountmv': {
      argCount(1);
      const [a] = typedArgs();
      return build(`CAST(COALESCE(len(list_distinct(flatten(${withFilter(`list(${a!.sql})`)}))), 0) AS INTEGER)`, INT);
    }
    case 'distinctcounthll':
    case 'distinctcounthllplus':
    case 'distinctcountsmarthll':
    case 'distinctcountrawhll': {
      argCount(1, 3);
      const all = typedArgs();
      return build(`CAST(${withFilter(`count(DISTINCT ${all[0]!.sql})`)} AS BIGINT)`, name === 'distinctcountsmarthll' ? INT : LONG);
    }
    case 'distinctsum':
    case 'distinctavg': {
      argCount(1);
      const [a] = typedArgs();
      const fn = name === 'distinctsum' ? 'sum' : 'avg';
      return build(`COALESCE(${withFilter(`${fn}(DISTINCT ${numeric(a!)})`)}, ${name === 'distinctsum' ? '0.0' : "'-Infinity'"}::DOUBLE)`, DOUBLE);
    }
    case 'percentile':
    case 'percentileest':
    case 'percentiletdigest':
    case 'percentilekll':
    case 'percentilesmarttdigest': {
      argCount(2, 3);
      const a = emit(args[0]!, inner);
      const p = Number(literalArg(args[1], 'percentile'));
      if (!(p >= 0 && p <= 100)) throw parsingError(`Invalid percentile: ${p}`);
      const fn = name === 'percentile' || name === 'percentileest' ? 'quantile_disc' : 'quantile_cont';
      const type = name === 'percentileest' ? LONG : DOUBLE;
      const value = `${withFilter(`${fn}(${numeric(a)}, ${p / 100})`)}`;
      const sql = type === LONG ? `CAST(COALESCE(${value}, -9223372036854775808::DOUBLE) AS BIGINT)` : `COALESCE(${value}, '-Infinity'::DOUBLE)`;
      return build(sql, type, [a.name, `'${literalArg(args[1], 'percentile')}'`]);
    }
    case 'lastwithtime':
    case 'firstwithtime': {
      argCount(3);
      const a = emit(args[0]!, inner);
      const t = emit(args[1]!, inner);
      const typeText = literalArg(args[2], 'data type').toUpperCase();
      const target = CAST_TYPES[typeText];
      if (!target || typeText === 'TIMESTAMP' || typeText === 'JSON' || typeText === 'BYTES') throw parsingError(`Unsupported data type for ${name}: ${typeText}`);
      const fn = name === 'lastwithtime' ? 'arg_max' : 'arg_min';
      return build(`CAST(${withFilter(`${fn}(${a.sql}, ${t.sql})`)} AS ${target[0]})`, T(target[1]), [a.name, t.name, `'${typeText}'`]);
    }
    case 'mode': {
      argCount(1, 2);
      const a = emit(args[0]!, inner);
      return build(`COALESCE(CAST(${withFilter(`mode(${a.sql})`)} AS DOUBLE), '-Infinity'::DOUBLE)`, DOUBLE, [a.name]);
    }
    case 'stddevpop':
    case 'stddevsamp':
    case 'varpop':
    case 'varsamp': {
      argCount(1);
      const [a] = typedArgs();
      const fn = { stddevpop: 'stddev_pop', stddevsamp: 'stddev_samp', varpop: 'var_pop', varsamp: 'var_samp' }[name];
      return build(`COALESCE(${withFilter(`${fn}(${numeric(a!)})`)}, '-Infinity'::DOUBLE)`, DOUBLE);
    }
    case 'booland':
    case 'boolor': {
      argCount(1);
      const [a] = typedArgs();
      return build(`COALESCE(${withFilter(`${name === 'booland' ? 'bool_and' : 'bool_or'}(CAST(${a!.sql} AS BOOLEAN))`)}, ${name === 'booland' ? 'TRUE' : 'FALSE'})`, BOOLEAN);
    }
    case 'countmv': {
      argCount(1);
      const [a] = typedArgs();
      return build(`CAST(COALESCE(${withFilter(`sum(len(${a!.sql}))`)}, 0) AS BIGINT)`, LONG);
    }
    case 'anyvalue': {
      argCount(1);
      const [a] = typedArgs();
      return build(withFilter(`any_value(${a!.sql})`), a!.type);
    }
  }
  throw parsingError(`Unsupported aggregation function: ${name}`);
}

/** Parses an ISO-8601 duration (`PT1H`, `P1DT2H30M`, `PT0.5S`) to ms. */
export function isoDurationMs(text: string): number | undefined {
  const m = /^([+-])?P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text.trim());
  if (!m || text.trim().toUpperCase() === 'P' || /T$/i.test(text.trim())) return undefined;
  const [, sign, w, d, h, mi, s] = m;
  const ms = (Number(w ?? 0) * 7 * 86_400 + Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3600 + Number(mi ?? 0) * 60 + Number(s ?? 0)) * 1000;
  return sign === '-' ? -ms : ms;
}

/** Converts a Joda / SimpleDateFormat pattern to a DuckDB strftime/strptime pattern. */
export function jodaToStrftime(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; ) {
    const ch = pattern[i]!;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        out += "'";
        i += 2;
        continue;
      }
      out += pattern.slice(i + 1, end === -1 ? undefined : end).replace(/%/g, '%%');
      i = end === -1 ? pattern.length : end + 1;
      continue;
    }
    let j = i;
    while (j < pattern.length && pattern[j] === ch) j++;
    const n = j - i;
    const token = ((): string => {
      switch (ch) {
        case 'y': case 'Y': case 'u': return n === 2 ? '%y' : '%Y';
        case 'M': return n >= 4 ? '%B' : n === 3 ? '%b' : n === 2 ? '%m' : '%-m';
        case 'd': return n === 2 ? '%d' : '%-d';
        case 'H': case 'k': return n === 2 ? '%H' : '%-H';
        case 'h': case 'K': return n === 2 ? '%I' : '%-I';
        case 'm': return n === 2 ? '%M' : '%-M';
        case 's': return n === 2 ? '%S' : '%-S';
        case 'S': return n >= 6 ? '%f' : '%g';
        case 'a': return '%p';
        case 'E': return n >= 4 ? '%A' : '%a';
        case 'D': return '%j';
        case 'Z': case 'X': case 'x': return '%z';
        case 'z': return '%Z';
        case '%': return '%%'.repeat(n);
        default:
          if (/[A-Za-z]/.test(ch)) throw parsingError(`Unsupported date-time pattern letter '${ch}' in '${pattern}'`);
          return pattern.slice(i, j);
      }
    })();
    out += token;
    i = j;
  }
  return out;
}

/** SQL (BIGINT epoch ms) of a value in a Pinot date-time format. */
function toMillisSql(sql: string, format: DateTimeFormat): string {
  if (format.kind === 'EPOCH') {
    const factor = format.unitMs * format.size;
    return factor === 1 ? `CAST(${sql} AS BIGINT)` : `CAST(CAST(${sql} AS DOUBLE) * ${factor} AS BIGINT)`;
  }
  if (format.kind === 'TIMESTAMP') return `CAST(${sql} AS BIGINT)`;
  const parsed = `strptime(CAST(${sql} AS VARCHAR), ${quoteString(jodaToStrftime(format.pattern))})`;
  return /^(UTC|GMT)$/i.test(format.timeZone) ? `epoch_ms(${parsed})` : `epoch_ms(timezone(${quoteString(format.timeZone)}, ${parsed}))`;
}

function parseGranularityMs(text: string): number {
  const parts = text.includes('|') ? text.split('|').reverse() : text.split(':');
  const size = Number(parts[0]);
  const unit = (parts[1] ?? '').toUpperCase();
  const unitMs = TIME_UNIT_MS[unit];
  if (!Number.isFinite(size) || size <= 0 || unitMs === undefined) throw parsingError(`Invalid granularity: ${text}`);
  return size * unitMs;
}

function formatArg(e: Expr | undefined, what: string): DateTimeFormat {
  const text = literalArg(e, what);
  try {
    return parseDateTimeFormat(text);
  } catch {
    throw parsingError(`Invalid date-time format: ${text}`);
  }
}

function varchar(sql: string): string {
  return `CAST(${sql} AS VARCHAR)`;
}

function sumOfLengths(refs: string[]): string {
  return refs.map((r) => `coalesce(length(${r}), 0)`).join(' + ');
}

/**
 * A string function that builds its result, bounded: `build` runs only when `size`, the most characters
 * the result can have, is within the broker's maximum; past it the query fails (Pinot's 245) before
 * anything is built. Both see the arguments as references to values computed once (a one-element
 * list_transform binds them), so nesting these calls never evaluates an argument twice.
 */
function boundedString(fn: string, args: string[], size: (refs: string[]) => string, build: (refs: string[]) => string, ctx: Ctx): string {
  const bound = quoteIdent('pinot_args');
  const refs = args.map((_, i) => `${bound}.${quoteIdent(`a${i}`)}`);
  const fields = args.map((sql, i) => `${quoteString(`a${i}`)}: ${sql}`).join(', ');
  const need = `(${size(refs)})`;
  const max = ctx.maxStringLength;
  const error = `error(${quoteString(`${STRING_LIMIT_MARK}${fn} would build a string of `)} || ${need} || ${quoteString(` characters, more than the broker's maximum of ${max}`)})`;
  return `list_transform([{${fields}}], ${bound} -> CASE WHEN ${need} > ${max} THEN ${error} ELSE ${build(refs)} END)[1]`;
}

/** A date-time pattern whose every row could print past the string limit (a letter prints at most 16 characters). */
function checkPatternSize(fn: string, pattern: string, ctx: Ctx): void {
  if (pattern.length * 16 > ctx.maxStringLength) {
    throw new QueryError('SERVER_RESOURCE_LIMIT_EXCEEDED', `${fn} pattern of ${pattern.length} characters could print more than the broker's maximum string of ${ctx.maxStringLength}`);
  }
}

const TRUNC_UNITS = new Set(['millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']);

function emitScalar(name: string, args: Expr[], ctx: Ctx): Typed {
  const argCount = (min: number, max = min) => {
    if (args.length < min || args.length > max) throw parsingError(`Invalid number of arguments for function ${name}: ${args.length}`);
  };
  const typed = () => args.map((a) => emit(a, ctx));
  const make = (parts: Typed[], sql: string, type: OutType, nameArgs?: string[]): Typed =>
    combine(parts, sql, type, `${name}(${(nameArgs ?? parts.map((p) => p.name)).join(',')})`);
  const str = (t: Typed) => varchar(t.sql);
  const dbl = (t: Typed) => `CAST(${t.sql} AS DOUBLE)`;
  const bounded = (args: string[], size: (refs: string[]) => string, build: (refs: string[]) => string) => boundedString(name, args, size, build, ctx);

  switch (name) {
    // --- time ---
    case 'now': {
      argCount(0);
      return lit(`${ctx.nowMs}::BIGINT`, LONG, 'now()');
    }
    case 'ago': {
      argCount(1);
      const duration = literalArg(args[0], 'ago() duration');
      const ms = isoDurationMs(duration);
      if (ms === undefined) throw parsingError(`Invalid ISO-8601 duration for ago(): ${duration}`);
      return lit(`${Math.round(ctx.nowMs - ms)}::BIGINT`, LONG, `ago('${duration}')`);
    }
    case 'todatetime': {
      argCount(2, 3);
      const a = emit(args[0]!, ctx);
      const pattern = literalArg(args[1], 'toDateTime pattern');
      checkPatternSize('toDateTime', pattern, ctx);
      const tz = args[2] ? literalArg(args[2], 'time zone') : undefined;
      return make([a], `strftime(${zoned(msExpr(a.sql), tz)}, ${quoteString(jodaToStrftime(pattern))})`, STRING, [a.name, `'${pattern}'`, ...(tz ? [`'${tz}'`] : [])]);
    }
    case 'fromdatetime': {
      argCount(2, 4);
      const a = emit(args[0]!, ctx);
      const pattern = literalArg(args[1], 'fromDateTime pattern');
      const tz = args[2] ? literalArg(args[2], 'time zone') : undefined;
      const parsed = `try_strptime(${str(a)}, ${quoteString(jodaToStrftime(pattern))})`;
      let sql = tz && !/^(UTC|GMT)$/i.test(tz) ? `epoch_ms(timezone(${quoteString(tz)}, ${parsed}))` : `epoch_ms(${parsed})`;
      if (args[3]) sql = `COALESCE(${sql}, ${emit(args[3], ctx).sql})`;
      return make([a], sql, LONG, [a.name, `'${pattern}'`]);
    }
    case 'datetimeconvert': {
      argCount(4, 5);
      const a = emit(args[0]!, ctx);
      const input = formatArg(args[1], 'input format');
      const output = formatArg(args[2], 'output format');
      const granularity = parseGranularityMs(literalArg(args[3], 'granularity'));
      const ms = toMillisSql(a.sql, input);
      const bucket = `(floor(CAST(${ms} AS DOUBLE) / ${granularity}) * ${granularity})`;
      const names = [a.name, ...args.slice(1, 4).map((x) => `'${literalArg(x, 'argument')}'`)];
      if (output.kind === 'SIMPLE_DATE_FORMAT') {
        checkPatternSize('dateTimeConvert', output.pattern, ctx);
        return make([a], `strftime(${zoned(msExpr(bucket), output.timeZone)}, ${quoteString(jodaToStrftime(output.pattern))})`, STRING, names);
      }
      if (output.kind === 'TIMESTAMP') return make([a], `CAST(${bucket} AS BIGINT)`, T('TIMESTAMP'), names);
      const factor = output.unitMs * output.size;
      return make([a], `CAST(floor(${bucket} / ${factor}) AS BIGINT)`, LONG, names);
    }
    case 'datetrunc': {
      argCount(2, 5);
      const unit = literalArg(args[0], 'datetrunc unit').toLowerCase();
      if (!TRUNC_UNITS.has(unit)) throw parsingError(`Invalid datetrunc unit: ${unit}`);
      const a = emit(args[1]!, ctx);
      const inUnit = args[2] ? literalArg(args[2], 'input unit').toUpperCase() : 'MILLISECONDS';
      const tz = args[3] ? literalArg(args[3], 'time zone') : undefined;
      const outUnit = args[4] ? literalArg(args[4], 'output unit').toUpperCase() : inUnit;
      const inMs = TIME_UNIT_MS[inUnit];
      const outMs = TIME_UNIT_MS[outUnit];
      if (inMs === undefined || outMs === undefined) throw parsingError(`Invalid time unit in datetrunc`);
      const ms = `CAST(CAST(${a.sql} AS DOUBLE) * ${inMs} AS BIGINT)`;
      let truncated: string;
      if (tz && !/^(UTC|GMT)$/i.test(tz)) {
        truncated = `epoch_ms(timezone(${quoteString(tz)}, date_trunc(${quoteString(unit)}, ${zoned(msExpr(ms), tz)})))`;
      } else truncated = `epoch_ms(date_trunc(${quoteString(unit)}, ${msExpr(ms)}))`;
      const sql = a.type.base === 'TIMESTAMP' ? truncated : `CAST(floor(${truncated} / ${outMs}) AS BIGINT)`;
      return make([a], sql, a.type.base === 'TIMESTAMP' ? T('TIMESTAMP') : LONG, [`'${unit}'`, a.name]);
    }
    case 'toepochseconds':
    case 'toepochminutes':
    case 'toepochhours':
    case 'toepochdays':
    case 'toepochsecondsbucket':
    case 'toepochminutesbucket':
    case 'toepochhoursbucket':
    case 'toepochdaysbucket':
    case 'toepochsecondsrounded':
    case 'toepochminutesrounded':
    case 'toepochhoursrounded':
    case 'toepochdaysrounded': {
      const unit = /^toepoch(seconds|minutes|hours|days)/.exec(name)![1]!;
      const unitMs = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 }[unit]!;
      const bucketed = name.endsWith('bucket');
      const rounded = name.endsWith('rounded');
      argCount(bucketed || rounded ? 2 : 1);
      const all = typed();
      const size = bucketed || rounded ? `CAST(${all[1]!.sql} AS BIGINT)` : '1';
      const base = `floor(CAST(${all[0]!.sql} AS DOUBLE) / ${unitMs})`;
      const sql = bucketed ? `CAST(floor(${base} / ${size}) AS BIGINT)` : rounded ? `CAST(floor(${base} / ${size}) * ${size} AS BIGINT)` : `CAST(${base} AS BIGINT)`;
      return make(all, sql, LONG);
    }
    case 'fromepochseconds':
    case 'fromepochminutes':
    case 'fromepochhours':
    case 'fromepochdays':
    case 'fromepochsecondsbucket':
    case 'fromepochminutesbucket':
    case 'fromepochhoursbucket':
    case 'fromepochdaysbucket': {
      const unit = /^fromepoch(seconds|minutes|hours|days)/.exec(name)![1]!;
      const unitMs = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 }[unit]!;
      const bucketed = name.endsWith('bucket');
      argCount(bucketed ? 2 : 1);
      const all = typed();
      const sql = bucketed ? `(CAST(${all[0]!.sql} AS BIGINT) * CAST(${all[1]!.sql} AS BIGINT) * ${unitMs})` : `(CAST(${all[0]!.sql} AS BIGINT) * ${unitMs})`;
      return make(all, sql, LONG);
    }
    case 'totimestamp':
    case 'fromepochmillis': {
      argCount(1);
      const [a] = typed();
      return make([a!], `CAST(${a!.sql} AS BIGINT)`, T('TIMESTAMP'));
    }
    case 'toepochmillis':
    case 'fromtimestamp': {
      argCount(1);
      const [a] = typed();
      return make([a!], `CAST(${a!.sql} AS BIGINT)`, LONG);
    }
    case 'timestampliteral': {
      const text = literalArg(args[0], 'TIMESTAMP literal');
      const ms = parseTimestampString(text.trim());
      if (ms === undefined) throw parsingError(`Invalid TIMESTAMP literal: '${text}'`);
      return lit(`${ms}::BIGINT`, T('TIMESTAMP'), `'${text}'`);
    }
    case 'dateliteral': {
      const text = literalArg(args[0], 'DATE literal');
      const ms = parseTimestampString(text.trim());
      if (ms === undefined) throw parsingError(`Invalid DATE literal: '${text}'`);
      return lit(`${ms}::BIGINT`, T('TIMESTAMP'), `'${text}'`);
    }
    case 'year':
    case 'yearofweek':
    case 'yow':
    case 'quarter':
    case 'month':
    case 'week':
    case 'weekofyear':
    case 'dayofyear':
    case 'doy':
    case 'day':
    case 'dayofmonth':
    case 'dayofweek':
    case 'dow':
    case 'hour':
    case 'minute':
    case 'second':
    case 'millisecond': {
      argCount(1, 2);
      const a = emit(args[0]!, ctx);
      const tz = args[1] ? literalArg(args[1], 'time zone') : undefined;
      const part = ({
        year: 'year', yearofweek: 'isoyear', yow: 'isoyear', quarter: 'quarter', month: 'month', week: 'week', weekofyear: 'week',
        dayofyear: 'doy', doy: 'doy', day: 'day', dayofmonth: 'day', dayofweek: 'isodow', dow: 'isodow', hour: 'hour', minute: 'minute',
        second: 'second', millisecond: 'millisecond',
      } as Record<string, string>)[name]!;
      const extracted = `extract(${part} FROM ${zoned(msExpr(a.sql), tz)})`;
      const sql = part === 'millisecond' ? `CAST(${extracted} % 1000 AS INTEGER)` : `CAST(${extracted} AS INTEGER)`;
      return make([a], sql, INT);
    }
    // --- strings ---
    case 'upper':
    case 'lower':
    case 'trim':
    case 'ltrim':
    case 'rtrim':
    case 'reverse': {
      argCount(1);
      const [a] = typed();
      return make([a!], `${name}(${str(a!)})`, STRING);
    }
    case 'length': {
      argCount(1);
      const [a] = typed();
      return make([a!], `CAST(length(${str(a!)}) AS INTEGER)`, INT);
    }
    case 'concat': {
      // concat(a, b) and concat(a, b, separator): a, separator, b
      argCount(2, 3);
      const all = typed();
      const parts = all.length === 3 ? [all[0]!, all[2]!, all[1]!] : all;
      return make(all, bounded(parts.map(str), (refs) => sumOfLengths(refs), (refs) => `(${refs.join(' || ')})`), STRING);
    }
    case 'concatws': {
      argCount(2, 20);
      const all = typed();
      const size = ([sep, ...rest]: string[]) => `${sumOfLengths(rest)} + ${rest.length - 1} * coalesce(length(${sep}), 0)`;
      return make(all, bounded(all.map(str), size, (refs) => `concat_ws(${refs.join(', ')})`), STRING);
    }
    case 'repeat': {
      // repeat(s, times) and repeat(s, separator, times), as Apache Commons' StringUtils.repeat
      argCount(2, 3);
      const all = typed();
      const times = `CAST(${all[all.length - 1]!.sql} AS BIGINT)`;
      const args = all.length === 3 ? [str(all[0]!), times, str(all[1]!)] : [str(all[0]!), times, "''"];
      const size = ([text, n, sep]: string[]) => `length(${text})::HUGEINT * greatest(${n}, 0) + length(${sep})::HUGEINT * greatest(${n} - 1, 0)`;
      const build = ([text, n, sep]: string[]) => `CASE WHEN ${n} <= 0 THEN '' ELSE repeat(${text} || ${sep}, ${n} - 1) || ${text} END`;
      return make(all, bounded(args, size, build), STRING);
    }
    case 'substr': {
      argCount(2, 3);
      const all = typed();
      const [s, b, e2] = all;
      // Java substring: 0-based begin, exclusive end; end -1 = to the end.
      const sql = e2
        ? `(CASE WHEN CAST(${e2.sql} AS BIGINT) = -1 THEN substring(${str(s!)}, CAST(${b!.sql} AS BIGINT) + 1) ELSE substring(${str(s!)}, CAST(${b!.sql} AS BIGINT) + 1, CAST(${e2.sql} AS BIGINT) - CAST(${b!.sql} AS BIGINT)) END)`
        : `substring(${str(s!)}, CAST(${b!.sql} AS BIGINT) + 1)`;
      return make(all, sql, STRING);
    }
    case 'substring': {
      argCount(2, 3);
      const all = typed();
      const sql = all[2]
        ? `substring(${str(all[0]!)}, CAST(${all[1]!.sql} AS BIGINT), CAST(${all[2].sql} AS BIGINT))`
        : `substring(${str(all[0]!)}, CAST(${all[1]!.sql} AS BIGINT))`;
      return make(all, sql, STRING);
    }
    case 'replace': {
      argCount(3);
      const all = typed();
      // at most the text plus the replacement once per occurrence of the search string
      const size = ([text, search, by]: string[]) =>
        `length(${text}) + CASE WHEN strlen(${search}) = 0 THEN 0 ELSE (strlen(${text}) - strlen(replace(${text}, ${search}, ''))) // strlen(${search}) * length(${by}) END`;
      return make(all, bounded(all.map(str), size, (refs) => `replace(${refs.join(', ')})`), STRING);
    }
    case 'lpad':
    case 'rpad': {
      argCount(3);
      const all = typed();
      const args = [str(all[0]!), `CAST(${all[1]!.sql} AS BIGINT)`, str(all[2]!)];
      return make(all, bounded(args, ([, size]) => `greatest(${size}, 0)`, ([text, size, pad]) => `${name}(${text}, CAST(${size} AS INTEGER), ${pad})`), STRING);
    }
    case 'strpos':
    case 'indexof': {
      argCount(2, 3);
      const all = typed();
      return make(all, `CAST(strpos(${str(all[0]!)}, ${str(all[1]!)}) - 1 AS INTEGER)`, INT);
    }
    case 'startswith':
    case 'endswith':
    case 'contains': {
      argCount(2);
      const all = typed();
      const fn = { startswith: 'starts_with', endswith: 'ends_with', contains: 'contains' }[name];
      return make(all, `${fn}(${str(all[0]!)}, ${str(all[1]!)})`, BOOLEAN);
    }
    case 'regexplike': {
      argCount(2, 3);
      const all = typed();
      return make(all, `regexp_matches(${str(all[0]!)}, ${str(all[1]!)})`, BOOLEAN);
    }
    case 'regexpextract': {
      argCount(2, 4);
      const all = typed();
      const group = all[2] ? `CAST(${all[2].sql} AS INTEGER)` : '0';
      let sql = `regexp_extract(${str(all[0]!)}, ${str(all[1]!)}, ${group})`;
      if (all[3]) sql = `COALESCE(NULLIF(${sql}, ''), ${str(all[3])})`;
      return make(all, sql, STRING);
    }
    case 'regexpreplace': {
      argCount(3, 6);
      const all = typed();
      // the text, the replacement once per match, and each back reference (\0-\9) at most the whole text again
      const size = ([text, pattern, by]: string[]) =>
        `length(${text}) + len(regexp_extract_all(${text}, ${pattern})) * length(${by}) + length(${text}) * len(regexp_extract_all(${by}, '\\\\[0-9]'))`;
      return make(all, bounded(all.slice(0, 3).map(str), size, ([text, pattern, by]) => `regexp_replace(${text}, ${pattern}, ${by}, 'g')`), STRING);
    }
    case 'jsonextractscalar':
    case 'jsonpathstring':
    case 'jsonpathlong':
    case 'jsonpathdouble': {
      const isScalar = name === 'jsonextractscalar';
      argCount(isScalar ? 3 : 2, isScalar ? 4 : 3);
      const a = emit(args[0]!, ctx);
      const path = literalArg(args[1], 'JSON path');
      const typeText = isScalar ? literalArg(args[2], 'result type').toUpperCase() : name === 'jsonpathlong' ? 'LONG' : name === 'jsonpathdouble' ? 'DOUBLE' : 'STRING';
      const target = CAST_TYPES[typeText];
      if (!target) throw parsingError(`Unsupported result type: ${typeText}`);
      const defaultExpr = isScalar ? args[3] : args[2];
      let sql = `TRY_CAST(json_extract_string(${str(a)}, ${quoteString(path)}) AS ${target[0]})`;
      if (defaultExpr) sql = `COALESCE(${sql}, CAST(${emit(defaultExpr, ctx).sql} AS ${target[0]}))`;
      return make([a], sql, T(target[1]), [a.name, `'${path}'`, ...(isScalar ? [`'${typeText}'`] : [])]);
    }
    // --- math ---
    case 'abs':
    case 'ceil':
    case 'ceiling':
    case 'floor':
    case 'exp':
    case 'ln':
    case 'log':
    case 'log2':
    case 'log10':
    case 'sqrt':
    case 'sign': {
      argCount(1);
      const [a] = typed();
      const fn = name === 'ceiling' ? 'ceil' : name === 'log' ? 'ln' : name;
      if ((name === 'abs') && INTEGRAL.has(a!.type.base)) return make([a!], `abs(${a!.sql})`, a!.type);
      return make([a!], `CAST(${fn}(${dbl(a!)}) AS DOUBLE)`, DOUBLE);
    }
    case 'power':
    case 'pow': {
      argCount(2);
      const all = typed();
      return make(all, `pow(${dbl(all[0]!)}, ${dbl(all[1]!)})`, DOUBLE);
    }
    case 'round':
    case 'rounddecimal':
    case 'truncate': {
      argCount(1, 2);
      const all = typed();
      const scale = all[1] ? `CAST(${all[1].sql} AS INTEGER)` : '0';
      const fn = name === 'truncate' ? 'trunc' : 'round';
      const sql = fn === 'trunc' ? `(trunc(${dbl(all[0]!)} * pow(10, ${scale})) / pow(10, ${scale}))` : `round(${dbl(all[0]!)}, ${scale})`;
      return make(all, sql, DOUBLE);
    }
    case 'mod': {
      argCount(2);
      const all = typed();
      return arithmetic('%', all[0]!, all[1]!);
    }
    case 'plus':
    case 'add':
    case 'minus':
    case 'sub':
    case 'times':
    case 'mult':
    case 'divide':
    case 'div': {
      argCount(2);
      const all = typed();
      const op = { plus: '+', add: '+', minus: '-', sub: '-', times: '*', mult: '*', divide: '/', div: '/' }[name]!;
      return arithmetic(op, all[0]!, all[1]!);
    }
    case 'greatest':
    case 'least': {
      argCount(1, 50);
      const all = typed();
      return make(all, `${name}(${all.map(dbl).join(', ')})`, DOUBLE);
    }
    case 'coalesce': {
      argCount(1, 50);
      const all = typed();
      return make(all, `COALESCE(${all.map((t) => t.sql).join(', ')})`, unify(all.map((t) => t.type)));
    }
    case 'arraylength':
    case 'cardinality': {
      argCount(1);
      const [a] = typed();
      return make([a!], `CAST(len(${a!.sql}) AS INTEGER)`, INT);
    }
  }
  throw new QueryError('QUERY_VALIDATION', `Unsupported function: ${name} with ${args.length} arguments`);
}
