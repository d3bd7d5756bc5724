/**
 * The one helper that adds a service's credentials to an HTTP request: basic auth (Connect, ksqlDB as
 * ksqlDB's `authentication.method=BASIC` and managed ksqlDB's API keys want it, Pinot) or a bearer
 * token (Pinot). Used by the bootstrap, verify, the dashboard's Pinot queries and health checks, and
 * the external mode's start-up check.
 */
import type { HttpAuth } from './endpoints.ts';

/** The headers that carry `auth`: an Authorization header, or none. */
export function authHeaders(auth: HttpAuth | undefined): Record<string, string> {
  if (!auth || auth.kind === 'none') return {};
  if (auth.kind === 'bearer') return { authorization: `Bearer ${auth.token}` };
  return { authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}` };
}

/** `init` with the credentials of `auth` added to its headers (headers already there are kept). */
export function withAuth(init: RequestInit, auth: HttpAuth | undefined): RequestInit {
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(authHeaders(auth))) headers.set(name, value);
  return { ...init, headers };
}
