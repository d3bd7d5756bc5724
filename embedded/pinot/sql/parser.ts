/**
 * Parser for Pinot's single-stage SQL subset: optional `SET k = v;` statements, then
 * `SELECT [DISTINCT] … [FROM <table>] [WHERE] [GROUP BY] [HAVING] [ORDER BY] [LIMIT n [OFFSET m] | LIMIT m, n]`.
 * Produces a plain AST; nothing here knows about DuckDB.
 */
import { SqlSyntaxError, tokenize, type Token } from './lexer.ts';

export type Expr =
  | { kind: 'column'; name: string; quoted: boolean; qualifier?: string }
  | { kind: 'literal'; type: 'string'; value: string }
  | { kind: 'literal'; type: 'number'; value: string }
  | { kind: 'literal'; type: 'boolean'; value: boolean }
  | { kind: 'literal'; type: 'null' }
  | { kind: 'star' }
  | { kind: 'call'; name: string; args: Expr[]; distinct: boolean; filter?: Expr }
  | { kind: 'binary'; op: string; left: Expr; right: Expr }
  | { kind: 'unary'; op: '-' | '+' | 'NOT'; arg: Expr }
  | { kind: 'isNull'; arg: Expr; not: boolean }
  | { kind: 'between'; arg: Expr; low: Expr; high: Expr; not: boolean }
  | { kind: 'in'; arg: Expr; list: Expr[]; not: boolean }
  | { kind: 'like'; arg: Expr; pattern: Expr; not: boolean }
  | { kind: 'case'; operand?: Expr; whens: { when: Expr; then: Expr }[]; else?: Expr }
  | { kind: 'cast'; arg: Expr; type: string };

export interface SelectItem {
  expr: Expr;
  alias?: string;
}

export interface OrderItem {
  expr: Expr;
  desc: boolean;
  nulls?: 'FIRST' | 'LAST';
}

export interface SelectStatement {
  distinct: boolean;
  items: SelectItem[];
  /** undefined: no FROM clause */
  table?: string;
  tableAlias?: string;
  where?: Expr;
  groupBy: Expr[];
  having?: Expr;
  orderBy: OrderItem[];
  limit?: number;
  offset?: number;
}

export interface ParsedQuery {
  options: Record<string, string>;
  explain: boolean;
  select: SelectStatement;
}

/** Thrown for constructs the single-stage engine rejects (JOIN, subqueries, …) — reported as 700, not 150. */
export class SqlValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqlValidationError';
  }
}

const RESERVED = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'GROUP',
  'BY',
  'HAVING',
  'ORDER',
  'LIMIT',
  'OFFSET',
  'AS',
  'AND',
  'OR',
  'NOT',
  'IN',
  'IS',
  'NULL',
  'BETWEEN',
  'LIKE',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'DISTINCT',
  'ASC',
  'DESC',
  'JOIN',
  'ON',
  'UNION',
  'TRUE',
  'FALSE',
  'CAST',
  'INNER',
  'LEFT',
  'RIGHT',
  'FULL',
  'CROSS',
  'OUTER',
  'NULLS',
  'FILTER',
  'SET',
  'EXPLAIN',
  'WITH',
  'ALL',
  'INTERSECT',
  'EXCEPT',
  'OPTION',
  'FETCH',
  'ROWS',
]);

class Parser {
  private index = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly sql: string,
  ) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.text.toUpperCase() === word;
  }

  private acceptKeyword(word: string): boolean {
    if (this.isKeyword(word)) {
      this.index++;
      return true;
    }
    return false;
  }

  private expectKeyword(word: string): void {
    if (!this.acceptKeyword(word)) this.unexpected(`"${word}"`);
  }

  private isOp(op: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'op' && t.text === op;
  }

  private acceptOp(op: string): boolean {
    if (this.isOp(op)) {
      this.index++;
      return true;
    }
    return false;
  }

  private expectOp(op: string): void {
    if (!this.acceptOp(op)) this.unexpected(`"${op}"`);
  }

  unexpected(expected?: string): never {
    const t = this.peek();
    const shown = t.kind === 'eof' ? '<EOF>' : t.kind === 'string' ? `'${t.text}'` : t.kind === 'qident' ? `"${t.text}"` : t.text;
    throw new SqlSyntaxError(`Encountered "${shown}" at line ${t.line}, column ${t.column}.${expected ? ` Was expecting ${expected}` : ''}`, t.pos);
  }

  parseQuery(): ParsedQuery {
    const options: Record<string, string> = {};
    while (this.isKeyword('SET')) {
      this.next();
      const key = this.identifierText();
      this.expectOp('=');
      const t = this.next();
      if (t.kind !== 'string' && t.kind !== 'number' && t.kind !== 'ident') this.unexpected('a value');
      options[key] = t.text;
      if (!this.acceptOp(';')) this.unexpected('";"');
    }
    let explain = false;
    if (this.acceptKeyword('EXPLAIN')) {
      this.expectKeyword('PLAN');
      this.expectKeyword('FOR');
      explain = true;
    }
    if (this.isKeyword('WITH')) throw new SqlValidationError('WITH (common table expressions) is not supported by the single-stage engine');
    const select = this.parseSelect();
    if (this.isKeyword('OPTION') && this.isOp('(', 1)) {
      // Legacy `OPTION(key=value, …)` suffix: query options.
      this.next();
      this.next();
      if (!this.isOp(')')) {
        do {
          const key = this.identifierText();
          this.expectOp('=');
          const t = this.next();
          if (t.kind !== 'string' && t.kind !== 'number' && t.kind !== 'ident') this.unexpected('a value');
          options[key] = t.text;
        } while (this.acceptOp(','));
      }
      this.expectOp(')');
    }
    while (this.acceptOp(';')) {
      // trailing semicolons
    }
    if (this.isKeyword('UNION') || this.isKeyword('INTERSECT') || this.isKeyword('EXCEPT')) {
      throw new SqlValidationError(`${this.peek().text.toUpperCase()} is not supported by the single-stage engine`);
    }
    if (this.peek().kind !== 'eof') this.unexpected('<EOF>');
    return { options, explain, select };
  }

  private identifierText(): string {
    const t = this.next();
    if (t.kind === 'ident' || t.kind === 'qident') return t.text;
    this.index--;
    return this.unexpected('an identifier');
  }

  private parseSelect(): SelectStatement {
    if (!this.isKeyword('SELECT')) this.unexpected('"SELECT"');
    this.next();
    let distinct = false;
    if (this.acceptKeyword('DISTINCT')) distinct = true;
    else this.acceptKeyword('ALL');
    const items: SelectItem[] = [];
    do {
      const expr = this.parseExpr();
      let alias: string | undefined;
      if (this.acceptKeyword('AS')) alias = this.identifierText();
      else if (this.peek().kind === 'qident' || (this.peek().kind === 'ident' && !RESERVED.has(this.peek().text.toUpperCase()))) alias = this.identifierText();
      items.push({ expr, alias });
    } while (this.acceptOp(','));
    // No FROM: Pinot's broker answers a query of constants alone (`SELECT 1`) and refuses any other.
    let table: string | undefined;
    let tableAlias: string | undefined;
    if (this.acceptKeyword('FROM')) {
      if (this.isOp('(')) throw new SqlValidationError('Subqueries in FROM are not supported by the single-stage engine');
      table = this.identifierText();
      // Allow `db.table` by keeping the last part.
      while (this.acceptOp('.')) table = this.identifierText();
      if (this.acceptKeyword('AS')) tableAlias = this.identifierText();
      else if (this.peek().kind === 'qident' || (this.peek().kind === 'ident' && !RESERVED.has(this.peek().text.toUpperCase())))
        tableAlias = this.identifierText();
    }
    if (this.isOp(',') || ['JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS'].some((k) => this.isKeyword(k))) {
      throw new SqlValidationError('JOIN is not supported by the single-stage engine; set useMultistageEngine=true (not available in this stand-in)');
    }
    const statement: SelectStatement = { distinct, items, table, tableAlias, groupBy: [], orderBy: [] };
    if (this.acceptKeyword('WHERE')) statement.where = this.parseExpr();
    if (this.acceptKeyword('GROUP')) {
      this.expectKeyword('BY');
      do statement.groupBy.push(this.parseExpr());
      while (this.acceptOp(','));
    }
    if (this.acceptKeyword('HAVING')) statement.having = this.parseExpr();
    if (this.acceptKeyword('ORDER')) {
      this.expectKeyword('BY');
      do {
        const expr = this.parseExpr();
        let desc = false;
        if (this.acceptKeyword('DESC')) desc = true;
        else this.acceptKeyword('ASC');
        let nulls: 'FIRST' | 'LAST' | undefined;
        if (this.acceptKeyword('NULLS')) {
          if (this.acceptKeyword('FIRST')) nulls = 'FIRST';
          else if (this.acceptKeyword('LAST')) nulls = 'LAST';
          else this.unexpected('"FIRST" or "LAST"');
        }
        statement.orderBy.push({ expr, desc, nulls });
      } while (this.acceptOp(','));
    }
    if (this.acceptKeyword('LIMIT')) {
      const first = this.integer();
      if (this.acceptOp(',')) {
        statement.offset = first;
        statement.limit = this.integer();
      } else {
        statement.limit = first;
        if (this.acceptKeyword('OFFSET')) statement.offset = this.integer();
      }
    } else if (this.acceptKeyword('OFFSET')) {
      statement.offset = this.integer();
      this.acceptKeyword('ROWS');
      if (this.acceptKeyword('FETCH')) {
        if (!this.acceptKeyword('FIRST')) this.expectKeyword('NEXT');
        statement.limit = this.integer();
        if (!this.acceptKeyword('ROWS')) this.expectKeyword('ROW');
        this.expectKeyword('ONLY');
      }
    }
    return statement;
  }

  private integer(): number {
    const t = this.next();
    if (t.kind !== 'number' || !/^\d+$/.test(t.text)) {
      this.index--;
      this.unexpected('an integer');
    }
    const n = Number(t.text);
    if (!Number.isSafeInteger(n)) throw new SqlSyntaxError(`Numeric literal ${t.text} out of range`, t.pos);
    return n;
  }

  parseExpr(): Expr {
    return this.parseOr();
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.acceptKeyword('OR')) left = { kind: 'binary', op: 'OR', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.acceptKeyword('AND')) left = { kind: 'binary', op: 'AND', left, right: this.parseNot() };
    return left;
  }

  private parseNot(): Expr {
    if (this.acceptKeyword('NOT')) return { kind: 'unary', op: 'NOT', arg: this.parseNot() };
    return this.parseComparison();
  }

  private parseComparison(): Expr {
    const left = this.parseAdditive();
    const t = this.peek();
    if (t.kind === 'op' && ['=', '!=', '<>', '<', '<=', '>', '>='].includes(t.text)) {
      this.next();
      const op = t.text === '!=' ? '<>' : t.text;
      return { kind: 'binary', op, left, right: this.parseAdditive() };
    }
    if (this.acceptKeyword('IS')) {
      const not = this.acceptKeyword('NOT');
      if (this.acceptKeyword('NULL')) return { kind: 'isNull', arg: left, not };
      if (this.acceptKeyword('TRUE')) return { kind: 'binary', op: not ? '<>' : '=', left, right: { kind: 'literal', type: 'boolean', value: true } };
      if (this.acceptKeyword('FALSE')) return { kind: 'binary', op: not ? '<>' : '=', left, right: { kind: 'literal', type: 'boolean', value: false } };
      if (this.acceptKeyword('DISTINCT')) {
        this.expectKeyword('FROM');
        const right = this.parseAdditive();
        return { kind: 'binary', op: not ? 'IS NOT DISTINCT FROM' : 'IS DISTINCT FROM', left, right };
      }
      this.unexpected('"NULL"');
    }
    const not = this.isKeyword('NOT') && (this.isKeyword('BETWEEN', 1) || this.isKeyword('IN', 1) || this.isKeyword('LIKE', 1));
    if (not) this.next();
    if (this.acceptKeyword('BETWEEN')) {
      this.acceptKeyword('SYMMETRIC');
      const low = this.parseAdditive();
      this.expectKeyword('AND');
      const high = this.parseAdditive();
      return { kind: 'between', arg: left, low, high, not };
    }
    if (this.acceptKeyword('IN')) {
      this.expectOp('(');
      if (this.isKeyword('SELECT')) throw new SqlValidationError('Subqueries are not supported by the single-stage engine');
      const list: Expr[] = [];
      do list.push(this.parseExpr());
      while (this.acceptOp(','));
      this.expectOp(')');
      return { kind: 'in', arg: left, list, not };
    }
    if (this.acceptKeyword('LIKE')) return { kind: 'like', arg: left, pattern: this.parseAdditive(), not };
    if (not) this.unexpected('"BETWEEN", "IN" or "LIKE"');
    return left;
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && (t.text === '+' || t.text === '-' || t.text === '||')) {
        this.next();
        left = { kind: 'binary', op: t.text, left, right: this.parseMultiplicative() };
      } else return left;
    }
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && (t.text === '*' || t.text === '/' || t.text === '%')) {
        this.next();
        left = { kind: 'binary', op: t.text, left, right: this.parseUnary() };
      } else return left;
    }
  }

  private parseUnary(): Expr {
    if (this.isOp('-') || this.isOp('+')) {
      const op = this.next().text as '-' | '+';
      const arg = this.parseUnary();
      if (arg.kind === 'literal' && arg.type === 'number') {
        return op === '-' ? { kind: 'literal', type: 'number', value: arg.value.startsWith('-') ? arg.value.slice(1) : `-${arg.value}` } : arg;
      }
      return { kind: 'unary', op, arg };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    if (t.kind === 'number') {
      this.next();
      return { kind: 'literal', type: 'number', value: t.text };
    }
    if (t.kind === 'string') {
      this.next();
      return { kind: 'literal', type: 'string', value: t.text };
    }
    if (t.kind === 'op' && t.text === '*') {
      this.next();
      return { kind: 'star' };
    }
    if (t.kind === 'op' && t.text === '(') {
      this.next();
      if (this.isKeyword('SELECT')) throw new SqlValidationError('Subqueries are not supported by the single-stage engine');
      const inner = this.parseExpr();
      this.expectOp(')');
      return inner;
    }
    if (t.kind === 'qident') {
      this.next();
      return this.qualified({ kind: 'column', name: t.text, quoted: true });
    }
    if (t.kind === 'ident') {
      const upper = t.text.toUpperCase();
      if (upper === 'NULL') {
        this.next();
        return { kind: 'literal', type: 'null' };
      }
      if (upper === 'TRUE' || upper === 'FALSE') {
        this.next();
        return { kind: 'literal', type: 'boolean', value: upper === 'TRUE' };
      }
      if (upper === 'CASE') return this.parseCase();
      if (upper === 'CAST' && this.isOp('(', 1)) {
        this.next();
        this.next();
        const arg = this.parseExpr();
        this.expectKeyword('AS');
        let type = this.identifierText().toUpperCase();
        if (this.acceptOp('(')) {
          // VARCHAR(20), DECIMAL(10, 2): sizes are accepted and ignored.
          do this.integer();
          while (this.acceptOp(','));
          this.expectOp(')');
        }
        if (type === 'DOUBLE' && this.acceptKeyword('PRECISION')) type = 'DOUBLE';
        this.expectOp(')');
        return { kind: 'cast', arg, type };
      }
      if (this.isOp('(', 1)) return this.parseCall();
      if (RESERVED.has(upper) && !['FILTER', 'SET', 'OPTION', 'FETCH', 'ROWS'].includes(upper)) this.unexpected();
      this.next();
      if ((upper === 'TIMESTAMP' || upper === 'DATE') && this.peek().kind === 'string') {
        const literal = this.next().text;
        return {
          kind: 'call',
          name: upper === 'TIMESTAMP' ? 'timestampliteral' : 'dateliteral',
          args: [{ kind: 'literal', type: 'string', value: literal }],
          distinct: false,
        };
      }
      return this.qualified({ kind: 'column', name: t.text, quoted: false });
    }
    return this.unexpected();
  }

  /** `t.col` → col (the table qualifier is checked by the analyzer through `qualifier`). */
  private qualified(first: Expr & { kind: 'column' }): Expr {
    if (this.isOp('.') && (this.peek(1).kind === 'ident' || this.peek(1).kind === 'qident')) {
      this.next();
      const t = this.next();
      return { kind: 'column', name: t.text, quoted: t.kind === 'qident', qualifier: first.name };
    }
    return first;
  }

  private parseCall(): Expr {
    const nameToken = this.next();
    const name = nameToken.text.toLowerCase();
    this.expectOp('(');
    let distinct = false;
    const args: Expr[] = [];
    if (!this.isOp(')')) {
      if (this.acceptKeyword('DISTINCT')) distinct = true;
      else this.acceptKeyword('ALL');
      do args.push(this.parseExpr());
      while (this.acceptOp(','));
    }
    this.expectOp(')');
    const call: Expr = { kind: 'call', name, args, distinct };
    if (this.isKeyword('FILTER') && this.isOp('(', 1)) {
      this.next();
      this.next();
      this.expectKeyword('WHERE');
      call.filter = this.parseExpr();
      this.expectOp(')');
    }
    if (this.isKeyword('OVER')) throw new SqlValidationError('Window functions (OVER) are not supported by the single-stage engine');
    return call;
  }

  private parseCase(): Expr {
    this.next();
    let operand: Expr | undefined;
    if (!this.isKeyword('WHEN')) operand = this.parseExpr();
    const whens: { when: Expr; then: Expr }[] = [];
    while (this.acceptKeyword('WHEN')) {
      const when = this.parseExpr();
      this.expectKeyword('THEN');
      whens.push({ when, then: this.parseExpr() });
    }
    if (whens.length === 0) this.unexpected('"WHEN"');
    let elseExpr: Expr | undefined;
    if (this.acceptKeyword('ELSE')) elseExpr = this.parseExpr();
    this.expectKeyword('END');
    return { kind: 'case', operand, whens, else: elseExpr };
  }

  expectEnd(): void {
    if (this.peek().kind !== 'eof') this.unexpected('<EOF>');
  }

  get source(): string {
    return this.sql;
  }
}

/** Parses a full query text (SET options, EXPLAIN PLAN FOR, one SELECT). Throws SqlSyntaxError / SqlValidationError. */
export function parseQuery(sql: string): ParsedQuery {
  return new Parser(tokenize(sql), sql).parseQuery();
}

/** Parses one expression (used by ingestion transform functions). */
export function parseExpression(text: string): Expr {
  const parser = new Parser(tokenize(text), text);
  const expr = parser.parseExpr();
  parser.expectEnd();
  return expr;
}
