// URL functions: parts of a URL, and form encoding.
import { T } from '../types.ts';
import { def, nullSafe, sig, strFn } from './registry.ts';

const urlPart = (name: string, f: (u: URL, arg?: string) => string | null) =>
  def(name, `${name.toLowerCase()} of a URL`, (ts) => {
    if (ts.length < 1 || ts.length > 2) return `Function '${name.toLowerCase()}' does not accept parameters (${sig(ts)}).`;
    return {
      returnType: name === 'URL_EXTRACT_PORT' ? T.INTEGER : T.STRING,
      invoke: nullSafe((a) => {
        let u: URL;
        try {
          u = new URL(String(a[0]));
        } catch {
          return null;
        }
        const r = f(u, a[1] === undefined ? undefined : String(a[1]));
        return name === 'URL_EXTRACT_PORT' ? (r ? Number(r) : null) : r;
      }),
    };
  });
urlPart('URL_EXTRACT_HOST', (u) => u.hostname || null);
/**
 * The path as Java's URI.getPath() gives it: decoded, empty (not "/") when the URL has none, null for
 * an opaque URI (mailto:x); WHATWG URL parsing would normalise an empty http path to "/".
 */
def('URL_EXTRACT_PATH', 'path of a URL', (ts) => {
  if (ts.length !== 1) return `Function 'url_extract_path' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.STRING,
    invoke: nullSafe((a) => {
      // RFC 3986, appendix B: scheme, authority, path, query, fragment
      const m = /^(?:([^:/?#]+):)?(\/\/[^/?#]*)?([^?#]*)(?:\?[^#]*)?(?:#.*)?$/s.exec(String(a[0]))!;
      const [, scheme, authority, path] = m;
      if (scheme !== undefined && authority === undefined && !path!.startsWith('/')) return null;
      return decodeURIComponent(path!);
    }),
  };
});
urlPart('URL_EXTRACT_PORT', (u) => u.port || null);
urlPart('URL_EXTRACT_PROTOCOL', (u) => u.protocol.replace(/:$/, '') || null);
urlPart('URL_EXTRACT_QUERY', (u) => (u.search ? decodeURIComponent(u.search.slice(1)) : null));
urlPart('URL_EXTRACT_FRAGMENT', (u) => (u.hash ? decodeURIComponent(u.hash.slice(1)) : null));
urlPart('URL_EXTRACT_PARAMETER', (u, p) => (p === undefined ? null : u.searchParams.get(p)));
strFn('URL_ENCODE_PARAM', 'application/x-www-form-urlencoded encoding', 1, (a) => new URLSearchParams({ x: String(a[0]) }).toString().slice(2));
strFn('URL_DECODE_PARAM', 'application/x-www-form-urlencoded decoding', 1, (a) => decodeURIComponent(String(a[0]).replace(/\+/g, ' ')));
