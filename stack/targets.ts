/** Where the bootstrap finds each part of a running stack, from config, for either mode. */
import { loadConfig } from '../config/index.ts';
import { DOCKER_BROKER_LIST } from '../pinot/tables.ts';
import { jdbcUrlFor, type BootstrapTargets } from './bootstrap.ts';

export function targetsFor(mode: 'docker' | 'embedded', env: NodeJS.ProcessEnv = process.env): BootstrapTargets {
  const config = loadConfig(env);
  const mysqlUrl = config.mysql.url
    ?? `mysql://${encodeURIComponent(config.mysql.user)}:${encodeURIComponent(config.mysql.password)}@${config.mysql.host}:${config.mysql.port}`;
  const local = (port: number) => `http://127.0.0.1:${port}`;
  return {
    kafkaBootstrap: config.kafka.bootstrap,
    mysqlUrl,
    connectUrl: local(config.ports.connect),
    ksqldbUrl: local(config.ports.ksqldb),
    pinotControllerUrl: local(config.ports.pinotController),
    pinotBrokerList: mode === 'docker' ? DOCKER_BROKER_LIST : config.kafka.bootstrap.join(','),
    connectorDatabase: mode === 'docker' ? undefined : jdbcUrlFor(mysqlUrl, config.mysql.database),
  };
}
