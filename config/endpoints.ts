/**
 * Where the HTTP services are and how to authenticate to them (Connect, Debezium's Connect, ksqlDB,
 * Pinot's controller and broker), and the addresses the servers themselves use to reach MySQL and
 * Kafka. Defaults are the embedded stack's 127.0.0.1 ports; the external mode (STACK=external) sets
 * them to clusters of the user's own.
 */
import { ConfigError, envOptional as raw, redactUrl, type Env } from './env.ts';

/** The Authorization a service wants: none, HTTP basic, or a bearer token. */
export type HttpAuth = { kind: 'none' } | { kind: 'basic'; user: string; password: string } | { kind: 'bearer'; token: string };

export const NO_AUTH: HttpAuth = { kind: 'none' };

export interface HttpEndpoint {
  /** Base URL without credentials and without a trailing slash. */
  url: string;
  auth: HttpAuth;
  /** The variable that sets the URL (named in error lines: "set CONNECT_URL"). */
  variable: string;
  /** The variables that set the credentials, for "unauthorised" lines. */
  authVariables: string[];
}

export interface Endpoints {
  connect: HttpEndpoint;
  /** Debezium's Connect worker (docker's course-activity profile); default the same as CONNECT_URL's. */
  debeziumConnect: HttpEndpoint;
  ksqldb: HttpEndpoint;
  pinotController: HttpEndpoint;
  pinotBroker: HttpEndpoint;
  /** mysql://… as the Connect worker sees MySQL (CONNECT_MYSQL_URL); undefined: the same MySQL as ours. */
  connectMysqlUrl: string | undefined;
  /** stream.kafka.broker.list Pinot consumes from (PINOT_KAFKA_BROKER_LIST); undefined: our bootstrap list. */
  pinotKafkaBrokerList: string | undefined;
}

/** An http(s) URL; credentials in it (https://user:pass@host) become basic auth, never part of the URL. */
function parseUrl(env: Env, name: string, fallback: string): { url: string; auth?: HttpAuth } {
  const text = raw(env, name);
  if (text === undefined) return { url: fallback };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(name, `must be an http(s) URL such as https://host:8088, got "${redactUrl(text)}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, `must be an http(s) URL such as https://host:8088, got "${redactUrl(text)}"`);
  }
  const auth: HttpAuth | undefined =
    url.username || url.password ? { kind: 'basic', user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : undefined;
  url.username = '';
  url.password = '';
  return { url: url.toString().replace(/\/+$/, ''), auth };
}

interface AuthNames {
  user: string;
  password: string;
  token?: string;
}

function authFrom(env: Env, names: AuthNames, fromUrl: HttpAuth | undefined, urlVariable: string): HttpAuth {
  const user = raw(env, names.user);
  const password = env[names.password] === '' ? undefined : env[names.password];
  const token = names.token ? raw(env, names.token) : undefined;
  if ((user === undefined) !== (password === undefined)) {
    throw new ConfigError(user === undefined ? names.user : names.password, `must be set together with ${user === undefined ? names.password : names.user}`);
  }
  const ways = [
    user !== undefined ? `${names.user}/${names.password}` : undefined,
    token !== undefined ? names.token : undefined,
    fromUrl !== undefined ? `credentials in ${urlVariable}` : undefined,
  ].filter((w): w is string => w !== undefined);
  if (ways.length > 1) {
    throw new ConfigError(
      user !== undefined ? names.user : names.token!,
      `cannot be combined with ${ways.slice(1).join(' and ')}; give one way to authenticate`,
    );
  }
  if (user !== undefined) return { kind: 'basic', user, password: password! };
  if (token !== undefined) return { kind: 'bearer', token };
  return fromUrl ?? NO_AUTH;
}

function endpoint(env: Env, variable: string, fallback: string, names: AuthNames): HttpEndpoint {
  const { url, auth } = parseUrl(env, variable, fallback);
  return {
    url,
    auth: authFrom(env, names, auth, variable),
    variable,
    authVariables: [names.user, names.password, ...(names.token ? [names.token] : [])],
  };
}

function mysqlUrl(env: Env, name: string): string | undefined {
  const text = raw(env, name);
  if (text !== undefined && !/^mysql:\/\/[^/\s]+/.test(text)) {
    throw new ConfigError(name, `must look like mysql://user:password@host:port, got "${redactUrl(text)}"`);
  }
  return text;
}

function brokerList(env: Env, name: string): string | undefined {
  const text = raw(env, name);
  if (text === undefined) return undefined;
  for (const entry of text.split(',').map((s) => s.trim())) {
    if (!/^[^\s:]+:\d{1,5}$/.test(entry)) throw new ConfigError(name, `must be host:port[,host:port...], got "${entry}"`);
  }
  return text
    .split(',')
    .map((s) => s.trim())
    .join(',');
}

export interface EndpointPorts {
  connect: number;
  debeziumConnect: number;
  ksqldb: number;
  pinotController: number;
  pinotBroker: number;
}

export function endpointsFromEnv(env: Env, ports: EndpointPorts): Endpoints {
  const local = (port: number) => `http://127.0.0.1:${port}`;
  const connectAuth = { user: 'CONNECT_BASIC_AUTH_USER', password: 'CONNECT_BASIC_AUTH_PASSWORD' };
  const pinotAuth = { user: 'PINOT_BASIC_AUTH_USER', password: 'PINOT_BASIC_AUTH_PASSWORD', token: 'PINOT_AUTH_TOKEN' };
  const connect = endpoint(env, 'CONNECT_URL', local(ports.connect), connectAuth);
  // Without DEBEZIUM_CONNECT_URL, Debezium's connectors go to the one Connect worker (as in the embedded stack).
  const debeziumConnect =
    raw(env, 'DEBEZIUM_CONNECT_URL') === undefined
      ? { ...connect, variable: 'DEBEZIUM_CONNECT_URL' }
      : endpoint(env, 'DEBEZIUM_CONNECT_URL', local(ports.debeziumConnect), connectAuth);
  return {
    connect,
    debeziumConnect,
    ksqldb: endpoint(env, 'KSQLDB_URL', local(ports.ksqldb), { user: 'KSQLDB_BASIC_AUTH_USER', password: 'KSQLDB_BASIC_AUTH_PASSWORD' }),
    pinotController: endpoint(env, 'PINOT_CONTROLLER_URL', local(ports.pinotController), pinotAuth),
    pinotBroker: endpoint(env, 'PINOT_BROKER_URL', local(ports.pinotBroker), pinotAuth),
    connectMysqlUrl: mysqlUrl(env, 'CONNECT_MYSQL_URL'),
    pinotKafkaBrokerList: brokerList(env, 'PINOT_KAFKA_BROKER_LIST'),
  };
}
