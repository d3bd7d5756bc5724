/**
 * Kafka behind TLS (an SSL listener): a TLS terminator with a self-signed certificate in front of an
 * embedded broker. The start-up check connects with KAFKA_SECURITY_PROTOCOL=SSL and the CA of
 * KAFKA_SSL_CA_FILE, and says which variable to fix when the CA or the protocol is wrong; the
 * dashboard's Kafka pill asks ApiVersions over TLS. (SASL needs a broker that speaks it: issue 21 part 2.)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { kafkaHealthTarget, runHealthChecks } from '../../dashboard/health.ts';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { checkEndpoints } from '../../stack/endpoint-check.ts';
import { targetsFromConfig } from '../../stack/targets.ts';
import { startTestCluster, tempDir } from '../support/kafka.ts';

const dir = tempDir('kafka-tls');
const cert = path.join(dir, 'cert.pem');
const key = path.join(dir, 'key.pem');

describe('Kafka over TLS', () => {
  let cluster: KafkaCluster;
  let terminator: tls.Server;
  let address: string;

  beforeAll(async () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    cluster = await startTestCluster({ brokers: 1 });
    const [host, port] = cluster.bootstrap().split(',')[0]!.split(':');
    terminator = tls.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (socket) => {
      const upstream = net.connect(Number(port), host);
      socket.pipe(upstream).pipe(socket);
      const close = () => {
        socket.destroy();
        upstream.destroy();
      };
      socket.on('error', close);
      upstream.on('error', close);
    });
    await new Promise<void>((resolve) => terminator.listen(0, '127.0.0.1', resolve));
    address = `127.0.0.1:${(terminator.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => terminator?.close(resolve));
    await cluster?.stop();
  });

  /** The start-up check's line for Kafka, if any (the HTTP services are not there: their lines are ignored). */
  async function kafkaProblem(env: Record<string, string>) {
    const config = loadConfig({
      KAFKA_BOOTSTRAP_SERVERS: address,
      CONNECT_URL: 'http://127.0.0.1:1',
      KSQLDB_URL: 'http://127.0.0.1:1',
      PINOT_CONTROLLER_URL: 'http://127.0.0.1:1',
      PINOT_BROKER_URL: 'http://127.0.0.1:1',
      MYSQL_URL: 'mysql://u@127.0.0.1:1',
      ...env,
    });
    const problems = await checkEndpoints(config, targetsFromConfig('external', config), 5_000);
    expect(problems.map((p) => p.service)).toEqual(expect.arrayContaining(['MySQL', 'ksqlDB']));
    return problems.find((p) => p.service === 'Kafka');
  }

  it('connects with SSL and the CA of KAFKA_SSL_CA_FILE', async () => {
    // The TLS handshake and ApiVersions with the bootstrap server succeed; the broker then advertises its
    // own plaintext listener (the terminator is not a broker), which the check reports as such.
    const problem = await kafkaProblem({ KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_CA_FILE: cert });
    expect(problem?.cause).toMatch(/^the bootstrap server answered, but the brokers it advertises do not/);
    expect(problem?.fix).toBe("check the brokers' advertised.listeners are reachable from here with SSL (KAFKA_SECURITY_PROTOCOL)");
  });

  it("names KAFKA_SSL_CA_FILE when the broker's certificate is not trusted", async () => {
    const problem = await kafkaProblem({ KAFKA_SECURITY_PROTOCOL: 'SSL' });
    expect(problem).toMatchObject({ address, fix: 'check KAFKA_SECURITY_PROTOCOL (SSL) and KAFKA_SSL_CA_FILE' });
    expect(problem!.cause).toMatch(/^TLS failed \(.*self.signed/i);
  });

  it('names KAFKA_SECURITY_PROTOCOL when a plaintext client meets the TLS listener', async () => {
    const problem = await kafkaProblem({});
    expect(problem?.fix).toMatch(/check KAFKA_SECURITY_PROTOCOL \(PLAINTEXT\) matches the listener/);
  });

  it("the dashboard's Kafka check asks ApiVersions over TLS", async () => {
    const security = loadConfig({ KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_CA_FILE: cert }).kafka.security;
    const [overTls] = await runHealthChecks([kafkaHealthTarget([address], 'Kafka', { security })], 5_000);
    expect(overTls).toMatchObject({ status: 'up', detail: '1/1 brokers answer ApiVersions' });
    const [plain] = await runHealthChecks([kafkaHealthTarget([address], 'Kafka')], 3_000);
    expect(plain!.status).toBe('down');
  });
});
