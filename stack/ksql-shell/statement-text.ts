/**
 * Where statements end in text typed or read from a file: at a `;` that is outside a string literal
 * ('…', '' inside one is a quote), a quoted identifier (`…` or "…") and a comment (-- to the end of
 * the line, or /* … *\/), as ksqlDB's lexer reads them. The shell sends a statement once its `;` is
 * typed, so one may span several lines and hold `;` inside quotes.
 */

export interface SplitText {
  /** Every complete statement, each ending in its `;`, trimmed. */
  statements: string[];
  /** What follows the last `;`: the start of an unfinished statement, or only blanks and comments. */
  rest: string;
  /** True when `rest` holds no statement text (only blanks and comments) and no quote or comment is open. */
  restIsBlank: boolean;
}

type State = 'code' | 'string' | 'backquoted' | 'doublequoted' | 'lineComment' | 'blockComment';

const CLOSERS: Partial<Record<State, string>> = { string: "'", backquoted: '`', doublequoted: '"' };

/** Splits `text` into complete statements and the unfinished rest. */
export function splitStatements(text: string): SplitText {
  const statements: string[] = [];
  let state: State = 'code';
  let start = 0;
  let restHasCode = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const next = text[i + 1];
    switch (state) {
      case 'code':
        if (c === ';') {
          statements.push(text.slice(start, i + 1).trim());
          start = i + 1;
          restHasCode = false;
        } else if (c === '-' && next === '-') {
          state = 'lineComment';
          i++;
        } else if (c === '/' && next === '*') {
          state = 'blockComment';
          i++;
        } else {
          if (c === "'") state = 'string';
          else if (c === '`') state = 'backquoted';
          else if (c === '"') state = 'doublequoted';
          if (!/\s/.test(c)) restHasCode = true;
        }
        break;
      case 'lineComment':
        if (c === '\n') state = 'code';
        break;
      case 'blockComment':
        if (c === '*' && next === '/') {
          state = 'code';
          i++;
        }
        break;
      default: {
        const closer = CLOSERS[state]!;
        if (c !== closer) break;
        if (next === closer)
          i++; // a doubled quote stands for one quote character
        else state = 'code';
      }
    }
  }
  const rest = text.slice(start);
  return { statements, rest, restIsBlank: !restHasCode && (state === 'code' || state === 'lineComment') };
}

/** `statement` without its comments (outside quotes), blanks collapsed at its ends. */
export function withoutComments(statement: string): string {
  let out = '';
  let state: State = 'code';
  for (let i = 0; i < statement.length; i++) {
    const c = statement[i]!;
    const next = statement[i + 1];
    if (state === 'lineComment') {
      if (c === '\n') {
        state = 'code';
        out += c;
      }
      continue;
    }
    if (state === 'blockComment') {
      if (c === '*' && next === '/') {
        state = 'code';
        out += ' ';
        i++;
      }
      continue;
    }
    if (state === 'code') {
      if (c === '-' && next === '-') {
        state = 'lineComment';
        i++;
        continue;
      }
      if (c === '/' && next === '*') {
        state = 'blockComment';
        i++;
        continue;
      }
      if (c === "'") state = 'string';
      else if (c === '`') state = 'backquoted';
      else if (c === '"') state = 'doublequoted';
    } else if (c === CLOSERS[state]) {
      if (next === c) {
        out += c;
        i++;
      } else state = 'code';
    }
    out += c;
  }
  return out.trim();
}

/** The text of a single-quoted SQL string literal's body ('' is one quote). */
export function unquote(literal: string): string {
  return literal.replace(/''/g, "'");
}
