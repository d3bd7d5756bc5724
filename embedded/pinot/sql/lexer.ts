/** Tokens of Pinot's SQL subset (Calcite lexical rules as far as dashboards need them). */

export type TokenKind = 'ident' | 'qident' | 'string' | 'number' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Identifier text (unquoted, as written), string contents (unescaped), number text, or the operator. */
  text: string;
  /** 0-based offset in the SQL text. */
  pos: number;
  line: number;
  column: number;
}

export class SqlSyntaxError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
    this.name = 'SqlSyntaxError';
  }
}

const OPERATORS = ['<>', '!=', '<=', '>=', '||', '=', '<', '>', '+', '-', '*', '/', '%', '(', ')', ',', '.', ';'];

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const push = (kind: TokenKind, text: string, pos: number) => tokens.push({ kind, text, pos, line, column: pos - lineStart + 1 });
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end === -1) throw new SqlSyntaxError('Lexical error: unterminated comment', i);
      for (let k = i; k < end; k++)
        if (sql[k] === '\n') {
          line++;
          lineStart = k + 1;
        }
      i = end + 2;
      continue;
    }
    const start = i;
    if (/[A-Za-z_$]/.test(ch) || ch.charCodeAt(0) > 127) {
      while (i < sql.length && (/[A-Za-z0-9_$]/.test(sql[i]!) || sql.charCodeAt(i) > 127)) i++;
      push('ident', sql.slice(start, i), start);
      continue;
    }
    if (ch === '"' || ch === '`') {
      let text = '';
      i++;
      for (;;) {
        if (i >= sql.length) throw new SqlSyntaxError(`Lexical error: unterminated quoted identifier`, start);
        if (sql[i] === ch) {
          if (sql[i + 1] === ch) {
            text += ch;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += sql[i];
        i++;
      }
      if (text === '') throw new SqlSyntaxError('Lexical error: empty quoted identifier', start);
      push('qident', text, start);
      continue;
    }
    if (ch === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= sql.length) throw new SqlSyntaxError('Lexical error: unterminated string literal', start);
        if (sql[i] === "'") {
          if (sql[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (sql[i] === '\n') {
          line++;
          lineStart = i + 1;
        }
        text += sql[i];
        i++;
      }
      push('string', text, start);
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(sql.slice(i))!;
      i += m[0].length;
      push('number', m[0], start);
      continue;
    }
    const op = OPERATORS.find((o) => sql.startsWith(o, i));
    if (!op) throw new SqlSyntaxError(`Lexical error at line ${line}, column ${i - lineStart + 1}. Encountered: "${ch}"`, i);
    i += op.length;
    push('op', op, start);
  }
  tokens.push({ kind: 'eof', text: '<EOF>', pos: sql.length, line, column: sql.length - lineStart + 1 });
  return tokens;
}
