// JSON text functions.
import { T } from '../types.ts';
import { def, nullSafe, sig } from './registry.ts';

def('TO_JSON_STRING', 'The value as JSON text', (ts) => {
  if (ts.length !== 1) return `Function 'to_json_string' does not accept parameters (${sig(ts)}).`;
  return { returnType: T.STRING, invoke: (a) => JSON.stringify(a[0] ?? null) };
});
def('EXTRACTJSONFIELD', 'A field of a JSON string, by $.path', (ts) => {
  if (ts.length !== 2) return `Function 'extractjsonfield' does not accept parameters (${sig(ts)}).`;
  return {
    returnType: T.STRING,
    invoke: nullSafe((a) => {
      let v: unknown = JSON.parse(String(a[0]));
      for (const part of String(a[1]).replace(/^\$\.?/, '').split(/\.|\[(\d+)\]/).filter((x) => x !== undefined && x !== '')) {
        if (v === null || typeof v !== 'object') return null;
        v = (v as Record<string, unknown>)[part];
      }
      if (v === undefined || v === null) return null;
      return typeof v === 'string' ? v : JSON.stringify(v);
    }),
  };
});
