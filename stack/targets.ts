/** Where the bootstrap, the producers and verify find each part of a running stack, from config, for each mode. */
import { loadConfig, type AppConfig } from '../config/index.ts';
import { DOCKER_BROKER_LIST } from '../pinot/tables.ts';
import { connectorMysqlFor, type BootstrapTargets } from './bootstrap.ts';

/** How the connectors of docker-compose.yml reach MySQL: the compose service and its user. */
export const DOCKER_CONNECTOR_MYSQL = { host: 'mysql-server', port: 3306, user: 'user', password: 'password' } as const;

export type StackMode = 'docker' | 'embedded' | 'external';
export const STACK_MODES: readonly StackMode[] = ['embedded', 'docker', 'external'];

/** mysql:// URL of the MySQL this process uses: MYSQL_URL, else MYSQL_HOST/PORT/USER/PASSWORD. */
export function mysqlUrlOf(config: AppConfig): string {
  return (
    config.mysql.url ??
    `mysql://${encodeURIComponent(config.mysql.user)}:${encodeURIComponent(config.mysql.password)}@${config.mysql.host}:${config.mysql.port}`
  );
}

/**
 * embedded: the stack of `npm start` on 127.0.0.1; docker: docker-compose.yml's published ports, with
 * in-network names for what the servers themselves reach; external: every endpoint from the
 * environment (config/endpoints.ts), with credentials, and the servers' own addresses of MySQL
 * (CONNECT_MYSQL_URL) and Kafka (PINOT_KAFKA_BROKER_LIST), which default to the client's.
 */
export function targetsFor(mode: StackMode, env: NodeJS.ProcessEnv = process.env): BootstrapTargets {
  return targetsFromConfig(mode, loadConfig(env));
}

export function targetsFromConfig(mode: StackMode, config: AppConfig): BootstrapTargets {
  const mysqlUrl = mysqlUrlOf(config);
  const { endpoints } = config;
  const local = (port: number) => `http://127.0.0.1:${port}`;
  const base = { mode, kafkaBootstrap: config.kafka.bootstrap, mysqlUrl };
  if (mode === 'external') {
    return {
      ...base,
      kafkaSecurity: config.kafka.security,
      connectorMysql: connectorMysqlFor(endpoints.connectMysqlUrl ?? mysqlUrl),
      connectUrl: endpoints.connect.url,
      debeziumConnectUrl: endpoints.debeziumConnect.url,
      ksqldbUrl: endpoints.ksqldb.url,
      pinotControllerUrl: endpoints.pinotController.url,
      pinotBrokerList: endpoints.pinotKafkaBrokerList ?? config.kafka.bootstrap.join(','),
      pinotKafkaSecurity: config.kafka.security,
      auth: {
        connect: endpoints.connect.auth,
        debeziumConnect: endpoints.debeziumConnect.auth,
        ksqldb: endpoints.ksqldb.auth,
        pinotController: endpoints.pinotController.auth,
      },
    };
  }
  return {
    ...base,
    connectorMysql: mode === 'docker' ? { ...DOCKER_CONNECTOR_MYSQL } : connectorMysqlFor(mysqlUrl),
    connectUrl: local(config.ports.connect),
    debeziumConnectUrl: local(mode === 'docker' ? config.ports.debeziumConnect : config.ports.connect),
    ksqldbUrl: local(config.ports.ksqldb),
    pinotControllerUrl: local(config.ports.pinotController),
    pinotBrokerList: mode === 'docker' ? DOCKER_BROKER_LIST : config.kafka.bootstrap.join(','),
  };
}
