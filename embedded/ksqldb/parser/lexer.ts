// Tokenizer for KSQL statements. Unquoted identifiers are upper-cased; back-quoted and
// double-quoted identifiers keep their case. Every token records its line and column.
import { KsqlError, type Position } from '../errors.ts';

export type TokenKind = 'ident' | 'qident' | 'string' | 'int' | 'decimal' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  /** identifier text (upper-cased unless quoted), string contents, number text or operator */
  text: string;
  pos: Position;
  offset: number;
  end: number;
}

const OPS = ['<=', '>=', '<>', '!=', '||', '=>', '->', '=', '<', '>', '+', '-', '*', '/', '%', '(', ')', ',', '.', ';', '[', ']', ':'];

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (at: number): Position => ({ line, column: at - lineStart + 1 });
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && src[i + 1] === '-') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const start = pos(i);
      i += 2;
      while (i < src.length && !(src[i] === '*' && src[i + 1] === '/')) {
        if (src[i] === '\n') {
          line++;
          lineStart = i + 1;
        }
        i++;
      }
      if (i >= src.length) throw new KsqlError('Unterminated comment', { kind: 'parse', pos: start });
      i += 2;
      continue;
    }
    const startPos = pos(i);
    const start = i;
    if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new KsqlError('Unterminated string literal', { kind: 'parse', pos: startPos });
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (src[i] === '\n') {
          line++;
          lineStart = i + 1;
        }
        s += src[i];
        i++;
      }
      out.push({ kind: 'string', text: s, pos: startPos, offset: start, end: i });
      continue;
    }
    if (c === '`' || c === '"') {
      const token = quotedIdentifier(src, i, startPos);
      out.push(token);
      i = token.end;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const token = numberOrDigitName(src, i, startPos);
      out.push(token);
      i = token.end;
      continue;
    }
    if (/[A-Za-z_@$]/.test(c)) {
      let j = i;
      while (j < src.length && /[A-Za-z0-9_@$]/.test(src[j]!)) j++;
      out.push({ kind: 'ident', text: src.slice(i, j).toUpperCase(), pos: startPos, offset: start, end: j });
      i = j;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new KsqlError(`Syntax error: unexpected character '${c}'`, { kind: 'parse', pos: startPos });
    out.push({ kind: 'op', text: op, pos: startPos, offset: start, end: i + op.length });
    i += op.length;
  }
  out.push({ kind: 'eof', text: '<EOF>', pos: pos(i), offset: i, end: i });
  return out;
}

/** A back-quoted or double-quoted identifier starting at `start`: its case kept, a doubled quote read as one. */
function quotedIdentifier(src: string, start: number, startPos: Position): Token {
  const quote = src[start]!;
  let s = '';
  let i = start + 1;
  for (;;) {
    if (i >= src.length) throw new KsqlError('Unterminated quoted identifier', { kind: 'parse', pos: startPos });
    if (src[i] === quote) {
      if (src[i + 1] === quote) {
        s += quote;
        i += 2;
        continue;
      }
      i++;
      break;
    }
    s += src[i];
    i++;
  }
  return { kind: 'qident', text: s, pos: startPos, offset: start, end: i };
}

/** A number starting at `start` (integer, or decimal with a point or an exponent), or a name that starts with a digit. */
function numberOrDigitName(src: string, start: number, startPos: Position): Token {
  let j = start;
  while (j < src.length && /[0-9]/.test(src[j]!)) j++;
  let isDecimal = false;
  if (src[j] === '.' && /[0-9]/.test(src[j + 1] ?? '')) {
    isDecimal = true;
    j++;
    while (j < src.length && /[0-9]/.test(src[j]!)) j++;
  } else if (src[j] === '.' && !/[A-Za-z_]/.test(src[j + 1] ?? '')) {
    isDecimal = true;
    j++;
  }
  if ((src[j] === 'E' || src[j] === 'e') && /[-+0-9]/.test(src[j + 1] ?? '')) {
    isDecimal = true;
    j++;
    if (src[j] === '+' || src[j] === '-') j++;
    while (j < src.length && /[0-9]/.test(src[j]!)) j++;
  }
  if (!isDecimal && /[A-Za-z_@]/.test(src[j] ?? '')) {
    // ksqlDB's DIGIT_IDENTIFIER: a digit then letters, digits, '_' or '@' (`AS 1R`) is a name
    while (j < src.length && /[A-Za-z0-9_@]/.test(src[j]!)) j++;
    return { kind: 'ident', text: src.slice(start, j).toUpperCase(), pos: startPos, offset: start, end: j };
  }
  return { kind: isDecimal ? 'decimal' : 'int', text: src.slice(start, j), pos: startPos, offset: start, end: j };
}
