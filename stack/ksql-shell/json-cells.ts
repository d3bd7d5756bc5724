/**
 * A query row's JSON as the text of its cells, the way ksqlDB's CLI shows values: strings without
 * quotes, numbers exactly as the server wrote them (a BIGINT past 2^53 or a DECIMAL keeps every digit,
 * which JSON.parse would round), null as `null`, arrays as `[a, b]` and structs and maps as `{K=v}`.
 */

class Reader {
  private pos = 0;
  constructor(private readonly text: string) {}

  fail(what: string): never {
    throw new SyntaxError(`bad JSON in the query answer at ${this.pos} (${what}): ${this.text.slice(0, 200)}`);
  }

  private blanks(): void {
    while (/\s/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  peek(): string | undefined {
    this.blanks();
    return this.text[this.pos];
  }

  expect(c: string): void {
    if (this.peek() !== c) this.fail(`expected ${c}`);
    this.pos++;
  }

  atEnd(): boolean {
    return this.peek() === undefined;
  }

  /** One JSON value, as display text. */
  value(): string {
    const c = this.peek();
    if (c === '"') return this.string();
    if (c === '[') return `[${this.list(']', () => this.value()).join(', ')}]`;
    if (c === '{') return `{${this.list('}', () => `${this.string()}=${(this.expect(':'), this.value())}`).join(', ')}}`;
    const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(this.text.slice(this.pos));
    if (!m) this.fail('expected a value');
    this.pos += m[0].length;
    return m[0];
  }

  /** The elements of an array or object whose opening bracket is next. */
  list(close: string, element: () => string): string[] {
    this.pos++;
    const out: string[] = [];
    if (this.peek() === close) {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(element());
      const c = this.peek();
      this.pos++;
      if (c === close) return out;
      if (c !== ',') this.fail(`expected , or ${close}`);
    }
  }

  string(): string {
    if (this.peek() !== '"') this.fail('expected a string');
    const m = /^"(?:[^"\\]|\\.)*"/s.exec(this.text.slice(this.pos));
    if (!m) this.fail('unterminated string');
    this.pos += m[0].length;
    return JSON.parse(m[0]) as string;
  }
}

/** The display text of each element of a JSON array (one row of a query's answer). */
export function rowCells(json: string): string[] {
  const reader = new Reader(json);
  if (reader.peek() !== '[') reader.fail('expected a row array');
  const cells = reader.list(']', () => reader.value());
  if (!reader.atEnd()) reader.fail('text after the row');
  return cells;
}
