/** The external mode's settings: Kafka security, service URLs and credentials, the servers' own addresses. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/index.ts';
import { targetsFromConfig } from '../../stack/targets.ts';

function rejected(env: Record<string, string>, variable: string, detail: RegExp): ConfigError {
  let caught: unknown;
  try {
    loadConfig(env);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  const error = caught as ConfigError;
  expect(error.variable).toBe(variable);
  expect(error.message).toContain(variable);
  expect(error.message).toMatch(detail);
  return error;
}

const SASL = { KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'p@ss w0rd' };

describe('external mode config', () => {
  it("keeps today's endpoints by default: 127.0.0.1 ports, PLAINTEXT, no credentials", () => {
    const config = loadConfig({});
    expect(config.kafka.security).toEqual({ protocol: 'PLAINTEXT' });
    expect(config.endpoints.connect).toMatchObject({ url: 'http://127.0.0.1:8083', auth: { kind: 'none' }, variable: 'CONNECT_URL' });
    expect(config.endpoints.debeziumConnect.url).toBe('http://127.0.0.1:8083');
    expect(config.endpoints.ksqldb.url).toBe('http://127.0.0.1:8088');
    expect(config.endpoints.pinotController.url).toBe('http://127.0.0.1:9000');
    expect(config.endpoints.pinotBroker.url).toBe('http://127.0.0.1:8099');
    expect(config.endpoints.connectMysqlUrl).toBeUndefined();
    expect(config.endpoints.pinotKafkaBrokerList).toBeUndefined();
    expect(loadConfig({ KSQLDB_PORT: '18088' }).endpoints.ksqldb.url).toBe('http://127.0.0.1:18088');
  });

  it('accepts STACK=external and reads every endpoint and credential', () => {
    const config = loadConfig({
      STACK: 'external',
      KAFKA_BOOTSTRAP_SERVERS: 'k1.example:9096,k2.example:9096',
      ...SASL,
      CONNECT_URL: 'https://connect.example/',
      CONNECT_BASIC_AUTH_USER: 'c',
      CONNECT_BASIC_AUTH_PASSWORD: 'cpw',
      DEBEZIUM_CONNECT_URL: 'https://dbz.example:8083',
      KSQLDB_URL: 'https://ksql.example:8088',
      KSQLDB_BASIC_AUTH_USER: 'apikey',
      KSQLDB_BASIC_AUTH_PASSWORD: 'apisecret',
      PINOT_CONTROLLER_URL: 'https://pinot.example:9000',
      PINOT_BROKER_URL: 'https://pinot-broker.example:8099',
      PINOT_AUTH_TOKEN: 'tok-123',
      MYSQL_URL: 'mysql://app:secret@db.example:3306',
      CONNECT_MYSQL_URL: 'mysql://connect:cs@mysql.internal:3306',
      PINOT_KAFKA_BROKER_LIST: 'kafka-0.internal:9092, kafka-1.internal:9092',
    });
    expect(config.stack).toBe('external');
    expect(config.kafka.security).toEqual({
      protocol: 'SASL_SSL',
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'svc', password: 'p@ss w0rd' },
      ssl: { caFile: undefined, certFile: undefined, keyFile: undefined, rejectUnauthorized: true },
    });
    expect(config.endpoints.connect).toMatchObject({ url: 'https://connect.example', auth: { kind: 'basic', user: 'c', password: 'cpw' } });
    expect(config.endpoints.debeziumConnect).toMatchObject({ url: 'https://dbz.example:8083', auth: { kind: 'basic', user: 'c' } });
    expect(config.endpoints.ksqldb.auth).toEqual({ kind: 'basic', user: 'apikey', password: 'apisecret' });
    expect(config.endpoints.pinotController.auth).toEqual({ kind: 'bearer', token: 'tok-123' });
    expect(config.endpoints.pinotBroker.auth).toEqual({ kind: 'bearer', token: 'tok-123' });

    const targets = targetsFromConfig('external', config);
    expect(targets).toMatchObject({
      mode: 'external',
      kafkaBootstrap: ['k1.example:9096', 'k2.example:9096'],
      mysqlUrl: 'mysql://app:secret@db.example:3306',
      // The Connect worker reaches MySQL by its own address, Pinot reaches Kafka by its own list.
      connectorMysql: { host: 'mysql.internal', port: 3306, user: 'connect', password: 'cs' },
      pinotBrokerList: 'kafka-0.internal:9092,kafka-1.internal:9092',
      connectUrl: 'https://connect.example',
      debeziumConnectUrl: 'https://dbz.example:8083',
      ksqldbUrl: 'https://ksql.example:8088',
      pinotControllerUrl: 'https://pinot.example:9000',
    });
    expect(targets.kafkaSecurity?.protocol).toBe('SASL_SSL');
    expect(targets.auth?.pinotController).toEqual({ kind: 'bearer', token: 'tok-123' });
  });

  it("defaults the servers' own addresses to the client's in the external mode", () => {
    const targets = targetsFromConfig('external', loadConfig({ KAFKA_BOOTSTRAP_SERVERS: 'k:9092', MYSQL_URL: 'mysql://u:p@db:3307' }));
    expect(targets.pinotBrokerList).toBe('k:9092');
    expect(targets.connectorMysql).toEqual({ host: 'db', port: 3307, user: 'u', password: 'p' });
  });

  it('turns credentials in a URL into basic auth and keeps them out of the URL', () => {
    const config = loadConfig({ KSQLDB_URL: 'https://key:s%2Fecret@ksql.example' });
    expect(config.endpoints.ksqldb).toMatchObject({ url: 'https://ksql.example', auth: { kind: 'basic', user: 'key', password: 's/ecret' } });
  });

  it('reads TLS files and refuses an unreadable one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-tls-'));
    const ca = path.join(dir, 'ca.pem');
    fs.writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
    const config = loadConfig({ KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_CA_FILE: ca, KAFKA_SSL_VERIFY: 'false' });
    expect(config.kafka.security).toEqual({ protocol: 'SSL', ssl: { caFile: ca, certFile: undefined, keyFile: undefined, rejectUnauthorized: false } });
    rejected({ KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_CA_FILE: path.join(dir, 'nope.pem') }, 'KAFKA_SSL_CA_FILE', /readable PEM file.*ENOENT/);
    rejected({ KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_CERT_FILE: ca }, 'KAFKA_SSL_KEY_FILE', /together with KAFKA_SSL_CERT_FILE/);
  });

  it('names the variable of every invalid value', () => {
    rejected({ STACK: 'cloud' }, 'STACK', /one of auto, embedded, docker, external/);
    rejected({ KAFKA_SECURITY_PROTOCOL: 'TLS' }, 'KAFKA_SECURITY_PROTOCOL', /one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL, got "TLS"/);
    rejected(
      { KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', KAFKA_SASL_MECHANISM: 'GSSAPI', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' },
      'KAFKA_SASL_MECHANISM',
      /PLAIN, SCRAM-SHA-256, SCRAM-SHA-512/,
    );
    rejected(
      { KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', KAFKA_SASL_PASSWORD: 'p' },
      'KAFKA_SASL_USERNAME',
      /must be set when KAFKA_SECURITY_PROTOCOL is SASL_PLAINTEXT/,
    );
    rejected({ KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', KAFKA_SASL_USERNAME: 'u' }, 'KAFKA_SASL_PASSWORD', /must be set/);
    rejected({ KAFKA_SASL_USERNAME: 'u' }, 'KAFKA_SASL_USERNAME', /KAFKA_SECURITY_PROTOCOL is PLAINTEXT/);
    rejected({ KAFKA_SSL_CA_FILE: '/etc/hosts' }, 'KAFKA_SSL_CA_FILE', /set KAFKA_SECURITY_PROTOCOL=SSL or SASL_SSL/);
    rejected({ KSQLDB_URL: 'ksql.example:8088' }, 'KSQLDB_URL', /http\(s\) URL/);
    rejected({ PINOT_BROKER_URL: 'ftp://pinot' }, 'PINOT_BROKER_URL', /http\(s\) URL/);
    rejected({ KSQLDB_BASIC_AUTH_USER: 'u' }, 'KSQLDB_BASIC_AUTH_PASSWORD', /together with KSQLDB_BASIC_AUTH_USER/);
    rejected(
      { PINOT_AUTH_TOKEN: 't', PINOT_BASIC_AUTH_USER: 'u', PINOT_BASIC_AUTH_PASSWORD: 'p' },
      'PINOT_BASIC_AUTH_USER',
      /cannot be combined with PINOT_AUTH_TOKEN/,
    );
    rejected(
      { KSQLDB_URL: 'https://a:b@k', KSQLDB_BASIC_AUTH_USER: 'u', KSQLDB_BASIC_AUTH_PASSWORD: 'p' },
      'KSQLDB_BASIC_AUTH_USER',
      /credentials in KSQLDB_URL/,
    );
    rejected({ CONNECT_MYSQL_URL: 'db:3306' }, 'CONNECT_MYSQL_URL', /mysql:\/\/user:password@host:port/);
    rejected({ PINOT_KAFKA_BROKER_LIST: 'kafka' }, 'PINOT_KAFKA_BROKER_LIST', /host:port/);
  });

  it('never quotes a password in a config error', () => {
    const errors = [
      rejected({ KSQLDB_URL: 'htp//u:hunter2@k' }, 'KSQLDB_URL', /URL/),
      rejected({ CONNECT_MYSQL_URL: 'mariadb://u:hunter2@db' }, 'CONNECT_MYSQL_URL', /mysql:/),
      rejected({ MYSQL_URL: 'mariadb://u:hunter2@db' }, 'MYSQL_URL', /mysql:/),
    ];
    for (const error of errors) expect(error.message).not.toContain('hunter2');
  });
});
