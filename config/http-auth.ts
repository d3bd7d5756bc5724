/**
 * The one helper that adds a service's credentials to an HTTP request: basic auth (Connect, ksqlDB as
 * ksqlDB's `authentication.method=BASIC` and managed ksqlDB's API keys want it, Pinot) or a bearer
 * token (Pinot). The application's HTTP client (http-client.ts) sends them with every request of a service.
 */
import type { HttpAuth } from './endpoints.ts';

/** The headers that carry `auth`: an Authorization header, or none. */
export function authHeaders(auth: HttpAuth | undefined): Record<string, string> {
  if (!auth || auth.kind === 'none') return {};
  if (auth.kind === 'bearer') return { authorization: `Bearer ${auth.token}` };
  return { authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}` };
}
