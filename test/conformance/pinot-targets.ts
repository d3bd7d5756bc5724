/**
 * The two Pinots the Pinot conformance suite compares, fed by ONE real Apache Kafka (reference/, one node):
 * real Apache Pinot 0.11 (reference/pinot/, four JVMs) and our embedded Pinot (startPinot, in-process,
 * consuming the same Kafka). Each is started once per test file. When the references cannot run here
 * (no java, no mvn and no cached jars) the reason is returned and the suite skips with it printed.
 */
import fs from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { startPinot, type PinotHandle } from '../../embedded/pinot/index.ts';
import { referenceUnavailableReason, startReferenceKafka, type ReferenceKafka } from '../../reference/index.ts';
import { referencePinotUnavailableReason, startReferencePinot, type ReferencePinot } from '../../reference/pinot/index.ts';
import { tempDir } from '../support/kafka.ts';

export type PinotTargetName = 'reference' | 'embedded';

export interface PinotTarget {
  name: PinotTargetName;
  controllerUrl: string;
  brokerUrl: string;
}

export interface PinotTargets {
  reference?: PinotTarget;
  embedded?: PinotTarget;
  /** Bootstrap list of the real Kafka both Pinots consume. */
  kafkaBootstrap?: string;
  kafka?: Kafka;
  /** Why the suite is skipped, if it is. */
  skipReason?: string;
  /** Restarts the reference's server and our Pinot (same ports and data); resolves when both serve again. */
  restartConsumers(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPinotTargets(log: (line: string) => void): Promise<PinotTargets> {
  const unavailable = referenceUnavailableReason() ?? referencePinotUnavailableReason();
  const notStarted = { restartConsumers: async () => {}, stop: async () => {} };
  if (unavailable) return { skipReason: unavailable, ...notStarted };
  let kafka: ReferenceKafka | undefined;
  let reference: ReferencePinot | undefined;
  let embedded: PinotHandle | undefined;
  const embeddedDataDir = tempDir('pinot-conformance');
  const startEmbedded = (controllerPort: number, brokerPort: number) =>
    startPinot({
      controllerPort,
      brokerPort,
      dataDir: embeddedDataDir,
      kafkaBootstrap: kafka!.bootstrap,
      retryMs: 500,
      log: () => {},
    });
  const stop = async () => {
    await embedded?.stop();
    await reference?.stop();
    await kafka?.stop();
    fs.rmSync(embeddedDataDir, { recursive: true, force: true });
  };
  try {
    // Both are awaited even when one fails, so the one that did start is stopped too (not left running).
    const [kafkaStart, pinotStart] = await Promise.allSettled([
      startReferenceKafka({ brokers: 1, firstPort: 0, heapMb: 256, log: (l) => log(`kafka: ${l}`) }),
      startReferencePinot({ log: (l) => log(`pinot: ${l}`) }),
    ]);
    if (pinotStart.status === 'fulfilled') reference = pinotStart.value;
    if (kafkaStart.status === 'rejected') throw kafkaStart.reason;
    kafka = kafkaStart.value;
    if (pinotStart.status === 'rejected') throw pinotStart.reason;
    reference = pinotStart.value;
    embedded = await startEmbedded(0, 0);
  } catch (error) {
    await stop().catch(() => {});
    return { skipReason: `a reference could not start: ${(error as Error).message.split('\n')[0]}`, ...notStarted };
  }
  log(`reference Kafka at ${kafka.bootstrap}; reference Pinot ${reference.version} ready in ${reference.startupMs} ms`);
  return {
    reference: { name: 'reference', controllerUrl: reference.controllerUrl, brokerUrl: reference.brokerUrl },
    embedded: { name: 'embedded', controllerUrl: embedded.controllerUrl, brokerUrl: embedded.brokerUrl },
    kafkaBootstrap: kafka.bootstrap,
    kafka: new Kafka({ clientId: 'pinot-conformance', brokers: kafka.bootstrap.split(','), logLevel: logLevel.NOTHING }),
    restartConsumers: async () => {
      const { controllerPort, brokerPort } = embedded!;
      await embedded!.stop();
      await Promise.all([
        reference!.restartServer(),
        (async () => {
          embedded = await startEmbedded(controllerPort, brokerPort);
        })(),
      ]);
    },
    stop,
  };
}
