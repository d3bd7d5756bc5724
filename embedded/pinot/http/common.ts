/** Shared HTTP plumbing: raw body reading (JSON or multipart file), JSON replies, Pinot error shapes. */
import express, { type NextFunction, type Request, type Response } from 'express';
import { guardRequest, type HttpGuardOptions } from '../../common/http-guard.ts';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../../common/json-depth.ts';
import { rejectInvalidUtf8 } from '../../common/strict-utf8.ts';
import { ControllerError, errorMessage } from '../errors.ts';
import { toJson } from '../json.ts';

/**
 * Host, browser Origin and media type checks (embedded/common/http-guard.ts), refusals in Pinot's error
 * shape. Pinot's resources consume application/json (uploads also multipart/form-data); a request
 * without a Content-Type is read as JSON.
 */
export function pinotGuard(guard: HttpGuardOptions, accepted: readonly string[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const refusal = guardRequest(req, guard, { accepted, message: 'HTTP 415 Unsupported Media Type' });
    if (!refusal) return next();
    sendJson(res, { code: refusal.status, error: refusal.message }, refusal.status);
  };
}

/** Express middleware: the body as text (the content type is checked by pinotGuard). */
export const rawBody = express.text({
  type: () => true,
  limit: '16mb',
  verify: rejectInvalidUtf8(() => new ControllerError(400, 'Invalid JSON: invalid UTF-8 in request body')),
});

/** Sends `value` as JSON with bigint / Java-double support. */
export function sendJson(res: Response, value: unknown, status = 200): void {
  res.status(status).type('application/json').send(toJson(value));
}

/**
 * The JSON document of a config upload: the body itself, or the first file part of a multipart form
 * (`curl -F schemaName=@schema.json`).
 */
export function bodyJson(req: Request, what: string): unknown {
  let text = typeof req.body === 'string' ? req.body : '';
  const contentType = String(req.headers['content-type'] ?? '');
  const boundary = /multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (boundary) {
    const parts = text.split(`--${boundary}`).slice(1, -1);
    const part = parts.find((p) => /filename=/i.test(p)) ?? parts[0];
    if (part === undefined) throw new ControllerError(400, `Invalid ${what}: empty multipart body`);
    const split = part.indexOf('\r\n\r\n');
    text = split >= 0 ? part.slice(split + 4).replace(/\r\n$/, '') : '';
  }
  if (text.trim() === '') throw new ControllerError(400, `Invalid ${what}: the request body is empty`);
  if (jsonDepthExceeds(text)) {
    throw new ControllerError(400, `Invalid ${what} json string: Document nesting depth exceeds the maximum allowed (${MAX_JSON_DEPTH})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ControllerError(400, `Invalid ${what} json string: ${errorMessage(error)}`);
  }
}

/** Boolean query parameter with a default. */
export function boolParam(value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return String(value).toLowerCase() === 'true';
}

/** Wraps an async route so rejections reach the error handler. */
export function route(fn: (req: Request, res: Response) => Promise<void> | void) {
  return (req: Request, res: Response, next: NextFunction) => {
    Promise.resolve()
      .then(() => fn(req, res))
      .catch(next);
  };
}

/** Pinot's WebApplicationExceptionMapper: `{"code": status, "error": message}`. */
export function controllerErrorHandler(log: (line: string) => void) {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof ControllerError) {
      sendJson(res, { code: error.status, error: error.message }, error.status);
      return;
    }
    const status = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : 500;
    if (status >= 500) log(`controller error: ${errorMessage(error)}`);
    sendJson(res, { code: status, error: errorMessage(error) }, status);
  };
}

/** Permissive CORS as Pinot's controller and broker allow browser consoles. */
export function cors(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization, Database, Pinot-Use-Http-Status-For-Errors');
  if (req.method === 'OPTIONS') {
    res.status(204).end();
    return;
  }
  next();
}
