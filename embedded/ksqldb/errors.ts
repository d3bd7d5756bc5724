// Errors carry the statement text and the position (1-based line:column) of the problem.

export interface Position {
  line: number;
  column: number;
}

export type KsqlErrorKind = 'parse' | 'statement' | 'runtime';

export class KsqlError extends Error {
  kind: KsqlErrorKind;
  pos?: Position;
  statementText?: string;
  constructor(message: string, opts: { kind?: KsqlErrorKind; pos?: Position; statementText?: string } = {}) {
    super(message);
    this.name = 'KsqlError';
    this.kind = opts.kind ?? 'statement';
    this.pos = opts.pos;
    this.statementText = opts.statementText;
  }
  /** Message with "line:col: " prefix when a position is known. */
  describe(): string {
    const where = this.pos ? `line ${this.pos.line}:${this.pos.column}: ` : '';
    return where + this.message + (this.statementText ? `\nStatement: ${this.statementText}` : '');
  }
}

export function fail(message: string, pos?: Position): never {
  throw new KsqlError(message, { pos });
}
