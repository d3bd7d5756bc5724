/**
 * docker-compose.yml cannot run on this machine (no Docker engine), so these tests check it by
 * construction: images pinned, ports equal to config/, every mounted or built file present, every
 * cross-service address resolvable, Kafka's cluster settings consistent with config/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { DOCKER_BROKER_LIST } from '../../pinot/tables.ts';
import { commandText, dependsOn, loadCompose, mounts, publishedPorts, readRepoFile, repoPath, serviceEnv, type ComposeService } from './helpers.ts';

const compose = loadCompose();
const services = compose.services;
const config = loadConfig({});
const connector = JSON.parse(readRepoFile('config/connector-config.json')) as { config: Record<string, string> };

const BROKERS = ['kafka1', 'kafka2', 'kafka3'] as const;
/** Services that run once and exit, or idle for interactive use: no health check needed. */
const NOT_LONG_RUNNING = new Set(['kafka-init', 'ksqldb-cli']);

function service(name: string): ComposeService {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

function hostPortOf(name: string): number[] {
  return publishedPorts(service(name)).map((p) => p.hostPort);
}

describe('docker-compose.yml: shape', () => {
  it('parses as YAML and has a project name, services and named volumes', () => {
    expect(compose.name).toBe('pageview-analytics');
    expect(Object.keys(services).length).toBeGreaterThan(0);
    expect(compose.volumes).toBeTypeOf('object');
  });

  it('has exactly the services of the stack', () => {
    expect(Object.keys(services).sort()).toEqual([
      'connect',
      'dashboard',
      'debezium-connect',
      'kafka-init',
      'kafka1',
      'kafka2',
      'kafka3',
      'ksqldb-cli',
      'ksqldb-server',
      'mysql-server',
      'pinot-broker',
      'pinot-controller',
      'pinot-server',
      'pinot-zookeeper',
      'session-feed',
    ]);
  });

  it('pins every image to an explicit version (no latest, no missing tag)', () => {
    for (const [name, svc] of Object.entries(services)) {
      expect(svc.image, `${name} image`).toBeTypeOf('string');
      const match = /^([a-z0-9][a-z0-9._/-]*):([A-Za-z0-9][A-Za-z0-9._-]*)$/.exec(svc.image!);
      expect(match, `${name}: ${svc.image} must be name:tag`).not.toBeNull();
      const tag = match![2]!;
      expect(tag, `${name} tag`).not.toMatch(/latest/i);
      expect(tag, `${name} tag must carry a version number`).toMatch(/\d/);
    }
  });

  it('uses the component versions the brief names', () => {
    for (const broker of [...BROKERS, 'kafka-init']) expect(service(broker).image).toMatch(/^confluentinc\/cp-kafka:7\.\d+\.\d+$/);
    expect(service('connect').image).toMatch(/^confluentinc\/cp-kafka-connect:7\.\d+\.\d+$/);
    expect(service('connect').image!.split(':')[1]).toBe(service('kafka1').image!.split(':')[1]);
    expect(service('ksqldb-server').image).toBe('confluentinc/ksqldb-server:0.29.0');
    expect(service('ksqldb-cli').image).toBe('confluentinc/ksqldb-cli:0.29.0');
    expect(service('mysql-server').image).toMatch(/^mysql:8\.\d+\.\d+$/);
    const pinot = ['pinot-controller', 'pinot-broker', 'pinot-server'].map((n) => service(n).image);
    expect(new Set(pinot).size).toBe(1);
    expect(pinot[0]).toMatch(/^apachepinot\/pinot:\d+\.\d+\.\d+$/);
    expect(service('pinot-zookeeper').image).toMatch(/^zookeeper:3\.\d+\.\d+$/);
  });

  it('gives every long-running service a health check', () => {
    for (const [name, svc] of Object.entries(services)) {
      if (NOT_LONG_RUNNING.has(name)) continue;
      const test = svc.healthcheck?.test;
      expect(test, `${name} healthcheck`).toBeDefined();
      expect(Array.isArray(test) ? test[0] : 'CMD-SHELL', name).toMatch(/^CMD(-SHELL)?$/);
    }
  });

  it('keeps state in named volumes, all declared and all used', () => {
    const declared = Object.keys(compose.volumes ?? {});
    const used = new Set<string>();
    for (const [name, svc] of Object.entries(services)) {
      for (const mount of mounts(svc)) {
        if (mount.bind) continue;
        expect(declared, `${name} uses undeclared volume ${mount.source}`).toContain(mount.source);
        used.add(mount.source);
      }
    }
    expect([...used].sort()).toEqual([...declared].sort());
    for (const broker of BROKERS) {
      expect(mounts(service(broker)).find((m) => !m.bind)?.target).toBe(serviceEnv(service(broker)).KAFKA_LOG_DIRS);
    }
    expect(mounts(service('mysql-server')).some((m) => !m.bind && m.target === '/var/lib/mysql')).toBe(true);
    expect(mounts(service('pinot-server')).some((m) => !m.bind)).toBe(true);
    expect(mounts(service('pinot-controller')).some((m) => !m.bind)).toBe(true);
  });

  it('every file the compose mounts or builds from exists', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const mount of mounts(svc)) {
        if (!mount.bind) continue;
        expect(mount.source.startsWith('./'), `${name}: bind mounts are repo-relative`).toBe(true);
        expect(existsSync(repoPath(mount.source)), `${name}: ${mount.source}`).toBe(true);
      }
      if (svc.build !== undefined) {
        const build = typeof svc.build === 'string' ? { context: svc.build } : svc.build;
        const context = build.context ?? '.';
        expect(existsSync(repoPath(context)), `${name} build context`).toBe(true);
        const dockerfile = repoPath(context, build.dockerfile ?? 'Dockerfile');
        expect(existsSync(dockerfile), `${name} dockerfile`).toBe(true);
        expect(existsSync(`${dockerfile}.dockerignore`), `${name} dockerfile-specific .dockerignore`).toBe(true);
      }
    }
  });

  it('has no dependency on an unknown service, and waits on the right conditions', () => {
    const conditions = new Set(['service_started', 'service_healthy', 'service_completed_successfully']);
    for (const [name, svc] of Object.entries(services)) {
      for (const [dep, condition] of Object.entries(dependsOn(svc))) {
        expect(services[dep], `${name} depends on unknown ${dep}`).toBeDefined();
        expect(conditions.has(condition), `${name} -> ${dep}: ${condition}`).toBe(true);
        if (condition === 'service_healthy') expect(services[dep]!.healthcheck, `${dep} needs a healthcheck`).toBeDefined();
        if (condition === 'service_completed_successfully') expect(services[dep]!.restart ?? 'no').toBe('no');
      }
    }
    expect(dependsOn(service('kafka-init'))).toEqual({ kafka1: 'service_healthy', kafka2: 'service_healthy', kafka3: 'service_healthy' });
    for (const name of ['connect', 'ksqldb-server']) {
      expect(dependsOn(service(name))['kafka-init'], name).toBe('service_completed_successfully');
    }
    expect(dependsOn(service('connect'))['mysql-server']).toBe('service_healthy');
  });

  it('has no dependency cycle', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (name: string, trail: string[]): void => {
      if (state.get(name) === 'done') return;
      if (state.get(name) === 'visiting') throw new Error(`cycle: ${[...trail, name].join(' -> ')}`);
      state.set(name, 'visiting');
      for (const dep of Object.keys(dependsOn(service(name)))) visit(dep, [...trail, name]);
      state.set(name, 'done');
    };
    for (const name of Object.keys(services)) visit(name, []);
  });
});

describe('docker-compose.yml: host ports equal config defaults', () => {
  it('publishes every host port the config names, and nothing else', () => {
    const bootstrapPorts = config.kafka.bootstrap.map((hp) => Number(hp.split(':')[1]));
    expect(bootstrapPorts).toEqual([9092, 9093, 9094]);
    const expected: Record<string, number[]> = {
      kafka1: [bootstrapPorts[0]!],
      kafka2: [bootstrapPorts[1]!],
      kafka3: [bootstrapPorts[2]!],
      connect: [config.ports.connect],
      'debezium-connect': [config.ports.debeziumConnect],
      'ksqldb-server': [config.ports.ksqldb],
      'pinot-controller': [config.ports.pinotController],
      'pinot-broker': [config.ports.pinotBroker],
      dashboard: [config.ports.dashboard],
      'mysql-server': [config.ports.mysql],
    };
    const actual = Object.fromEntries(
      Object.keys(services)
        .filter((n) => (services[n]!.ports ?? []).length > 0)
        .map((n) => [n, hostPortOf(n)]),
    );
    expect(actual).toEqual(expected);
    expect(config.kafka.brokerCount).toBe(BROKERS.length);
  });

  it('maps each port to the same port inside the container', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const port of publishedPorts(svc)) expect(port.containerPort, name).toBe(port.hostPort);
    }
  });

  it('binds published ports to 127.0.0.1 unless BIND_HOST says otherwise, like the embedded servers', () => {
    for (const svc of Object.values(services)) {
      for (const port of publishedPorts(svc)) expect(port.hostIp).toBe(config.bindHost);
    }
    const open = loadCompose({ BIND_HOST: '0.0.0.0' });
    for (const svc of Object.values(open.services)) {
      for (const port of publishedPorts(svc)) expect(port.hostIp).toBe('0.0.0.0');
    }
  });
});

describe('docker-compose.yml: Kafka cluster', () => {
  const envs = BROKERS.map((b) => serviceEnv(service(b)));

  it('runs three KRaft nodes in combined mode with one shared, valid CLUSTER_ID', () => {
    const ids = new Set(envs.map((e) => e.CLUSTER_ID));
    expect(ids.size).toBe(1);
    const clusterId = [...ids][0]!;
    expect(clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(clusterId, 'base64url').length).toBe(16);
    expect(envs.map((e) => e.KAFKA_NODE_ID)).toEqual(['1', '2', '3']);
    for (const env of envs) {
      expect(env.KAFKA_PROCESS_ROLES).toBe('broker,controller');
      expect(env.KAFKA_ZOOKEEPER_CONNECT).toBeUndefined();
      expect(env.KAFKA_CONTROLLER_LISTENER_NAMES).toBe('CONTROLLER');
      expect(env.KAFKA_INTER_BROKER_LISTENER_NAME).toBe('INTERNAL');
      expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe('1@kafka1:29093,2@kafka2:29093,3@kafka3:29093');
    }
  });

  it('gives each broker an internal, a host and a controller listener that agree with the voters and ports', () => {
    BROKERS.forEach((broker, i) => {
      const env = envs[i]!;
      const listeners = Object.fromEntries(
        env.KAFKA_LISTENERS!.split(',').map((l) => {
          const m = /^(\w+):\/\/([^:]*):(\d+)$/.exec(l)!;
          return [m[1], { host: m[2], port: Number(m[3]) }];
        }),
      );
      const advertised = Object.fromEntries(
        env.KAFKA_ADVERTISED_LISTENERS!.split(',').map((l) => {
          const m = /^(\w+):\/\/([^:]*):(\d+)$/.exec(l)!;
          return [m[1], `${m[2]}:${m[3]}`];
        }),
      );
      const protocols = Object.fromEntries(env.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP!.split(',').map((p) => p.split(':')));
      expect(Object.keys(listeners).sort()).toEqual(['CONTROLLER', 'HOST', 'INTERNAL']);
      for (const name of Object.keys(listeners)) expect(protocols[name], name).toBe('PLAINTEXT');
      expect(listeners.INTERNAL!.port).toBe(29092);
      expect(advertised.INTERNAL).toBe(`${broker}:29092`);
      expect(service(broker).hostname).toBe(broker);
      const hostPort = hostPortOf(broker)[0]!;
      expect(listeners.HOST!.port).toBe(hostPort);
      expect(advertised.HOST).toBe(`localhost:${hostPort}`);
      expect(`127.0.0.1:${hostPort}`).toBe(config.kafka.bootstrap[i]);
      expect(listeners.CONTROLLER!.port).toBe(29093);
      expect(advertised.CONTROLLER).toBeUndefined();
    });
    const remote = loadCompose({ KAFKA_ADVERTISED_HOST: 'analytics.example' });
    expect(serviceEnv(remote.services.kafka2!).KAFKA_ADVERTISED_LISTENERS).toBe('INTERNAL://kafka2:29092,HOST://analytics.example:9093');
  });

  it('defaults topics to the config partitions and replication, with min ISR 2 and replicated internal topics', () => {
    for (const env of envs) {
      expect(Number(env.KAFKA_NUM_PARTITIONS)).toBe(config.kafka.partitions);
      expect(Number(env.KAFKA_DEFAULT_REPLICATION_FACTOR)).toBe(config.kafka.replicationFactor);
      expect(Number(env.KAFKA_MIN_INSYNC_REPLICAS)).toBe(config.kafka.minInsyncReplicas);
      expect(Number(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR)).toBe(3);
      expect(Number(env.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR)).toBe(3);
      expect(Number(env.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR)).toBe(2);
    }
  });

  it('has every in-network client use the brokers internal listeners', () => {
    const internal = BROKERS.map((b) => `${b}:29092`).join(',');
    expect(DOCKER_BROKER_LIST).toBe(internal);
    expect(serviceEnv(service('kafka-init')).BOOTSTRAP_SERVERS).toBe(internal);
    expect(serviceEnv(service('connect')).CONNECT_BOOTSTRAP_SERVERS).toBe(internal);
    expect(serviceEnv(service('ksqldb-server')).KSQL_BOOTSTRAP_SERVERS).toBe(internal);
    expect(serviceEnv(service('dashboard')).KAFKA_BOOTSTRAP_SERVERS).toBe(internal);
    expect(serviceEnv(service('session-feed')).KAFKA_BOOTSTRAP_SERVERS).toBe(internal);
  });

  it('runs the session feed from the dashboard image with the scenario of init.sh', () => {
    const feed = service('session-feed');
    expect(feed.build).toEqual(service('dashboard').build);
    expect(feed.image).toBe(service('dashboard').image);
    expect(serviceEnv(feed).SCENARIO).toBe('pageview'); // the compose loader substitutes ${SCENARIO:-pageview}
    const command = feed.command as string[];
    expect(command.slice(0, 4)).toEqual(['node', '--import', 'tsx', 'stack/session-feed-cli.ts']);
    expect(existsSync(repoPath(command[3]!))).toBe(true);
    const statusFile = command[command.indexOf('--status-file') + 1]!;
    expect(commandText(feed.healthcheck!.test)).toContain(statusFile);
  });

  it('health-checks each broker on its own internal listener', () => {
    for (const broker of BROKERS) {
      expect(commandText(service(broker).healthcheck!.test)).toContain(`--bootstrap-server ${broker}:29092`);
    }
  });
});

describe('docker-compose.yml: MySQL, Connect, ksqlDB, Pinot, dashboard', () => {
  it('creates the database and user the connector logs in with, and runs docker/mysql/init.sql', () => {
    const env = serviceEnv(service('mysql-server'));
    const url = new URL(connector.config['connection.url']!.replace(/^jdbc:/, ''));
    expect(url.hostname).toBe('mysql-server');
    expect(services[url.hostname]).toBeDefined();
    expect(Number(url.port)).toBe(publishedPorts(service('mysql-server'))[0]!.containerPort);
    expect(url.pathname.slice(1)).toBe(env.MYSQL_DATABASE);
    expect(env.MYSQL_DATABASE).toBe(config.mysql.database);
    expect(env.MYSQL_USER).toBe(connector.config['connection.user']);
    expect(env.MYSQL_PASSWORD).toBe(connector.config['connection.password']);
    expect(env.MYSQL_ROOT_PASSWORD).toBeTruthy();
    expect(mounts(service('mysql-server'))).toContainEqual({
      source: './docker/mysql/init.sql',
      target: '/docker-entrypoint-initdb.d/init.sql',
      bind: true,
    });
    expect(commandText(service('mysql-server').command)).toContain('mysql_native_password');
  });

  it("runs Debezium's Connect only under the course-activity profile, apart from the JDBC worker, on a MySQL with a row binlog", () => {
    const debezium = service('debezium-connect');
    expect(debezium.profiles).toEqual(['course-activity']);
    expect(debezium.image).toMatch(/^quay\.io\/debezium\/connect:2\.\d+\.\d+\.Final$/);
    for (const [name, svc] of Object.entries(services)) if (name !== 'debezium-connect') expect(svc.profiles, name).toBeUndefined();
    const env = serviceEnv(debezium);
    expect(env.BOOTSTRAP_SERVERS).toBe(DOCKER_BROKER_LIST);
    const own = [env.GROUP_ID, env.CONFIG_STORAGE_TOPIC, env.OFFSET_STORAGE_TOPIC, env.STATUS_STORAGE_TOPIC];
    const jdbc = serviceEnv(service('connect'));
    const theirs = [jdbc.CONNECT_GROUP_ID, jdbc.CONNECT_CONFIG_STORAGE_TOPIC, jdbc.CONNECT_OFFSET_STORAGE_TOPIC, jdbc.CONNECT_STATUS_STORAGE_TOPIC];
    for (const value of own) expect(theirs).not.toContain(value);
    expect(Number(env.REST_PORT)).toBe(config.ports.debeziumConnect);
    expect(dependsOn(debezium)['mysql-server']).toBe('service_healthy');
    const mysqlCommand = commandText(service('mysql-server').command);
    for (const flag of ['--log-bin', '--binlog-format=ROW', '--binlog-row-image=FULL', '--server-id=']) expect(mysqlCommand).toContain(flag);
    expect(readRepoFile('docker/mysql/init.sql')).toMatch(/GRANT [^;]*REPLICATION SLAVE, REPLICATION CLIENT ON \*\.\* TO 'user'/);
  });

  it('runs Connect as a distributed worker with replicated storage topics, REST on 8083 and the JDBC plugin', () => {
    const env = serviceEnv(service('connect'));
    expect(Number(env.CONNECT_REST_PORT)).toBe(config.ports.connect);
    expect(env.CONNECT_REST_ADVERTISED_HOST_NAME).toBe('connect');
    expect(env.CONNECT_GROUP_ID).toBeTruthy();
    expect([env.CONNECT_CONFIG_STORAGE_TOPIC, env.CONNECT_OFFSET_STORAGE_TOPIC, env.CONNECT_STATUS_STORAGE_TOPIC]).toEqual([
      'connect-configs',
      'connect-offsets',
      'connect-status',
    ]);
    for (const key of ['CONFIG', 'OFFSET', 'STATUS']) {
      expect(Number(env[`CONNECT_${key}_STORAGE_REPLICATION_FACTOR`]), key).toBe(config.kafka.replicationFactor);
    }
    expect(env.CONNECT_PLUGIN_PATH!.split(',')).toContain('/usr/share/confluent-hub-components');
    expect(env.JDBC_PLUGIN).toMatch(/^confluentinc\/kafka-connect-jdbc:\d+\.\d+\.\d+$/);
    expect(env.MYSQL_DRIVER_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(commandText(service('connect').command)).toContain('/opt/pageview/start-connect.sh');
    expect(mounts(service('connect')).map((m) => `${m.source}:${m.target}`)).toContain('./docker/connect/start-connect.sh:/opt/pageview/start-connect.sh');
    expect(connector.config['connector.class']).toBe('io.confluent.connect.jdbc.JdbcSourceConnector');
  });

  it('runs ksqlDB on 0.0.0.0:8088 with the processing log on and earliest offsets', () => {
    const env = serviceEnv(service('ksqldb-server'));
    expect(env.KSQL_LISTENERS).toBe(`http://0.0.0.0:${config.ports.ksqldb}`);
    expect(env.KSQL_KSQL_STREAMS_AUTO_OFFSET_RESET).toBe('earliest');
    expect(env.KSQL_KSQL_LOGGING_PROCESSING_TOPIC_AUTO_CREATE).toBe('true');
    expect(env.KSQL_KSQL_LOGGING_PROCESSING_STREAM_AUTO_CREATE).toBe('true');
    expect(Number(env.KSQL_KSQL_LOGGING_PROCESSING_TOPIC_REPLICATION_FACTOR)).toBe(config.kafka.replicationFactor);
    expect(Number(env.KSQL_KSQL_INTERNAL_TOPIC_REPLICAS)).toBe(config.kafka.replicationFactor);
    expect(Number(env.KSQL_KSQL_STREAMS_REPLICATION_FACTOR)).toBe(config.kafka.replicationFactor);
    expect(new URL(env.KSQL_KSQL_CONNECT_URL!).host).toBe(`connect:${config.ports.connect}`);
    // The image turns every KSQL_* variable into a server property; JVM options must not hide among them.
    expect(Object.keys(env).filter((k) => k.startsWith('KSQL_') && /HEAP|OPTS/.test(k))).toEqual([]);
    expect(dependsOn(service('ksqldb-cli'))['ksqldb-server']).toBe('service_healthy');
    expect(mounts(service('ksqldb-cli'))).toContainEqual({ source: './ksql', target: '/ksql', bind: true });
  });

  it('wires Pinot: zookeeper address, stable host names, the config ports, persistent data dirs', () => {
    const controller = commandText(service('pinot-controller').command);
    const broker = commandText(service('pinot-broker').command);
    const server = commandText(service('pinot-server').command);
    for (const command of [controller, broker, server]) {
      expect(command).toContain('-zkAddress pinot-zookeeper:2181');
      expect(command).toContain('-clusterName PinotCluster');
    }
    expect(controller).toMatch(/^StartController /);
    expect(controller).toContain(`-controllerPort ${config.ports.pinotController}`);
    expect(controller).toContain('-controllerHost pinot-controller');
    expect(broker).toMatch(/^StartBroker /);
    expect(broker).toContain(`-brokerPort ${config.ports.pinotBroker}`);
    expect(broker).toContain('-brokerHost pinot-broker');
    expect(server).toMatch(/^StartServer /);
    expect(server).toContain('-serverHost pinot-server');
    const dataDirs = (command: string): string[] => [...command.matchAll(/-(?:dataDir|segmentDir) (\S+)/g)].map((m) => m[1]!);
    const volumeTarget = (name: string): string => mounts(service(name)).find((m) => !m.bind)!.target;
    for (const dir of dataDirs(controller)) expect(dir.startsWith(`${volumeTarget('pinot-controller')}/`)).toBe(true);
    expect(dataDirs(server)).toHaveLength(2);
    for (const dir of dataDirs(server)) expect(dir.startsWith(`${volumeTarget('pinot-server')}/`)).toBe(true);
    for (const name of ['pinot-controller', 'pinot-broker', 'pinot-server']) {
      const opts = serviceEnv(service(name)).JAVA_OPTS!;
      expect(opts, name).toContain('-Dplugins.dir=/opt/pinot/plugins');
      expect(opts, `${name} overrides the image's 4G heap`).toMatch(/-Xmx1g/);
    }
    expect(commandText(service('pinot-controller').healthcheck!.test)).toContain(`localhost:${config.ports.pinotController}/health`);
    expect(commandText(service('pinot-broker').healthcheck!.test)).toContain(`localhost:${config.ports.pinotBroker}/health`);
  });

  it('builds the dashboard from this repo and points it at the compose services', () => {
    const dashboard = service('dashboard');
    expect(dashboard.build).toEqual({ context: '.', dockerfile: 'docker/dashboard.Dockerfile' });
    const env = serviceEnv(dashboard);
    const fromEnv = loadConfig(env);
    expect(fromEnv.bindHost).toBe('0.0.0.0');
    expect(fromEnv.ports.dashboard).toBe(config.ports.dashboard);
    expect(fromEnv.stack).toBe('docker');
    expect(fromEnv.kafka.bootstrap).toEqual(DOCKER_BROKER_LIST.split(','));
    expect(fromEnv.mysql.host).toBe('mysql-server');
    expect(fromEnv.dashboard.pollIntervalMs).toBe(config.dashboard.pollIntervalMs);
    const urls: Record<string, [string, number]> = {
      PINOT_BROKER_URL: ['pinot-broker', config.ports.pinotBroker],
      PINOT_CONTROLLER_URL: ['pinot-controller', config.ports.pinotController],
      KSQLDB_URL: ['ksqldb-server', config.ports.ksqldb],
      CONNECT_URL: ['connect', config.ports.connect],
    };
    for (const [key, [host, port]] of Object.entries(urls)) {
      const url = new URL(env[key]!);
      expect(url.hostname, key).toBe(host);
      expect(services[host], key).toBeDefined();
      expect(Number(url.port), key).toBe(port);
    }
    expect(commandText(dashboard.healthcheck!.test)).toContain(`127.0.0.1:${config.ports.dashboard}`);
  });

  it('lets the dashboard answer to its service name, and to the names ALLOWED_HOSTS adds (its Host check)', () => {
    expect(loadConfig(serviceEnv(service('dashboard'))).http).toEqual({ allowedHosts: ['dashboard'], allowedOrigins: [] });
    const published = loadCompose({ ALLOWED_HOSTS: 'analytics.example', ALLOWED_ORIGINS: 'http://localhost:3000' });
    expect(loadConfig(serviceEnv(published.services.dashboard!)).http).toEqual({
      allowedHosts: ['dashboard', 'analytics.example'],
      allowedOrigins: ['http://localhost:3000'],
    });
  });

  it('builds the dashboard image on node 20 with npm ci, as a non-root user', () => {
    const dockerfile = readFileSync(repoPath('docker/dashboard.Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20\.\d+\.\d+-\S+$/m);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^EXPOSE 8501$/m);
    const ignore = readFileSync(repoPath('docker/dashboard.Dockerfile.dockerignore'), 'utf8').split('\n');
    for (const entry of ['**/node_modules', '.data', '.git']) expect(ignore).toContain(entry);
  });
});
