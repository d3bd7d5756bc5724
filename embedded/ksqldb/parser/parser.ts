// Hand-written recursive-descent parser for the KSQL statement language (subset of SqlBase.g4).
import { KsqlError, type Position } from '../errors.ts';
import { T, decimalTypeError, type SqlType, type StructField } from '../types.ts';
import type { ColumnDef, Duration, Expr, JoinClause, Props, PropValue, Query, SelectItem, SourceRef, Statement, WindowSpec } from './ast.ts';
import { tokenize, type Token } from './lexer.ts';
import { Decimal, literalDecimalType } from '../expr/decimal.ts';
import { normLong } from '../expr/long.ts';

/** Words that cannot be used as unquoted identifiers (aliases / names). */
const RESERVED = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'GROUP',
  'BY',
  'HAVING',
  'PARTITION',
  'WINDOW',
  'EMIT',
  'JOIN',
  'INNER',
  'LEFT',
  'RIGHT',
  'FULL',
  'OUTER',
  'ON',
  'WITHIN',
  'AND',
  'OR',
  'NOT',
  'AS',
  'CREATE',
  'INSERT',
  'INTO',
  'VALUES',
  'LIMIT',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'IS',
  'NULL',
  'TRUE',
  'FALSE',
  'BETWEEN',
  'IN',
  'LIKE',
  'CAST',
  'WITH',
  'DISTINCT',
  'TABLE',
  'STREAM',
  'UNION',
  'ESCAPE',
]);

const UNITS: Record<string, number> = {
  MILLISECOND: 1,
  MILLISECONDS: 1,
  SECOND: 1000,
  SECONDS: 1000,
  MINUTE: 60_000,
  MINUTES: 60_000,
  HOUR: 3_600_000,
  HOURS: 3_600_000,
  DAY: 86_400_000,
  DAYS: 86_400_000,
};

const INTERVAL_UNIT_FUNCTIONS = ['DATEADD', 'DATESUB', 'TIMEADD', 'TIMESUB', 'TIMESTAMPADD', 'TIMESTAMPSUB'];
const INTERVAL_UNITS = ['NANOSECONDS', 'MICROSECONDS', 'MILLISECONDS', 'SECONDS', 'MINUTES', 'HOURS', 'DAYS'];

const MAX_LONG = 9223372036854775807n;

/**
 * Parses statements. `types`: the custom types (CREATE TYPE) already registered, by name; a CREATE TYPE
 * in `src` is known to the statements after it.
 */
export function parseStatements(src: string, types?: ReadonlyMap<string, SqlType>): Statement[] {
  return new Parser(src, types).statements();
}

export function parseExpression(src: string): Expr {
  const p = new Parser(src);
  const e = p.expr();
  p.expectEof();
  return e;
}

class Parser {
  private toks: Token[];
  private i = 0;
  private stmtStart = 0;
  /** parameters of the lambdas whose body is being parsed, innermost last */
  private lambdaParams: string[][] = [];
  private types: Map<string, SqlType>;
  constructor(
    private src: string,
    types?: ReadonlyMap<string, SqlType>,
  ) {
    this.toks = tokenize(src);
    this.types = new Map(types);
  }

  private get t(): Token {
    return this.toks[this.i]!;
  }
  private peek(n = 1): Token {
    return this.toks[Math.min(this.i + n, this.toks.length - 1)]!;
  }
  private err(msg: string, tok: Token = this.t): never {
    throw new KsqlError(msg, { kind: 'parse', pos: tok.pos, statementText: this.currentText() });
  }
  private currentText(): string {
    const startOff = this.toks[this.stmtStart]?.offset ?? 0;
    let j = this.i;
    while (j < this.toks.length - 1 && !(this.toks[j]!.kind === 'op' && this.toks[j]!.text === ';')) j++;
    return this.src.slice(startOff, this.toks[j]!.end).trim();
  }
  private syntax(): never {
    const tok = this.t;
    const what = tok.kind === 'eof' ? "'<EOF>'" : `'${this.src.slice(tok.offset, tok.end)}'`;
    this.err(`Syntax Error\nmismatched input ${what}`);
  }
  private isKw(word: string, tok: Token = this.t): boolean {
    return tok.kind === 'ident' && tok.text === word;
  }
  private acceptKw(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) if (!this.isKw(words[k]!, this.peek(k))) return false;
    this.i += words.length;
    return true;
  }
  private expectKw(word: string): Token {
    if (!this.isKw(word)) this.syntax();
    return this.toks[this.i++]!;
  }
  private isOp(op: string, tok: Token = this.t): boolean {
    return tok.kind === 'op' && tok.text === op;
  }
  private acceptOp(op: string): boolean {
    if (this.isOp(op)) {
      this.i++;
      return true;
    }
    return false;
  }
  private expectOp(op: string): Token {
    if (!this.isOp(op)) this.syntax();
    return this.toks[this.i++]!;
  }
  private expectInt(): string {
    if (this.t.kind !== 'int') this.syntax();
    return this.toks[this.i++]!.text;
  }
  private atEof(): boolean {
    return this.t.kind === 'eof';
  }
  expectEof(): void {
    if (this.t.kind !== 'eof') this.syntax();
  }

  /** An identifier: unquoted (upper-cased, not reserved) or quoted (case kept). */
  private identifier(allowReserved = false): string {
    const tok = this.t;
    if (tok.kind === 'qident') {
      this.i++;
      return tok.text;
    }
    if (tok.kind === 'ident' && (allowReserved || !RESERVED.has(tok.text))) {
      this.i++;
      return tok.text;
    }
    this.syntax();
  }
  private isIdentifier(tok: Token = this.t): boolean {
    return tok.kind === 'qident' || (tok.kind === 'ident' && !RESERVED.has(tok.text));
  }

  statements(): Statement[] {
    const out: Statement[] = [];
    while (this.t.kind !== 'eof') {
      if (this.acceptOp(';')) continue;
      this.stmtStart = this.i;
      const startOff = this.t.offset;
      const st = this.statement();
      const endOff = this.toks[this.i - 1]!.end;
      if (!this.acceptOp(';') && !this.atEof()) this.syntax();
      st.text = this.src.slice(startOff, endOff).trim() + ';';
      out.push(st);
    }
    return out;
  }

  /** EXPLAIN <query id> | EXPLAIN <CREATE ... AS SELECT | INSERT INTO ... SELECT | SELECT> (the keyword read). */
  private explain(pos: Position): Statement {
    if (this.isKw('CREATE') || this.isKw('INSERT') || this.isKw('SELECT')) {
      const startOff = this.t.offset;
      const statement = this.statement();
      statement.text = this.src.slice(startOff, this.toks[this.i - 1]!.end).trim() + ';';
      return { kind: 'explain', statement, pos, text: '' };
    }
    const tok = this.t;
    if (tok.kind !== 'ident' && tok.kind !== 'qident') this.syntax();
    this.i++;
    return { kind: 'explain', queryId: tok.kind === 'ident' ? this.src.slice(tok.offset, tok.end) : tok.text, pos, text: '' };
  }

  private statement(): Statement {
    const pos = this.t.pos;
    if (this.isKw('CREATE')) return this.create();
    if (this.isKw('INSERT')) return this.insert();
    if (this.isKw('SELECT')) return { kind: 'select', query: this.query(), pos, text: '' };
    if (this.acceptKw('EXPLAIN')) return this.explain(pos);
    if (this.acceptKw('ASSERT')) return this.assertion(pos);
    if (this.acceptKw('DROP')) {
      if (this.acceptKw('TYPE')) {
        const ifExists = this.acceptKw('IF', 'EXISTS');
        const name = this.identifier(true);
        this.types.delete(name);
        return { kind: 'dropType', name, ifExists, pos, text: '' };
      }
      const st = this.sourceType();
      const ifExists = this.acceptKw('IF', 'EXISTS');
      const name = this.identifier();
      const deleteTopic = this.acceptKw('DELETE', 'TOPIC');
      return { kind: 'drop', sourceType: st, name, ifExists, deleteTopic, pos, text: '' };
    }
    if (this.acceptKw('TERMINATE')) {
      if (this.acceptKw('ALL')) return { kind: 'terminate', queryId: 'ALL', pos, text: '' };
      const tok = this.t;
      if (tok.kind !== 'ident' && tok.kind !== 'qident' && tok.kind !== 'string') this.syntax();
      this.i++;
      return { kind: 'terminate', queryId: tok.kind === 'ident' ? this.src.slice(tok.offset, tok.end) : tok.text, pos, text: '' };
    }
    if (this.acceptKw('SHOW') || this.acceptKw('LIST')) {
      const w = this.t.text;
      const known = ['STREAMS', 'TABLES', 'QUERIES', 'TOPICS', 'PROPERTIES', 'FUNCTIONS'];
      if (this.t.kind !== 'ident' || !known.includes(w)) this.syntax();
      this.i++;
      const extended = this.acceptKw('EXTENDED');
      return { kind: 'show', what: w as 'STREAMS', extended, pos, text: '' };
    }
    if (this.acceptKw('DESCRIBE')) {
      const extended = this.acceptKw('EXTENDED');
      const name = this.identifier(true);
      const ext2 = this.acceptKw('EXTENDED');
      return { kind: 'describe', name, extended: extended || ext2, pos, text: '' };
    }
    if (this.acceptKw('SET')) {
      const name = this.stringLit();
      this.expectOp('=');
      const value = this.stringLit();
      return { kind: 'set', name, value, pos, text: '' };
    }
    if (this.acceptKw('UNSET')) return { kind: 'unset', name: this.stringLit(), pos, text: '' };
    if (this.acceptKw('RUN', 'SCRIPT')) return { kind: 'runScript', path: this.stringLit(), pos, text: '' };
    this.syntax();
  }

  /**
   * ASSERT [NOT EXISTS] TOPIC name [WITH (...)] [TIMEOUT n unit] | ASSERT [NOT EXISTS] SCHEMA [SUBJECT name]
   * [ID n] [TIMEOUT n unit] (the keyword read). A name is an identifier or a string. Anything else after
   * ASSERT (the QTT-only ASSERT VALUES / STREAM / TABLE) is ksqlDB's syntax error.
   */
  private assertion(pos: Position): Statement {
    const exists = !this.acceptKw('NOT', 'EXISTS');
    const resourceName = () => (this.t.kind === 'string' ? this.stringLit() : this.identifier(true));
    const timeout = () => (this.acceptKw('TIMEOUT') ? this.duration().ms : undefined);
    if (this.acceptKw('TOPIC')) {
      const topic = resourceName();
      const props = this.isKw('WITH') ? this.props() : {};
      return { kind: 'assertTopic', topic, exists, props, timeoutMs: timeout(), pos, text: '' };
    }
    if (this.acceptKw('SCHEMA')) {
      const subject = this.acceptKw('SUBJECT') ? resourceName() : undefined;
      let id: number | undefined;
      if (this.acceptKw('ID')) {
        const tok = this.t;
        if (tok.kind !== 'int' && tok.kind !== 'decimal' && tok.kind !== 'string') this.syntax();
        this.i++;
        const n = Number(tok.text);
        if (tok.kind !== 'int' || !Number.isSafeInteger(n) || n > 2147483647) throw new KsqlError('ID must be an integer', { pos: tok.pos });
        id = n;
      }
      const timeoutMs = timeout();
      if (subject === undefined && id === undefined) throw new KsqlError('ASSERT SCHEMA statements much include a subject name or an id', { pos });
      return { kind: 'assertSchema', subject, id, exists, timeoutMs, pos, text: '' };
    }
    const tok = this.t;
    const what = tok.kind === 'eof' ? '<EOF>' : this.src.slice(tok.offset, tok.end);
    throw new KsqlError(`Syntax error at or near '${what}' at line ${tok.pos.line}:${tok.pos.column}`, { kind: 'parse', statementText: this.currentText() });
  }

  private stringLit(): string {
    if (this.t.kind !== 'string') this.syntax();
    return this.toks[this.i++]!.text;
  }

  private sourceType(): 'STREAM' | 'TABLE' {
    if (this.acceptKw('STREAM')) return 'STREAM';
    if (this.acceptKw('TABLE')) return 'TABLE';
    this.syntax();
  }

  private create(): Statement {
    const pos = this.expectKw('CREATE').pos;
    if (this.acceptKw('TYPE')) {
      const ifNotExists = this.acceptKw('IF', 'NOT', 'EXISTS');
      const name = this.identifier(true);
      this.expectKw('AS');
      const type = this.type();
      if (!this.types.has(name)) this.types.set(name, type);
      return { kind: 'createType', name, type, ifNotExists, pos, text: '' };
    }
    const orReplace = this.acceptKw('OR', 'REPLACE');
    const source = this.acceptKw('SOURCE');
    const st = this.sourceType();
    const ifNotExists = this.acceptKw('IF', 'NOT', 'EXISTS');
    const name = this.identifier();
    let columns: ColumnDef[] = [];
    if (this.isOp('(')) columns = this.columnDefs();
    let props: Props = {};
    if (this.isKw('WITH')) props = this.props();
    if (this.acceptKw('AS')) {
      if (columns.length) this.err('CREATE ... AS SELECT cannot declare columns');
      const query = this.query();
      return { kind: 'createAs', sourceType: st, name, orReplace, ifNotExists, props, query, pos, text: '' };
    }
    return { kind: 'createSource', sourceType: st, name, orReplace, ifNotExists, source, columns, props, pos, text: '' };
  }

  private columnDefs(): ColumnDef[] {
    this.expectOp('(');
    const out: ColumnDef[] = [];
    do {
      const pos = this.t.pos;
      const name = this.identifier(true);
      const type = this.type();
      let key = false;
      let primaryKey = false;
      let header: { key?: string } | undefined;
      if (this.acceptKw('PRIMARY', 'KEY')) primaryKey = true;
      else if (this.acceptKw('KEY')) key = true;
      else if (this.acceptKw('HEADERS')) header = {};
      else if (this.isKw('HEADER') && this.isOp('(', this.peek())) {
        this.i += 2;
        header = { key: this.stringLit() };
        this.expectOp(')');
      }
      out.push({ name, type, key, primaryKey, pos, ...(header ? { header } : {}) });
    } while (this.acceptOp(','));
    this.expectOp(')');
    return out;
  }

  type(): SqlType {
    const tok = this.t;
    if (tok.kind !== 'ident') this.syntax();
    this.i++;
    switch (tok.text) {
      case 'INT':
      case 'INTEGER':
        return T.INTEGER;
      case 'BIGINT':
        return T.BIGINT;
      case 'DOUBLE':
        return T.DOUBLE;
      case 'STRING':
        return T.STRING;
      case 'VARCHAR':
        if (this.isOp('(') && (this.isKw('STRING', this.peek()) || this.peek().kind === 'int') && this.isOp(')', this.peek(2))) {
          // VARCHAR(n) / VARCHAR(STRING): length is ignored, as in ksqlDB
          this.i++;
          while (!this.isOp(')') && !this.atEof()) this.i++;
          this.expectOp(')');
        }
        return T.STRING;
      case 'BOOLEAN':
        return T.BOOLEAN;
      case 'ARRAY': {
        this.expectOp('<');
        const item = this.type();
        this.expectOp('>');
        return T.array(item);
      }
      case 'MAP': {
        this.expectOp('<');
        const key = this.type();
        this.expectOp(',');
        const value = this.type();
        this.expectOp('>');
        return T.map(key, value);
      }
      case 'STRUCT': {
        this.expectOp('<');
        const fields: StructField[] = [];
        if (!this.isOp('>')) {
          do {
            const name = this.identifier(true);
            fields.push({ name, type: this.type() });
          } while (this.acceptOp(','));
        }
        this.expectOp('>');
        return T.struct(fields);
      }
      case 'DECIMAL': {
        this.expectOp('(');
        const precision = Number(this.expectInt());
        this.expectOp(',');
        const scale = Number(this.expectInt());
        this.expectOp(')');
        const bad = decimalTypeError(precision, scale);
        if (bad) throw new KsqlError(bad, { kind: 'parse', pos: tok.pos, statementText: this.currentText() });
        return T.decimal(precision, scale);
      }
      case 'BYTES':
        return T.BYTES;
      case 'TIMESTAMP':
        return T.TIMESTAMP;
      case 'DATE':
        return T.DATE;
      case 'TIME':
        return T.TIME;
      default: {
        const custom = this.types.get(tok.text);
        if (custom) return custom;
        throw new KsqlError(`Unknown type: ${tok.text}`, { kind: 'parse', pos: tok.pos, statementText: this.currentText() });
      }
    }
  }

  private props(): Props {
    this.expectKw('WITH');
    this.expectOp('(');
    const out: Props = {};
    do {
      const pos = this.t.pos;
      let key: string;
      if (this.t.kind === 'string') key = this.stringLit().toUpperCase();
      else key = this.identifier(true).toUpperCase();
      this.expectOp('=');
      out[key] = { value: this.propValue(), pos };
    } while (this.acceptOp(','));
    this.expectOp(')');
    return out;
  }

  private propValue(): PropValue {
    const tok = this.t;
    if (tok.kind === 'string') return this.stringLit();
    if (tok.kind === 'int' || tok.kind === 'decimal') {
      this.i++;
      return Number(tok.text);
    }
    if (this.acceptOp('-')) {
      const n = this.t;
      if (n.kind !== 'int' && n.kind !== 'decimal') this.syntax();
      this.i++;
      return -Number(n.text);
    }
    if (this.acceptKw('TRUE')) return true;
    if (this.acceptKw('FALSE')) return false;
    if (this.acceptKw('NULL')) return null;
    this.syntax();
  }

  private insert(): Statement {
    const pos = this.expectKw('INSERT').pos;
    this.expectKw('INTO');
    const target = this.identifier();
    let props: Props = {};
    if (this.isKw('WITH')) props = this.props();
    let columns: string[] | undefined;
    if (this.isOp('(')) {
      this.i++;
      columns = [];
      do columns.push(this.identifier(true));
      while (this.acceptOp(','));
      this.expectOp(')');
    }
    if (this.acceptKw('VALUES')) {
      this.expectOp('(');
      const values: Expr[] = [];
      if (!this.isOp(')')) {
        do values.push(this.expr());
        while (this.acceptOp(','));
      }
      this.expectOp(')');
      return { kind: 'insertValues', target, columns, values, pos, text: '' };
    }
    if (columns) this.syntax();
    const query = this.query();
    return { kind: 'insertInto', target, props, query, pos, text: '' };
  }

  query(): Query {
    const pos = this.expectKw('SELECT').pos;
    const select: SelectItem[] = [];
    do select.push(this.selectItem());
    while (this.acceptOp(','));
    this.expectKw('FROM');
    const from = this.sourceRef();
    const joins: JoinClause[] = [];
    for (;;) {
      const jpos = this.t.pos;
      let type: JoinClause['type'] | undefined;
      if (this.acceptKw('JOIN') || this.acceptKw('INNER', 'JOIN')) type = 'INNER';
      else if (this.acceptKw('LEFT', 'OUTER', 'JOIN') || this.acceptKw('LEFT', 'JOIN')) type = 'LEFT';
      else if (this.acceptKw('RIGHT', 'OUTER', 'JOIN') || this.acceptKw('RIGHT', 'JOIN')) type = 'RIGHT';
      else if (this.acceptKw('FULL', 'OUTER', 'JOIN') || this.acceptKw('FULL', 'JOIN') || this.acceptKw('OUTER', 'JOIN')) type = 'FULL';
      if (!type) break;
      const right = this.sourceRef();
      let within: JoinClause['within'];
      if (this.acceptKw('WITHIN')) {
        if (this.acceptOp('(')) {
          const before = this.duration();
          this.expectOp(',');
          const after = this.duration();
          this.expectOp(')');
          within = { before, after };
        } else {
          const d = this.duration();
          within = { before: d, after: d };
        }
        if (this.acceptKw('GRACE', 'PERIOD')) within.grace = this.duration();
      }
      this.expectKw('ON');
      const on = this.expr();
      joins.push({ type, right, on, within, pos: jpos });
    }
    const q: Query = { select, from, joins, pos };
    if (this.isKw('WINDOW')) q.window = this.windowSpec();
    if (this.acceptKw('WHERE')) q.where = this.expr();
    if (this.acceptKw('GROUP', 'BY')) q.groupBy = this.groupingList();
    if (this.acceptKw('PARTITION', 'BY')) q.partitionBy = this.groupingList();
    if (this.acceptKw('HAVING')) q.having = this.expr();
    if (this.acceptKw('EMIT')) {
      if (this.acceptKw('CHANGES')) q.emit = 'CHANGES';
      else if (this.acceptKw('FINAL')) q.emit = 'FINAL';
      else this.syntax();
    }
    if (this.acceptKw('LIMIT')) {
      if (this.t.kind !== 'int') this.syntax();
      q.limit = Number(this.toks[this.i++]!.text);
    }
    return q;
  }

  /** GROUP BY / PARTITION BY list: `a, b`, `(a, b)` or `()`. */
  private groupingList(): Expr[] {
    const start = this.i;
    if (this.isOp('(')) {
      // Try a parenthesised list; fall back to a single parenthesised expression.
      this.i++;
      if (this.acceptOp(')')) return [];
      const items: Expr[] = [this.expr()];
      if (this.isOp(',')) {
        while (this.acceptOp(',')) items.push(this.expr());
        this.expectOp(')');
        if (this.isOp(',')) this.err('Syntax Error: grouping sets are not supported');
        return items;
      }
      this.i = start;
    }
    const items: Expr[] = [];
    do {
      if (this.isOp('(')) {
        const save = this.i;
        this.i++;
        const first = this.expr();
        if (this.isOp(',')) this.err('Syntax Error: grouping sets are not supported');
        this.i = save;
        void first;
      }
      items.push(this.expr());
    } while (this.acceptOp(','));
    return items;
  }

  private windowSpec(): WindowSpec {
    const pos = this.expectKw('WINDOW').pos;
    // ksqlDB's grammar takes an optional (unused) window name before the window type
    const WINDOW_TYPES = ['TUMBLING', 'HOPPING', 'SESSION'];
    if (this.t.kind === 'ident' && !WINDOW_TYPES.includes(this.t.text) && WINDOW_TYPES.some((w) => this.isKw(w, this.peek(1)))) this.i++;
    const typeTok = this.t;
    let type: WindowSpec['type'];
    if (this.acceptKw('TUMBLING')) type = 'TUMBLING';
    else if (this.acceptKw('HOPPING')) type = 'HOPPING';
    else if (this.acceptKw('SESSION')) type = 'SESSION';
    else this.syntax();
    this.expectOp('(');
    let size: Duration | undefined;
    const spec: Partial<WindowSpec> = {};
    if (type === 'SESSION') size = this.duration();
    let first = type === 'SESSION' ? false : true;
    while (first || this.acceptOp(',')) {
      first = false;
      if (this.acceptKw('SIZE')) size = this.duration();
      else if (this.acceptKw('ADVANCE', 'BY')) spec.advance = this.duration();
      else if (this.acceptKw('GRACE', 'PERIOD')) spec.grace = this.duration();
      else if (this.acceptKw('RETENTION')) spec.retention = this.duration();
      else this.syntax();
    }
    this.expectOp(')');
    if (!size) this.err('Window size is required', typeTok);
    if (type === 'HOPPING' && !spec.advance) this.err('HOPPING windows require ADVANCE BY', typeTok);
    if (type === 'TUMBLING' && spec.advance) this.err('TUMBLING windows do not support ADVANCE BY', typeTok);
    return { type, size, ...spec, pos };
  }

  private duration(): Duration {
    const tok = this.t;
    if (tok.kind !== 'int') this.syntax();
    this.i++;
    const unitTok = this.t;
    if (unitTok.kind !== 'ident' || !(unitTok.text in UNITS)) this.syntax();
    this.i++;
    return { ms: Number(tok.text) * UNITS[unitTok.text]!, text: `${tok.text} ${unitTok.text}` };
  }

  private sourceRef(): SourceRef {
    const pos = this.t.pos;
    const name = this.identifier();
    let alias: string | undefined;
    if (this.acceptKw('AS')) alias = this.identifier();
    else if (this.isIdentifier() && !this.isKw('WINDOW')) alias = this.identifier();
    return { name, alias, pos };
  }

  private selectItem(): SelectItem {
    const pos = this.t.pos;
    if (this.acceptOp('*')) return { kind: 'star', pos };
    if (this.isIdentifier() && this.isOp('.', this.peek()) && this.isOp('*', this.peek(2))) {
      const source = this.identifier();
      this.i += 2;
      return { kind: 'star', source, pos };
    }
    const expr = this.expr();
    if (expr.kind === 'deref' && expr.field === '*') return { kind: 'structStar', expr: expr.base, pos };
    let alias: string | undefined;
    if (this.acceptKw('AS')) alias = this.identifier(true);
    else if (this.isIdentifier()) alias = this.identifier();
    return { kind: 'expr', expr, alias, pos };
  }

  // ---- expressions ----
  expr(): Expr {
    return this.orExpr();
  }
  private orExpr(): Expr {
    let left = this.andExpr();
    while (this.isKw('OR')) {
      const pos = this.t.pos;
      this.i++;
      left = { kind: 'logic', op: 'OR', left, right: this.andExpr(), pos };
    }
    return left;
  }
  private andExpr(): Expr {
    let left = this.notExpr();
    while (this.isKw('AND')) {
      const pos = this.t.pos;
      this.i++;
      left = { kind: 'logic', op: 'AND', left, right: this.notExpr(), pos };
    }
    return left;
  }
  private notExpr(): Expr {
    if (this.isKw('NOT')) {
      const pos = this.t.pos;
      this.i++;
      return { kind: 'not', operand: this.notExpr(), pos };
    }
    return this.predicate();
  }
  private predicate(): Expr {
    const left = this.additive();
    const tok = this.t;
    const pos = left.pos;
    if (tok.kind === 'op' && ['=', '<>', '!=', '<', '<=', '>', '>='].includes(tok.text)) {
      this.i++;
      const op = tok.text === '!=' ? '<>' : (tok.text as '=');
      return { kind: 'cmp', op, left, right: this.additive(), pos: tok.pos };
    }
    if (this.isKw('IS')) {
      this.i++;
      const negated = this.acceptKw('NOT');
      if (this.acceptKw('NULL')) return { kind: 'isnull', operand: left, negated, pos: tok.pos };
      if (this.acceptKw('DISTINCT')) {
        this.expectKw('FROM');
        return { kind: 'cmp', op: negated ? 'NOT DISTINCT' : 'DISTINCT', left, right: this.additive(), pos: tok.pos };
      }
      this.syntax();
    }
    const negated = this.isKw('NOT') && ['BETWEEN', 'IN', 'LIKE'].some((w) => this.isKw(w, this.peek()));
    if (negated) this.i++;
    if (this.acceptKw('BETWEEN')) {
      const low = this.additive();
      this.expectKw('AND');
      const high = this.additive();
      return { kind: 'between', operand: left, low, high, negated, pos };
    }
    if (this.acceptKw('IN')) {
      this.expectOp('(');
      const list: Expr[] = [];
      do list.push(this.expr());
      while (this.acceptOp(','));
      this.expectOp(')');
      return { kind: 'in', operand: left, list, negated, pos };
    }
    if (this.acceptKw('LIKE')) {
      const pattern = this.additive();
      let escape: Expr | undefined;
      if (this.acceptKw('ESCAPE')) escape = this.additive();
      return { kind: 'like', operand: left, pattern, escape, negated, pos };
    }
    return left;
  }
  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const tok = this.t;
      if (this.isOp('+') || this.isOp('-')) {
        this.i++;
        left = { kind: 'arith', op: tok.text as '+', left, right: this.multiplicative(), pos: tok.pos };
      } else if (this.isOp('||')) {
        this.i++;
        left = { kind: 'call', name: 'CONCAT', args: [left, this.multiplicative()], star: false, distinct: false, pos: tok.pos };
      } else return left;
    }
  }
  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      const tok = this.t;
      if (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
        this.i++;
        left = { kind: 'arith', op: tok.text as '*', left, right: this.unary(), pos: tok.pos };
      } else return left;
    }
  }
  private unary(): Expr {
    const tok = this.t;
    if (this.acceptOp('-')) {
      const n = this.t;
      if (n.kind === 'int' || n.kind === 'decimal') {
        this.i++;
        return this.numberLiteral(n, true, tok.pos);
      }
      return { kind: 'neg', operand: this.unary(), pos: tok.pos };
    }
    if (this.acceptOp('+')) return this.unary();
    return this.postfix(this.primary());
  }
  private postfix(e: Expr): Expr {
    for (;;) {
      const pos = this.t.pos;
      if (this.acceptOp('[')) {
        const index = this.expr();
        this.expectOp(']');
        e = { kind: 'subscript', base: e, index, pos };
      } else if (this.acceptOp('->')) {
        // `->*` (all fields) is only valid as a select item, which unwraps it
        e = { kind: 'deref', base: e, field: this.acceptOp('*') ? '*' : this.identifier(true), pos };
      } else return e;
    }
  }
  /** `STRUCT(name := expr, ...)` */
  private structConstructor(pos: Position): Expr {
    const fields: { name: string; value: Expr }[] = [];
    if (!this.isOp(')')) {
      do {
        const name = this.identifier(true);
        this.expectOp(':');
        this.expectOp('=');
        fields.push({ name, value: this.expr() });
      } while (this.acceptOp(','));
    }
    this.expectOp(')');
    return { kind: 'struct', fields, pos };
  }
  /** `MAP(key := value, ...)` */
  private mapConstructor(pos: Position): Expr {
    const entries: { key: Expr; value: Expr }[] = [];
    if (!this.isOp(')')) {
      do {
        const key = this.expr();
        this.expectOp(':');
        this.expectOp('=');
        entries.push({ key, value: this.expr() });
      } while (this.acceptOp(','));
    }
    this.expectOp(')');
    return { kind: 'map', entries, pos };
  }
  private numberLiteral(tok: Token, negative: boolean, pos: Position): Expr {
    const text = (negative ? '-' : '') + tok.text;
    if (tok.kind === 'int') {
      const big = BigInt(tok.text);
      if (big > MAX_LONG) {
        throw new KsqlError(`Invalid numeric literal: ${text}`, { kind: 'parse', pos, statementText: this.currentText() });
      }
      const v = normLong(negative ? -big : big);
      const isInt = typeof v === 'number' && v >= -2147483648 && v <= 2147483647;
      return { kind: 'lit', type: isInt ? T.INTEGER : T.BIGINT, value: v, text, pos };
    }
    if (!/[eE]/.test(text)) {
      // a literal with a point and no exponent is a DECIMAL, as in ksqlDB (1.50 is DECIMAL(3,2))
      const d = Decimal.parse(text);
      const { precision, scale } = literalDecimalType(d);
      return { kind: 'lit', type: T.decimal(precision, scale), value: d, text, pos };
    }
    const v = Number(text);
    if (!Number.isFinite(v)) {
      throw new KsqlError(`Number overflows DOUBLE: ${text}`, { kind: 'parse', pos, statementText: this.currentText() });
    }
    return { kind: 'lit', type: T.DOUBLE, value: v, text, pos };
  }
  /** A function argument: a lambda (`x => ...`, `(a, b) => ...`) or an expression. */
  private argument(): Expr {
    const pos = this.t.pos;
    let params: string[] | undefined;
    if (this.isIdentifier() && this.isOp('=>', this.peek())) params = [this.identifier()];
    else if (this.isOp('(') && this.isIdentifier(this.peek())) {
      // (a, b) => ...: look ahead for the closing parenthesis and the arrow
      let k = 1;
      const names: string[] = [];
      while (this.isIdentifier(this.peek(k)) && (this.isOp(',', this.peek(k + 1)) || this.isOp(')', this.peek(k + 1)))) {
        names.push(this.peek(k).text);
        if (this.isOp(')', this.peek(k + 1))) break;
        k += 2;
      }
      if (names.length && this.isOp(')', this.peek(k + 1)) && this.isOp('=>', this.peek(k + 2))) {
        params = names;
        this.i += k + 2;
      }
    }
    if (!params) return this.expr();
    this.expectOp('=>');
    this.lambdaParams.push(params);
    try {
      return { kind: 'lambda', params, body: this.expr(), pos };
    } finally {
      this.lambdaParams.pop();
    }
  }
  private primary(): Expr {
    const tok = this.t;
    const pos = tok.pos;
    if (tok.kind === 'int' || tok.kind === 'decimal') {
      this.i++;
      return this.numberLiteral(tok, false, pos);
    }
    if (tok.kind === 'string') {
      this.i++;
      return { kind: 'lit', type: T.STRING, value: tok.text, pos };
    }
    if (this.isOp('(')) {
      this.i++;
      const e = this.expr();
      this.expectOp(')');
      return e;
    }
    if (tok.kind === 'ident') {
      switch (tok.text) {
        case 'NULL':
          this.i++;
          return { kind: 'lit', type: T.NULL, value: null, pos };
        case 'TRUE':
        case 'FALSE':
          this.i++;
          return { kind: 'lit', type: T.BOOLEAN, value: tok.text === 'TRUE', pos };
        case 'CASE':
          return this.caseExpr();
        case 'CAST': {
          this.i++;
          this.expectOp('(');
          const operand = this.expr();
          this.expectKw('AS');
          let type: SqlType | 'NULL';
          if (this.acceptKw('NULL')) type = 'NULL';
          else type = this.type();
          this.expectOp(')');
          return { kind: 'cast', operand, type, pos };
        }
        case 'STRUCT':
        case 'MAP':
          if (this.isOp('(', this.peek())) {
            this.i += 2;
            return tok.text === 'STRUCT' ? this.structConstructor(pos) : this.mapConstructor(pos);
          }
          break;
        case 'ARRAY':
          if (this.isOp('[', this.peek())) {
            this.i += 2;
            const items: Expr[] = [];
            if (!this.isOp(']')) {
              do items.push(this.expr());
              while (this.acceptOp(','));
            }
            this.expectOp(']');
            return { kind: 'array', items, pos };
          }
          break;
      }
    }
    if (tok.kind === 'ident' || tok.kind === 'qident') {
      // function call?
      if (tok.kind === 'ident' && this.isOp('(', this.peek()) && !RESERVED.has(tok.text)) {
        this.i += 2;
        const args: Expr[] = [];
        let star = false;
        let distinct = false;
        if (this.acceptOp('*')) star = true;
        else if (!this.isOp(')')) {
          distinct = this.acceptKw('DISTINCT');
          do args.push(this.argument());
          while (this.acceptOp(','));
        }
        this.expectOp(')');
        // DATEADD(DAYS, 1, d): the interval unit is a bare word, passed as its name
        const unit = args[0];
        if (INTERVAL_UNIT_FUNCTIONS.includes(tok.text) && unit?.kind === 'col' && !unit.source && INTERVAL_UNITS.includes(unit.name)) {
          args[0] = { kind: 'lit', type: T.STRING, value: unit.name, pos: unit.pos };
        }
        return { kind: 'call', name: tok.text, args, star, distinct, pos };
      }
      const first = this.identifier();
      if (this.isOp('.') && (this.peek().kind === 'ident' || this.peek().kind === 'qident')) {
        this.i++;
        const name = this.identifier(true);
        return { kind: 'col', source: first, name, pos };
      }
      if (this.lambdaParams.some((ps) => ps.includes(first))) return { kind: 'lambdaVar', name: first, pos };
      return { kind: 'col', name: first, pos };
    }
    this.syntax();
  }
  private caseExpr(): Expr {
    const pos = this.expectKw('CASE').pos;
    let operand: Expr | undefined;
    if (!this.isKw('WHEN')) operand = this.expr();
    const whens: { when: Expr; then: Expr }[] = [];
    while (this.acceptKw('WHEN')) {
      const when = this.expr();
      this.expectKw('THEN');
      whens.push({ when, then: this.expr() });
    }
    if (!whens.length) this.syntax();
    let elseE: Expr | undefined;
    if (this.acceptKw('ELSE')) elseE = this.expr();
    this.expectKw('END');
    return { kind: 'case', operand, whens, else: elseE, pos };
  }
}
