/**
 * The request guard of every HTTP server of the stack (Connect, ksqlDB, Pinot controller and broker, the
 * dashboard), against web pages of other local origins and DNS rebinding:
 *
 * - Host: the request must name the server by one of its names: localhost (and *.localhost), an IP address,
 *   the bind host, or an ALLOWED_HOSTS entry. A DNS name rebound to 127.0.0.1 (evil.example) is refused for
 *   every method, so a page on it cannot read or write through the browser. IP addresses are always
 *   accepted: a page can only reach them under their own origin, which no DNS answer can change.
 * - Origin: a state-changing request (POST, PUT, PATCH, DELETE) sent by a browser page is refused unless
 *   the page is the server's own origin or an ALLOWED_ORIGINS entry. Clients that send no Origin (curl,
 *   kafkajs-style scripts, Node's fetch, the ksql CLI) are not browsers and pass.
 * - Content-Type: a state-changing request with a Content-Type must use one of the route's media types (the
 *   JSON types the real API consumes), so a page cannot send it as a CORS "simple request" (text/plain,
 *   form encodings) that the browser sends without asking first.
 *
 * Each server answers a refusal in its own error shape: `guardRequest` returns what to answer, or undefined.
 * Servers whose real counterpart sends no CORS headers by default (ksqlDB, Connect) send them only to the
 * origins in ALLOWED_ORIGINS (`allowListedCors`), as their `access.control.allow.origin` setting does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import net from 'node:net';

export interface HttpGuardOptions {
  /** The address the server binds; a name (not 0.0.0.0 / ::) is one of its names. */
  bindHost?: string;
  /** More names the server answers to (ALLOWED_HOSTS): exact names, `.example.com` for a domain and its subdomains, `*` for any. */
  allowedHosts?: readonly string[];
  /** Origins whose pages may change data (ALLOWED_ORIGINS), e.g. `http://localhost:3000`; `*` for any. */
  allowedOrigins?: readonly string[];
}

export interface ContentTypeRule {
  /** Media types accepted on state-changing requests (without parameters, lower case). */
  accepted: readonly string[];
  /** A body without a Content-Type is refused too (Jersey reads it as application/octet-stream). Default false. */
  requiredWithBody?: boolean;
  /** The 415 message; default names the accepted types. */
  message?: string;
}

export interface Refusal {
  status: 403 | 415;
  /** 'host' | 'origin' | 'content-type': which check refused. */
  check: 'host' | 'origin' | 'content-type';
  message: string;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function isStateChanging(method: string | undefined): boolean {
  return STATE_CHANGING.has((method ?? '').toUpperCase());
}

/** The host name of a Host header value (`[::1]:8088` → `::1`, `LocalHost:9000` → `localhost`); undefined when malformed. */
export function hostNameOf(hostHeader: string): string | undefined {
  const value = hostHeader.trim().toLowerCase();
  if (value === '') return undefined;
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    const rest = value.slice(end + 1);
    if (end < 0 || (rest !== '' && !/^:\d{1,5}$/.test(rest))) return undefined;
    return value.slice(1, end);
  }
  const match = /^([^:/\s@]+)(?::\d{1,5})?$/.exec(value);
  return match ? match[1]!.replace(/\.$/, '') : undefined;
}

/** True when `name` (a Host header's host name) is one of the server's names. */
export function hostAllowed(name: string, options: HttpGuardOptions): boolean {
  if (net.isIP(name) !== 0) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const bind = options.bindHost?.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (bind !== undefined && name === bind) return true;
  for (const entry of options.allowedHosts ?? []) {
    const allowed = entry.trim().toLowerCase();
    if (allowed === '*' || allowed === name) return true;
    if (allowed.startsWith('.') && (name.endsWith(allowed) || name === allowed.slice(1))) return true;
  }
  return false;
}

/** The Host check: a request without a Host header (HTTP/1.0 tools) passes; a browser always sends one. */
export function checkHost(req: IncomingMessage, options: HttpGuardOptions): Refusal | undefined {
  const header = req.headers.host;
  if (header === undefined) return undefined;
  const name = hostNameOf(header);
  if (name !== undefined && hostAllowed(name, options)) return undefined;
  const shown = name ?? header;
  return {
    status: 403,
    check: 'host',
    message:
      `Host '${header}' is not a name of this server, so the request is refused (protection against DNS rebinding). ` +
      `It answers to localhost, IP addresses${options.bindHost ? `, ${options.bindHost}` : ''} and the names in ALLOWED_HOSTS; ` +
      `set ALLOWED_HOSTS=${shown} to allow this one.`,
  };
}

function normalizedOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

function listedOrigin(origin: string, options: HttpGuardOptions): boolean {
  const own = normalizedOrigin(origin);
  return (options.allowedOrigins ?? []).some((entry) => entry.trim() === '*' || (own !== undefined && normalizedOrigin(entry.trim()) === own));
}

/** True when a browser's Origin is the server's own (same host and port as the Host header) or allowed. */
export function originAllowed(origin: string, hostHeader: string | undefined, options: HttpGuardOptions): boolean {
  if (listedOrigin(origin, options)) return true;
  const own = normalizedOrigin(origin);
  if (own === undefined || hostHeader === undefined) return false;
  try {
    const page = new URL(own);
    const target = new URL(`${page.protocol}//${hostHeader.trim()}`); // the scheme's default port on both sides
    return page.host === target.host;
  } catch {
    return false;
  }
}

/**
 * The Origin check, for state-changing methods (or every method with `anyMethod`, as WebSocket handshakes
 * need). No Origin header: not a browser page's request, passes; `Origin: null` (sandboxed pages, file://) is refused.
 */
export function checkOrigin(req: IncomingMessage, options: HttpGuardOptions, anyMethod = false): Refusal | undefined {
  if (!anyMethod && !isStateChanging(req.method)) return undefined;
  const origin = req.headers.origin;
  if (origin === undefined || originAllowed(origin, req.headers.host, options)) return undefined;
  return {
    status: 403,
    check: 'origin',
    message:
      `Requests from the web page at origin ${origin} may not change anything here (${req.method ?? ''} ${(req.url ?? '').split('?')[0]}): ` +
      `only this server's own pages and the origins in ALLOWED_ORIGINS may; set ALLOWED_ORIGINS=${origin} to allow it.`,
  };
}

/** The media type of a Content-Type header, lower case without parameters; undefined when absent. */
export function mediaTypeOf(req: IncomingMessage): string | undefined {
  const header = req.headers['content-type'];
  if (header === undefined) return undefined;
  return header.split(';')[0]!.trim().toLowerCase();
}

function hasBody(req: IncomingMessage): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

/** The Content-Type check of a state-changing request. */
export function checkContentType(req: IncomingMessage, rule: ContentTypeRule): Refusal | undefined {
  if (!isStateChanging(req.method)) return undefined;
  const type = mediaTypeOf(req);
  if (type === undefined ? !(rule.requiredWithBody && hasBody(req)) : rule.accepted.includes(type)) return undefined;
  return {
    status: 415,
    check: 'content-type',
    message: rule.message ?? `Unsupported Media Type '${type ?? 'none'}': send the request body as ${rule.accepted.join(' or ')}`,
  };
}

/** Host, then Origin, then (when a rule is given) Content-Type: the first refusal, or undefined to go on. */
export function guardRequest(req: IncomingMessage, options: HttpGuardOptions, contentType?: ContentTypeRule): Refusal | undefined {
  return checkHost(req, options) ?? checkOrigin(req, options) ?? (contentType && checkContentType(req, contentType));
}

/**
 * CORS for the origins listed in ALLOWED_ORIGINS only (ksqlDB's and Connect's `access.control.allow.origin`),
 * so a page the operator allowed can send JSON and read the answer; other origins get no CORS headers.
 * Answers a preflight (OPTIONS with Access-Control-Request-Method) with 204 and returns true.
 */
export function allowListedCors(req: IncomingMessage, res: ServerResponse, options: HttpGuardOptions, methods: string, headers: string): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || !listedOrigin(origin, options)) return false;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Vary', 'Origin');
  if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return false;
  res.setHeader('Access-Control-Allow-Methods', methods);
  res.setHeader('Access-Control-Allow-Headers', headers);
  res.statusCode = 204;
  res.end();
  return true;
}
