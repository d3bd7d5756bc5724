/**
 * A body-parser `verify` hook that refuses request bodies which are not valid UTF-8. The real
 * servers parse JSON strictly (Jackson) and answer 400; express.text would silently turn bad bytes
 * into U+FFFD and let names such as `bad-\uFFFD-name` through. `makeError` builds the server's own
 * error, which its error handler renders in its own shape.
 */
const decoder = new TextDecoder('utf-8', { fatal: true });

export function rejectInvalidUtf8(makeError: () => Error): (req: unknown, res: unknown, body: Buffer) => void {
  return (_req, _res, body) => {
    try {
      decoder.decode(body);
    } catch {
      throw makeError();
    }
  };
}
