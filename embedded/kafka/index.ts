/** The embedded Kafka cluster's public face: start it from code, stop it, stop and start brokers. */
import { KafkaCluster } from './cluster.ts';
import type { KafkaClusterOptions } from './options.ts';

export type { KafkaClusterOptions } from './options.ts';
export { KafkaCluster } from './cluster.ts';

/**
 * Starts N brokers on consecutive ports (or free ports with `firstPort: 0`) and resolves once every
 * listener is bound. The returned cluster has `bootstrap()`, `stop()`, `stopBroker(id)` and `startBroker(id)`.
 */
export function startKafkaCluster(options: KafkaClusterOptions = {}): Promise<KafkaCluster> {
  return KafkaCluster.start(options);
}
export { controlSocketPath, openControlSocket, sendControlCommand } from './control-socket.ts';
