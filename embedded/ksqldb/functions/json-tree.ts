// JSON text read and written as ksqlDB's JSON functions see it (Jackson's tree model): objects keep
// their keys in document order (a JS object would move integer-like keys first), numbers keep their
// text (Jackson reads them as exact decimals: 1.0 stays 1.0), and output is compact.

export type JsonNode =
  | { kind: 'object'; fields: Map<string, JsonNode> }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; text: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' };

export class InvalidJsonError extends Error {}

/** Parses JSON text; undefined for empty or blank text (Jackson's "missing node"); throws on bad JSON. */
export function parseJsonTree(text: string): JsonNode | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw new InvalidJsonError(`Invalid JSON format:${text}`);
  };
  const value = (): JsonNode => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const fields = new Map<string, JsonNode>();
      ws();
      if (text[i] === '}') return i++, { kind: 'object', fields };
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        const key = string();
        ws();
        if (text[i++] !== ':') fail();
        fields.set(key, value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return i++, { kind: 'object', fields };
        else fail();
      }
    }
    if (c === '[') {
      i++;
      const items: JsonNode[] = [];
      ws();
      if (text[i] === ']') return i++, { kind: 'array', items };
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return i++, { kind: 'array', items };
        else fail();
      }
    }
    if (c === '"') return { kind: 'string', value: string() };
    const num = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/.exec(text.slice(i));
    if (num) return (i += num[0].length), { kind: 'number', text: num[0] };
    for (const [word, node] of [
      ['true', { kind: 'boolean', value: true }],
      ['false', { kind: 'boolean', value: false }],
      ['null', { kind: 'null' }],
    ] as const) {
      if (text.startsWith(word, i)) return (i += word.length), node;
    }
    return fail();
  };
  const string = (): string => {
    const m = /^"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/.exec(text.slice(i));
    if (!m) fail();
    i += m![0].length;
    return JSON.parse(m![0]) as string;
  };
  ws();
  if (i === text.length) return undefined;
  const root = value();
  ws();
  if (i !== text.length) fail();
  return root;
}

/** Compact JSON text of a node, as Jackson writes it. */
export function writeJsonTree(n: JsonNode): string {
  switch (n.kind) {
    case 'object':
      return `{${[...n.fields].map(([k, v]) => `${JSON.stringify(k)}:${writeJsonTree(v)}`).join(',')}}`;
    case 'array':
      return `[${n.items.map(writeJsonTree).join(',')}]`;
    case 'string':
      return JSON.stringify(n.value);
    case 'number':
      return n.text;
    case 'boolean':
      return String(n.value);
    case 'null':
      return 'null';
  }
}
