/**
 * The external mode's start-up check and verify against real HTTP servers that demand credentials:
 * the requests carry each service's Authorization header, and a refusal or an unreachable service is
 * one line naming the service, its address, the cause and the variable to fix, with no secret in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, bearer, startAuthProxy, type AuthProxy } from './auth-proxy.ts';
import { cli, run } from './cli.ts';

const SECRETS = { connect: 'connect-pw-1', ksqldb: 'ksql-pw-2', pinot: 'pinot-token-3', kafka: 'kafka-pw-4', mysql: 'mysql-pw-5' };

describe('external endpoints with credentials', () => {
  let connect: AuthProxy;
  let ksqldb: AuthProxy;
  let controller: AuthProxy;
  let broker: AuthProxy;
  beforeAll(async () => {
    connect = await startAuthProxy(basic('connect-user', SECRETS.connect), undefined, () => '{"version":"4.1.1","commit":"x"}');
    ksqldb = await startAuthProxy(basic('ksql-key', SECRETS.ksqldb), undefined, () => '{"KsqlServerInfo":{"version":"0.29.0"}}');
    controller = await startAuthProxy(bearer(SECRETS.pinot), undefined, () => '{"tables":[]}');
    broker = await startAuthProxy(bearer(SECRETS.pinot), undefined, () => '{"resultTable":{"dataSchema":{"columnNames":["1"]},"rows":[[1]]},"exceptions":[]}');
  });
  afterAll(async () => {
    for (const server of [connect, ksqldb, controller, broker]) await server?.close();
  });

  const baseEnv = () => ({
    STACK: 'external',
    // Nothing listens on port 1: Kafka and MySQL are unreachable.
    KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1',
    KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
    KAFKA_SASL_USERNAME: 'svc',
    KAFKA_SASL_PASSWORD: SECRETS.kafka,
    MYSQL_URL: `mysql://app:${SECRETS.mysql}@127.0.0.1:1`,
    CONNECT_URL: connect.url,
    KSQLDB_URL: ksqldb.url,
    PINOT_CONTROLLER_URL: controller.url,
    PINOT_BROKER_URL: broker.url,
  });
  const goodCredentials = {
    CONNECT_BASIC_AUTH_USER: 'connect-user',
    CONNECT_BASIC_AUTH_PASSWORD: SECRETS.connect,
    KSQLDB_BASIC_AUTH_USER: 'ksql-key',
    KSQLDB_BASIC_AUTH_PASSWORD: SECRETS.ksqldb,
    PINOT_AUTH_TOKEN: SECRETS.pinot,
  };
  const expectNoSecret = (text: string) => {
    for (const secret of [...Object.values(SECRETS), 'wrong-pw-6']) expect(text).not.toContain(secret);
  };

  it('sends each service its credentials, and reports only what is really unreachable', async () => {
    for (const server of [connect, ksqldb, controller, broker]) server.seen.length = 0;
    const result = await cli('stack/bootstrap-cli.ts', ['--check'], { ...baseEnv(), ...goodCredentials });
    expect(result.code).toBe(1);
    const lines = result.stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('bootstrap: ') && / at /.test(l) && !/failed the check/.test(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^bootstrap: Kafka at 127\.0\.0\.1:1: unreachable \(.+\); check KAFKA_BOOTSTRAP_SERVERS$/);
    expect(lines[1]).toMatch(/^bootstrap: MySQL at mysql:\/\/app:\*\*\*@127\.0\.0\.1:1: unreachable \(connection refused\); check MYSQL_URL$/);
    expect(result.stderr).toContain('2 endpoint(s) failed the check; nothing was created');
    expectNoSecret(result.stdout + result.stderr);
    // Every request each service saw carried its own credentials.
    for (const [server, header] of [
      [connect, basic('connect-user', SECRETS.connect)],
      [ksqldb, basic('ksql-key', SECRETS.ksqldb)],
      [controller, bearer(SECRETS.pinot)],
      [broker, bearer(SECRETS.pinot)],
    ] as const) {
      expect(server.seen.length).toBeGreaterThan(0);
      expect(server.seen.every((r) => r.authorization === header)).toBe(true);
    }
  });

  it('gives one line per unauthorised service, naming the variables to set, with no secret in it', async () => {
    const result = await cli('stack/bootstrap-cli.ts', ['--check'], {
      ...baseEnv(),
      KSQLDB_BASIC_AUTH_USER: 'ksql-key',
      KSQLDB_BASIC_AUTH_PASSWORD: 'wrong-pw-6',
      CONNECT_URL: connect.url.replace('http://', 'http://connect-user:wrong-pw-6@'),
    });
    expect(result.code).toBe(1);
    const line = (service: string) => result.stderr.split('\n').filter((l) => l.startsWith(`bootstrap: ${service} at `));
    expect(line('Kafka Connect')).toEqual([
      `bootstrap: Kafka Connect at ${connect.url}: unauthorised (HTTP 401: the basic credentials were refused); set CONNECT_BASIC_AUTH_USER / CONNECT_BASIC_AUTH_PASSWORD (or fix CONNECT_URL)`,
    ]);
    expect(line('ksqlDB')).toEqual([
      `bootstrap: ksqlDB at ${ksqldb.url}: unauthorised (HTTP 401: the basic credentials were refused); set KSQLDB_BASIC_AUTH_USER / KSQLDB_BASIC_AUTH_PASSWORD (or fix KSQLDB_URL)`,
    ]);
    expect(line('Pinot controller')).toEqual([
      `bootstrap: Pinot controller at ${controller.url}: unauthorised (HTTP 401: no credentials were sent); set PINOT_BASIC_AUTH_USER / PINOT_BASIC_AUTH_PASSWORD / PINOT_AUTH_TOKEN (or fix PINOT_CONTROLLER_URL)`,
    ]);
    expect(line('Pinot broker')).toHaveLength(1);
    expect(result.stderr).toContain('6 endpoint(s) failed the check; nothing was created');
    expectNoSecret(result.stdout + result.stderr);
  });

  it('verify: a 401 from ksqlDB is one line naming the variables; the request carried the credentials', async () => {
    ksqldb.seen.length = 0;
    const result = await cli('stack/verify.ts', [], { ...baseEnv(), KSQLDB_BASIC_AUTH_USER: 'ksql-key', KSQLDB_BASIC_AUTH_PASSWORD: 'wrong-pw-6' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `verify: ksqlDB at ${ksqldb.url} answered HTTP 401 (the credentials were refused); set KSQLDB_BASIC_AUTH_USER and KSQLDB_BASIC_AUTH_PASSWORD`,
    );
    expect(ksqldb.seen.map((r) => r.authorization)).toEqual([basic('ksql-key', 'wrong-pw-6')]);
    expectNoSecret(result.stdout + result.stderr);
  });

  it('--help of every external-mode command shows no secret', async () => {
    const env = { ...baseEnv(), ...goodCredentials };
    for (const [script, args] of [
      ['stack/bootstrap-cli.ts', ['--help']],
      ['stack/verify.ts', ['--help']],
      ['dashboard/cli.ts', ['--help']],
      ['producers/cli.ts', ['--help']],
      ['stack/produce-scenario-cli.ts', ['--help']],
    ] as const) {
      const result = await cli(script, [...args], env);
      expect(result.code, `${script} --help`).toBe(0);
      expect(result.stdout.length).toBeGreaterThan(100);
      expectNoSecret(result.stdout + result.stderr);
    }
  });

  it('bootstrap --urls lists the external endpoints without credentials', async () => {
    const result = await cli('stack/bootstrap-cli.ts', ['--urls'], {
      ...baseEnv(),
      ...goodCredentials,
      KSQLDB_BASIC_AUTH_USER: '',
      KSQLDB_BASIC_AUTH_PASSWORD: '',
      KSQLDB_URL: ksqldb.url.replace('http://', `http://ksql-key:${SECRETS.ksqldb}@`),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`ksqlDB REST +${ksqldb.url}\n`));
    expect(result.stdout).toMatch(new RegExp(`Pinot broker +${broker.url}/query/sql\n`));
    expect(result.stdout).toMatch(/Kafka bootstrap +127\.0\.0\.1:1 \(SASL_PLAINTEXT\)/);
    expectNoSecret(result.stdout + result.stderr);
  });

  it('STACK=external sh init.sh checks the endpoints and stops before the producers when one fails', async () => {
    const result = await run('sh', ['init.sh'], { ...baseEnv(), ...goodCredentials });
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain('init.sh: using the external services named by the environment (nothing is started here)');
    expect(result.stderr).toMatch(/^bootstrap: Kafka at 127\.0\.0\.1:1: unreachable .*; check KAFKA_BOOTSTRAP_SERVERS$/m);
    expect(result.stderr).toContain('2 endpoint(s) failed the check; nothing was created');
    expect(result.stdout).not.toContain('starting the producers');
    expectNoSecret(result.stdout + result.stderr);
  });

  it('produce: an unreachable MySQL or Kafka is one line with no secret', async () => {
    for (const command of ['users', 'pageviews']) {
      const result = await cli('producers/cli.ts', [command, '--count', '1'], { ...baseEnv(), ...goodCredentials });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^produce: cannot reach MySQL at 127\.0\.0\.1:1 \(ECONNREFUSED\)/);
      expectNoSecret(result.stdout + result.stderr);
    }
  });

  it('npm start refuses STACK=external and says what to run', async () => {
    const result = await cli('stack/start.ts', [], { STACK: 'external' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('STACK=external uses clusters of your own and starts no server; run sh init.sh or npm run bootstrap');
  });

  it('a config error in the external mode quotes no secret', async () => {
    const result = await cli('stack/bootstrap-cli.ts', ['--check'], { ...baseEnv(), ...goodCredentials, KSQLDB_URL: `ksql://key:${SECRETS.ksqldb}@host` });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/KSQLDB_URL must be an http\(s\) URL/);
    expectNoSecret(result.stdout + result.stderr);
  });
});
