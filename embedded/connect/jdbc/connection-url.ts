/**
 * `connection.url` as MySQL Connector/J and MariaDB Connector/J write it:
 *   jdbc:mysql://[user[:password]@]host[:port][,host2…]/[database][?key=value&…]
 *   jdbc:mariadb://…  (same shape)
 * Only the first host is used. `user` / `password` query parameters are honoured (connection.user and
 * connection.password win), `connectTimeout` and `socketTimeout` (ms) too; other driver parameters (useSSL, serverTimezone…) are ignored.
 */

export interface JdbcTarget {
  protocol: 'mysql' | 'mariadb';
  host: string;
  port: number;
  database: string | undefined;
  user: string | undefined;
  password: string | undefined;
  params: Record<string, string>;
}

export class JdbcUrlError extends Error {
  override name = 'JdbcUrlError';
}

export function parseJdbcUrl(url: string): JdbcTarget {
  const match = /^jdbc:(mysql|mariadb):\/\/([^/?]*)(?:\/([^?]*))?(?:\?(.*))?$/i.exec(url.trim());
  if (!match) {
    throw new JdbcUrlError('must look like jdbc:mysql://host:port/database or jdbc:mariadb://host:port/database');
  }
  const protocol = match[1].toLowerCase() as 'mysql' | 'mariadb';
  let authority = match[2];
  let user: string | undefined;
  let password: string | undefined;
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const credentials = authority.slice(0, at);
    authority = authority.slice(at + 1);
    const colon = credentials.indexOf(':');
    user = decodeURIComponent(colon >= 0 ? credentials.slice(0, colon) : credentials);
    password = colon >= 0 ? decodeURIComponent(credentials.slice(colon + 1)) : undefined;
  }
  const first = authority.split(',')[0].trim();
  const hostPort = /^(\[[^\]]+\]|[^:]+)?(?::(\d+))?$/.exec(first);
  if (!hostPort) throw new JdbcUrlError(`cannot read host and port from "${first}"`);
  const host = (hostPort[1] ?? 'localhost').replace(/^\[(.*)\]$/, '$1');
  const port = hostPort[2] === undefined ? 3306 : Number(hostPort[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new JdbcUrlError(`port must be 1-65535, got ${hostPort[2]}`);
  const params: Record<string, string> = {};
  for (const pair of (match[4] ?? '').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const k = decodeURIComponent(eq >= 0 ? pair.slice(0, eq) : pair);
    params[k] = decodeURIComponent(eq >= 0 ? pair.slice(eq + 1) : '');
  }
  const database = match[3] ? decodeURIComponent(match[3]) : undefined;
  return {
    protocol,
    host,
    port,
    database: database === '' ? undefined : database,
    user: user ?? params.user,
    password: password ?? params.password,
    params,
  };
}
