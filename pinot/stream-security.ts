/**
 * How a Pinot realtime table authenticates to Kafka. Pinot's Kafka consumer (kafka-2.0 plugin) hands
 * every entry of `streamConfigs` to the Kafka consumer as a property, so TLS and SASL are set with
 * Kafka's own client property names there (Pinot's documentation on Kafka with SASL does the same):
 * `security.protocol`, `sasl.mechanism`, `sasl.jaas.config`.
 */
import type { KafkaSecurity } from '../config/kafka-security.ts';
import type { PinotTableConfig } from './tables.ts';

const LOGIN_MODULES = {
  PLAIN: 'org.apache.kafka.common.security.plain.PlainLoginModule',
  'SCRAM-SHA-256': 'org.apache.kafka.common.security.scram.ScramLoginModule',
  'SCRAM-SHA-512': 'org.apache.kafka.common.security.scram.ScramLoginModule',
} as const;

/** A JAAS string literal: backslashes and quotes escaped. */
function jaasQuoted(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The consumer properties for `security`; none for PLAINTEXT. */
export function pinotStreamSecurity(security: KafkaSecurity | undefined): Record<string, string> {
  if (!security || security.protocol === 'PLAINTEXT') return {};
  const props: Record<string, string> = { 'security.protocol': security.protocol };
  if (security.sasl) {
    const { mechanism, username, password } = security.sasl;
    props['sasl.mechanism'] = mechanism;
    props['sasl.jaas.config'] = `${LOGIN_MODULES[mechanism]} required username=${jaasQuoted(username)} password=${jaasQuoted(password)};`;
  }
  return props;
}

/** A copy of `tableConfig` whose stream reads Kafka with `security`. */
export function withStreamSecurity(tableConfig: PinotTableConfig, security: KafkaSecurity | undefined): PinotTableConfig {
  const extra = pinotStreamSecurity(security);
  if (Object.keys(extra).length === 0) return tableConfig;
  const copy = structuredClone(tableConfig);
  Object.assign(copy.tableIndexConfig.streamConfigs, extra);
  return copy;
}
