/**
 * The kafkajs settings built from config for each security protocol and SASL mechanism, and the
 * stream properties Pinot gets for the same cluster. (SASL against a real broker is proven on the
 * reference Kafka, issue 21 part 2; our embedded broker does not speak SASL.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { kafkaConfig, kafkaSecuritySettings } from '../../config/kafka-client.ts';
import { pinotStreamSecurity, withStreamSecurity } from '../../pinot/stream-security.ts';
import { readPinotTableConfig } from '../../pinot/tables.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-client-'));
const pem = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
const ca = pem('ca.pem', 'CA PEM');
const cert = pem('cert.pem', 'CERT PEM');
const key = pem('key.pem', 'KEY PEM');

const settingsFor = (env: Record<string, string>) => kafkaSecuritySettings(loadConfig(env).kafka.security);

describe('kafkajs settings from config', () => {
  it('PLAINTEXT: neither ssl nor sasl', () => {
    expect(settingsFor({})).toEqual({});
    expect(settingsFor({ KAFKA_SECURITY_PROTOCOL: 'PLAINTEXT' })).toEqual({});
  });

  it('SSL: TLS with the CA, client certificate and key read from their files', () => {
    expect(settingsFor({ KAFKA_SECURITY_PROTOCOL: 'SSL' })).toEqual({ ssl: { rejectUnauthorized: true } });
    expect(settingsFor({ KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_CA_FILE: ca, KAFKA_SSL_CERT_FILE: cert, KAFKA_SSL_KEY_FILE: key })).toEqual({
      ssl: { rejectUnauthorized: true, ca: ['CA PEM'], cert: 'CERT PEM', key: 'KEY PEM' },
    });
    expect(settingsFor({ KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_VERIFY: 'false' })).toEqual({ ssl: { rejectUnauthorized: false } });
  });

  for (const [mechanism, kafkajs] of [
    ['PLAIN', 'plain'],
    ['SCRAM-SHA-256', 'scram-sha-256'],
    ['SCRAM-SHA-512', 'scram-sha-512'],
  ] as const) {
    it(`SASL_PLAINTEXT with ${mechanism}: sasl ${kafkajs}, no TLS`, () => {
      expect(
        settingsFor({
          KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
          KAFKA_SASL_MECHANISM: mechanism,
          KAFKA_SASL_USERNAME: 'alice',
          KAFKA_SASL_PASSWORD: 'alice-secret',
        }),
      ).toEqual({ sasl: { mechanism: kafkajs, username: 'alice', password: 'alice-secret' } });
    });
    it(`SASL_SSL with ${mechanism}: sasl ${kafkajs} over TLS`, () => {
      expect(
        settingsFor({
          KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
          KAFKA_SASL_MECHANISM: mechanism,
          KAFKA_SASL_USERNAME: 'bob',
          KAFKA_SASL_PASSWORD: 'b0b',
          KAFKA_SSL_CA_FILE: ca,
        }),
      ).toEqual({ ssl: { rejectUnauthorized: true, ca: ['CA PEM'] }, sasl: { mechanism: kafkajs, username: 'bob', password: 'b0b' } });
    });
  }

  it("SASL mechanism defaults to PLAIN, as Kafka's sasl.mechanism does", () => {
    expect(settingsFor({ KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }).sasl?.mechanism).toBe('plain');
  });

  it("kafkaConfig merges brokers, security and the caller's options", () => {
    const security = loadConfig({ KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }).kafka.security;
    const config = kafkaConfig({ brokers: ['a:9092', 'b:9092'], security }, { clientId: 'x', retry: { retries: 1 } });
    expect(config).toEqual({ clientId: 'x', retry: { retries: 1 }, brokers: ['a:9092', 'b:9092'], sasl: { mechanism: 'plain', username: 'u', password: 'p' } });
    expect(kafkaConfig({ brokers: ['a:1'] }, { clientId: 'y' })).toEqual({ clientId: 'y', brokers: ['a:1'] });
  });
});

describe('Pinot stream properties for the same cluster', () => {
  it('add nothing for PLAINTEXT', () => {
    expect(pinotStreamSecurity(loadConfig({}).kafka.security)).toEqual({});
    const table = readPinotTableConfig('pageview_country');
    expect(withStreamSecurity(table, undefined)).toBe(table);
  });

  it('carry security.protocol, sasl.mechanism and a JAAS login for SASL (quotes escaped)', () => {
    const plain = loadConfig({ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'a"b\\c' }).kafka.security;
    expect(pinotStreamSecurity(plain)).toEqual({
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'PLAIN',
      'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="svc" password="a\\"b\\\\c";',
    });
    const scram = loadConfig({
      KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
    }).kafka.security;
    expect(pinotStreamSecurity(scram)['sasl.jaas.config']).toBe('org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";');
    const table = readPinotTableConfig('pageview_country');
    const secured = withStreamSecurity(table, scram);
    expect(secured.tableIndexConfig.streamConfigs).toMatchObject({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'SCRAM-SHA-256' });
    expect(table.tableIndexConfig.streamConfigs['security.protocol']).toBeUndefined();
  });
});
