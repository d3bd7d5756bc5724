/**
 * How clients authenticate to Kafka: the security protocol, SASL mechanism and credentials, and TLS
 * files, named as Kafka's own client properties are (security.protocol, sasl.mechanism, ssl.truststore…)
 * so a Kafka user recognises them. Read from the environment here; turned into kafkajs settings by
 * config/kafka-client.ts and into Pinot's stream properties by pinot/tables.ts.
 */
import fs from 'node:fs';
import { ConfigError, envChoice, envOptional as value, type Env } from './env.ts';

export const KAFKA_SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export const KAFKA_SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

export type KafkaSecurityProtocol = (typeof KAFKA_SECURITY_PROTOCOLS)[number];
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

export interface KafkaSecurity {
  /** KAFKA_SECURITY_PROTOCOL (Kafka's security.protocol), default PLAINTEXT. */
  protocol: KafkaSecurityProtocol;
  /** Present for SASL_PLAINTEXT and SASL_SSL. */
  sasl?: { mechanism: KafkaSaslMechanism; username: string; password: string };
  /** Present for SSL and SASL_SSL: PEM files (a missing CA means the system's trusted CAs). */
  ssl?: { caFile?: string; certFile?: string; keyFile?: string; rejectUnauthorized: boolean };
}

export const PLAINTEXT: KafkaSecurity = { protocol: 'PLAINTEXT' };

/** A PEM file that must be readable now, so a typo fails at start and not at the first connection. */
function readableFile(env: Env, name: string): string | undefined {
  const file = value(env, name);
  if (file === undefined) return undefined;
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch (error) {
    throw new ConfigError(name, `must name a readable PEM file, got "${file}" (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  return file;
}

export function kafkaSecurityFromEnv(env: Env): KafkaSecurity {
  const protocol = envChoice(env, 'KAFKA_SECURITY_PROTOCOL', 'PLAINTEXT', KAFKA_SECURITY_PROTOCOLS);
  const usesSasl = protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
  const usesTls = protocol === 'SSL' || protocol === 'SASL_SSL';
  const saslNames = ['KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'];
  const tlsNames = ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE', 'KAFKA_SSL_VERIFY'];
  if (!usesSasl) {
    const stray = saslNames.find((n) => value(env, n) !== undefined);
    if (stray)
      throw new ConfigError(stray, `is set but KAFKA_SECURITY_PROTOCOL is ${protocol}; set KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT or SASL_SSL to use SASL`);
  }
  if (!usesTls) {
    const stray = tlsNames.find((n) => value(env, n) !== undefined);
    if (stray) throw new ConfigError(stray, `is set but KAFKA_SECURITY_PROTOCOL is ${protocol}; set KAFKA_SECURITY_PROTOCOL=SSL or SASL_SSL to use TLS`);
  }
  const security: KafkaSecurity = { protocol };
  if (usesSasl) {
    const mechanism = envChoice(env, 'KAFKA_SASL_MECHANISM', 'PLAIN', KAFKA_SASL_MECHANISMS);
    const username = value(env, 'KAFKA_SASL_USERNAME');
    if (username === undefined) throw new ConfigError('KAFKA_SASL_USERNAME', `must be set when KAFKA_SECURITY_PROTOCOL is ${protocol}`);
    // A password may have meaningful spaces: taken as given, only checked for presence.
    const password = env.KAFKA_SASL_PASSWORD;
    if (password === undefined || password === '') throw new ConfigError('KAFKA_SASL_PASSWORD', `must be set when KAFKA_SECURITY_PROTOCOL is ${protocol}`);
    security.sasl = { mechanism, username, password };
  }
  if (usesTls) {
    const certFile = readableFile(env, 'KAFKA_SSL_CERT_FILE');
    const keyFile = readableFile(env, 'KAFKA_SSL_KEY_FILE');
    if ((certFile === undefined) !== (keyFile === undefined)) {
      throw new ConfigError(
        certFile === undefined ? 'KAFKA_SSL_CERT_FILE' : 'KAFKA_SSL_KEY_FILE',
        'must be set together with ' + (certFile === undefined ? 'KAFKA_SSL_KEY_FILE' : 'KAFKA_SSL_CERT_FILE') + ' (a client certificate needs its key)',
      );
    }
    const verify = envChoice(env, 'KAFKA_SSL_VERIFY', 'true', ['true', 'false'] as const);
    security.ssl = { caFile: readableFile(env, 'KAFKA_SSL_CA_FILE'), certFile, keyFile, rejectUnauthorized: verify === 'true' };
  }
  return security;
}
