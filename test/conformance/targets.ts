/**
 * The two clusters every conformance scenario runs against: real Apache Kafka (reference/) and our
 * embedded broker, both with the same node count (CONFORMANCE_BROKERS, default 3) and matching defaults
 * (5 partitions, RF min(3,N), min ISR min(2,RF), no initial rebalance delay). The reference is started
 * once per run; when it cannot start (no java/mvn, no Maven Central, no cache) the reason is returned
 * and the suite skips with it printed.
 */
import { Kafka, logLevel } from 'kafkajs';
import { startKafkaCluster, type KafkaCluster } from '../../embedded/kafka/index.ts';
import { referenceUnavailableReason, startReferenceKafka, type ReferenceKafka } from '../../reference/index.ts';
import { run, tempDir, type CommandResult } from '../support/kafka.ts';

export type TargetName = 'reference' | 'embedded';

export interface Target {
  name: TargetName;
  bootstrap: string;
  /** host:port of each broker, node 1 first. */
  brokers: string[];
  kafka: (extra?: { clientId?: string }) => Kafka;
  kcat: (args: string[], input?: string) => Promise<CommandResult>;
}

export interface Targets {
  reference?: Target;
  embedded?: Target;
  /** Why the suite is skipped, if it is. */
  skipReason?: string;
  stop(): Promise<void>;
}

export const BROKERS = Number(process.env.CONFORMANCE_BROKERS ?? 3);

function target(name: TargetName, bootstrap: string): Target {
  return {
    name,
    bootstrap,
    brokers: bootstrap.split(','),
    kafka: (extra = {}) =>
      new Kafka({
        clientId: extra.clientId ?? 'conformance',
        brokers: bootstrap.split(','),
        logLevel: logLevel.NOTHING,
        retry: { retries: 10, initialRetryTime: 100 },
      }),
    kcat: (args, input) => run('kcat', ['-b', bootstrap, ...args], input, 45_000),
  };
}

export async function startTargets(log: (line: string) => void): Promise<Targets> {
  const unavailable = referenceUnavailableReason();
  if (unavailable) return { skipReason: unavailable, stop: async () => {} };
  let reference: ReferenceKafka | undefined;
  let embedded: KafkaCluster | undefined;
  const stop = async () => {
    await Promise.all([reference?.stop(), embedded?.stop()]);
  };
  try {
    [reference, embedded] = await Promise.all([
      startReferenceKafka({ brokers: BROKERS, firstPort: 0, log: (l) => log(`reference: ${l}`) }),
      startKafkaCluster({ brokers: BROKERS, firstPort: 0, dataDir: tempDir('kafka-conformance') }),
    ]);
  } catch (error) {
    await stop().catch(() => {});
    return { skipReason: `reference Kafka could not start: ${(error as Error).message.split('\n')[0]}`, stop: async () => {} };
  }
  log(`reference Kafka ${reference.version} (${BROKERS} nodes) at ${reference.bootstrap}, ready in ${reference.startupMs} ms`);
  return {
    reference: target('reference', reference.bootstrap),
    embedded: target('embedded', embedded.bootstrap()),
    stop,
  };
}
