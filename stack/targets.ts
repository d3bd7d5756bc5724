/** Where the bootstrap finds each part of a running stack, from config, for either mode. */
import { loadConfig } from '../config/index.ts';
import { DOCKER_BROKER_LIST } from '../pinot/tables.ts';
import { connectorMysqlFor, type BootstrapTargets } from './bootstrap.ts';

/** How the connectors of docker-compose.yml reach MySQL: the compose service and its user. */
export const DOCKER_CONNECTOR_MYSQL = { host: 'mysql-server', port: 3306, user: 'user', password: 'password' } as const;

export function targetsFor(mode: 'docker' | 'embedded', env: NodeJS.ProcessEnv = process.env): BootstrapTargets {
  const config = loadConfig(env);
  const mysqlUrl = config.mysql.url
    ?? `mysql://${encodeURIComponent(config.mysql.user)}:${encodeURIComponent(config.mysql.password)}@${config.mysql.host}:${config.mysql.port}`;
  const local = (port: number) => `http://127.0.0.1:${port}`;
  return {
    mode,
    kafkaBootstrap: config.kafka.bootstrap,
    mysqlUrl,
    connectorMysql: mode === 'docker' ? { ...DOCKER_CONNECTOR_MYSQL } : connectorMysqlFor(mysqlUrl),
    connectUrl: local(config.ports.connect),
    debeziumConnectUrl: local(mode === 'docker' ? config.ports.debeziumConnect : config.ports.connect),
    ksqldbUrl: local(config.ports.ksqldb),
    pinotControllerUrl: local(config.ports.pinotController),
    pinotBrokerList: mode === 'docker' ? DOCKER_BROKER_LIST : config.kafka.bootstrap.join(','),
  };
}
