/** What the Connect REST routers share: async handlers, body and query readers, the version the root reports. */
import type { NextFunction, Request, Response } from 'express';
import { ConnectRestError } from '../errors.ts';

export const CONNECT_VERSION = '3.9.0';
export const CONNECT_COMMIT = 'embedded-typescript';

type Handler = (req: Request, res: Response) => Promise<void> | void;

/** An express handler whose thrown errors and rejected promises reach the error handler. */
export function wrap(handler: Handler) {
  return (req: Request, res: Response, next: NextFunction): void => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch(next);
  };
}

/** A JSON object body whose values become strings (Connect reads Map<String, String>). */
export function stringMap(value: unknown, what: string): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConnectRestError(400, `${what} must be a JSON object of string values`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === null) continue;
    if (typeof v === 'object') throw new ConnectRestError(400, `Cannot deserialize value of type \`java.lang.String\` from Object value for key "${k}"`);
    out[k] = String(v);
  }
  return out;
}

/** A boolean query parameter as JAX-RS reads one: "true" in any case, else false. */
export function bool(value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return String(Array.isArray(value) ? value[0] : value).toLowerCase() === 'true';
}
