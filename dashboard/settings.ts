/**
 * The dashboard's defaults, from config/: ports, and the service URLs and credentials docker-compose.yml
 * and the external mode pass (PINOT_BROKER_URL, PINOT_CONTROLLER_URL, KSQLDB_URL, CONNECT_URL and their
 * auth variables; default http://127.0.0.1:<config port>, no credentials).
 */
import { loadConfig, type AppConfig } from '../config/index.ts';
import type { HttpAuth } from '../config/endpoints.ts';
import type { KafkaSecurity } from '../config/kafka-security.ts';
import { redactor } from '../config/redact.ts';

export interface DashboardSettings {
  host: string;
  port: number;
  pollIntervalMs: number;
  pinotBrokerUrl: string;
  pinotControllerUrl: string;
  ksqldbUrl: string;
  connectUrl: string;
  /** Credentials of each HTTP service the dashboard asks (none for the embedded stack). */
  auth: { pinotBroker: HttpAuth; pinotController: HttpAuth; ksqldb: HttpAuth; connect: HttpAuth };
  kafkaBootstrap: string[];
  kafkaSecurity: KafkaSecurity;
  /** The topic the page views are produced to (its end offsets are the "views produced" number). */
  pageviewTopic: string;
  mysql: { url?: string; host: string; port: number; user: string; password: string };
  /** Host names the dashboard answers to besides localhost, IP addresses and its bind host (ALLOWED_HOSTS). */
  allowedHosts: string[];
  /** Page origins whose socket.io connections are accepted besides its own (ALLOWED_ORIGINS). */
  allowedOrigins: string[];
  /** Takes config's passwords and tokens out of a text (logs, /api/health). */
  redact: (text: string) => string;
}

type Env = Record<string, string | undefined>;

export function dashboardSettings(env: Env = process.env, config: AppConfig = loadConfig(env)): DashboardSettings {
  const { endpoints } = config;
  return {
    host: config.bindHost,
    port: config.ports.dashboard,
    pollIntervalMs: config.dashboard.pollIntervalMs,
    pinotBrokerUrl: endpoints.pinotBroker.url,
    pinotControllerUrl: endpoints.pinotController.url,
    ksqldbUrl: endpoints.ksqldb.url,
    connectUrl: endpoints.connect.url,
    auth: {
      pinotBroker: endpoints.pinotBroker.auth,
      pinotController: endpoints.pinotController.auth,
      ksqldb: endpoints.ksqldb.auth,
      connect: endpoints.connect.auth,
    },
    kafkaBootstrap: config.kafka.bootstrap,
    kafkaSecurity: config.kafka.security,
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
    redact: redactor(config),
  };
}
