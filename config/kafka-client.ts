/**
 * The one place that turns config into kafkajs client settings (brokers, TLS, SASL). Every product
 * `new Kafka(` builds its settings here, so a cluster with TLS or SASL works for the bootstrap, the
 * producers, the dashboard and the session feed alike. (The embedded servers take their Kafka settings
 * as arguments and import nothing of config/; joining our ksqlDB and Connect to a SASL cluster passes
 * these settings from their cli.ts: issue 21 part 2.)
 */
import fs from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { PLAINTEXT, type KafkaSecurity } from './kafka-security.ts';

export interface KafkaConnection {
  brokers: readonly string[];
  /** Default PLAINTEXT (the embedded brokers). */
  security?: KafkaSecurity;
}

/** What kafkajs needs beyond the broker list: `ssl` and `sasl`, as KafkaConfig spells them. */
export function kafkaSecuritySettings(security: KafkaSecurity = PLAINTEXT): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const settings: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (security.ssl) {
    const { caFile, certFile, keyFile, rejectUnauthorized } = security.ssl;
    settings.ssl = {
      rejectUnauthorized,
      ...(caFile ? { ca: [fs.readFileSync(caFile, 'utf8')] } : {}),
      ...(certFile ? { cert: fs.readFileSync(certFile, 'utf8') } : {}),
      ...(keyFile ? { key: fs.readFileSync(keyFile, 'utf8') } : {}),
    };
  }
  if (security.sasl) {
    const { mechanism, username, password } = security.sasl;
    const lower = mechanism.toLowerCase() as 'plain' | 'scram-sha-256' | 'scram-sha-512';
    settings.sasl = { mechanism: lower, username, password } as SASLOptions;
  }
  return settings;
}

/** A complete KafkaConfig: the connection's brokers and security plus the caller's own options (clientId, retry…). */
export function kafkaConfig(connection: KafkaConnection, options: Omit<KafkaConfig, 'brokers' | 'ssl' | 'sasl'>): KafkaConfig {
  return { ...options, brokers: [...connection.brokers], ...kafkaSecuritySettings(connection.security) };
}
