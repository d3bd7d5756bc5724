/**
 * The dashboard's defaults, from config/ plus the service URLs docker-compose.yml passes
 * (PINOT_BROKER_URL, PINOT_CONTROLLER_URL, KSQLDB_URL, CONNECT_URL; default http://127.0.0.1:<config port>).
 */
import { ConfigError, loadConfig, type AppConfig } from '../config/index.ts';

export interface DashboardSettings {
  host: string;
  port: number;
  pollIntervalMs: number;
  pinotBrokerUrl: string;
  pinotControllerUrl: string;
  ksqldbUrl: string;
  connectUrl: string;
  kafkaBootstrap: string[];
  /** The topic the page views are produced to (its end offsets are the "views produced" number). */
  pageviewTopic: string;
  mysql: { url?: string; host: string; port: number; user: string; password: string };
  /** Host names the dashboard answers to besides localhost, IP addresses and its bind host (ALLOWED_HOSTS). */
  allowedHosts: string[];
  /** Page origins whose socket.io connections are accepted besides its own (ALLOWED_ORIGINS). */
  allowedOrigins: string[];
}

type Env = Record<string, string | undefined>;

function urlFromEnv(env: Env, name: string, port: number): string {
  const value = env[name]?.trim();
  if (!value) return `http://127.0.0.1:${port}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `must be an http(s) URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(name, `must be an http(s) URL, got "${value}"`);
  return value.replace(/\/+$/, '');
}

export function dashboardSettings(env: Env = process.env, config: AppConfig = loadConfig(env)): DashboardSettings {
  return {
    host: config.bindHost,
    port: config.ports.dashboard,
    pollIntervalMs: config.dashboard.pollIntervalMs,
    pinotBrokerUrl: urlFromEnv(env, 'PINOT_BROKER_URL', config.ports.pinotBroker),
    pinotControllerUrl: urlFromEnv(env, 'PINOT_CONTROLLER_URL', config.ports.pinotController),
    ksqldbUrl: urlFromEnv(env, 'KSQLDB_URL', config.ports.ksqldb),
    connectUrl: urlFromEnv(env, 'CONNECT_URL', config.ports.connect),
    kafkaBootstrap: config.kafka.bootstrap,
    pageviewTopic: config.topics.pageview,
    mysql: {
      url: config.mysql.url,
      host: config.mysql.host,
      port: config.mysql.port,
      user: config.mysql.user,
      password: config.mysql.password,
    },
    allowedHosts: config.http.allowedHosts,
    allowedOrigins: config.http.allowedOrigins,
  };
}
