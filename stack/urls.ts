/** The URLs a user needs, from config (same host ports in both modes). */
import type { AppConfig } from '../config/index.ts';

export function stackUrls(config: AppConfig): [string, string][] {
  const host = config.bindHost === '0.0.0.0' ? 'localhost' : config.bindHost;
  return [
    ['Dashboard', `http://${host}:${config.ports.dashboard}`],
    ['Pinot query console', `http://${host}:${config.ports.pinotController}`],
    ['Pinot broker', `http://${host}:${config.ports.pinotBroker}/query/sql`],
    ['ksqlDB REST', `http://${host}:${config.ports.ksqldb}`],
    ['Kafka Connect REST', `http://${host}:${config.ports.connect}`],
    ['Kafka bootstrap', config.kafka.bootstrap.join(',')],
    ['Inspect Kafka', `kcat -b ${config.kafka.bootstrap[0]} -L`],
  ];
}

export function formatUrls(config: AppConfig): string {
  const rows = stackUrls(config);
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, url]) => `  ${name.padEnd(width)}  ${url}`).join('\n');
}

/** The external mode's endpoints (URLs carry no credentials: config keeps those apart). */
export function formatExternalUrls(config: AppConfig): string {
  const { endpoints } = config;
  const rows: [string, string][] = [
    ['Dashboard', `http://${config.bindHost === '0.0.0.0' ? 'localhost' : config.bindHost}:${config.ports.dashboard}`],
    ['Pinot controller', endpoints.pinotController.url],
    ['Pinot broker', `${endpoints.pinotBroker.url}/query/sql`],
    ['ksqlDB REST', endpoints.ksqldb.url],
    ['Kafka Connect REST', endpoints.connect.url],
    ...(endpoints.debeziumConnect.url !== endpoints.connect.url ? [['Debezium Connect REST', endpoints.debeziumConnect.url] as [string, string]] : []),
    ['Kafka bootstrap', `${config.kafka.bootstrap.join(',')} (${config.kafka.security.protocol})`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, url]) => `  ${name.padEnd(width)}  ${url}`).join('\n');
}
