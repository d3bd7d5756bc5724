/** Why the reference suite cannot run here (no Java, or no Maven and no cached jars), or undefined when it can. */
import { referenceConnectUnavailableReason } from '../../reference/connect/index.ts';
import { referenceUnavailableReason } from '../../reference/index.ts';
import { referencePinotUnavailableReason } from '../../reference/pinot/index.ts';

export function referencesUnavailable(): string | undefined {
  const reasons = [
    ['Apache Kafka', referenceUnavailableReason()],
    ['Apache Pinot', referencePinotUnavailableReason()],
    ['Kafka Connect + Debezium', referenceConnectUnavailableReason()],
  ]
    .filter(([, reason]) => reason !== undefined)
    .map(([name, reason]) => `${name}: ${reason}`);
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}
