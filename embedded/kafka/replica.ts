/**
 * One broker's copy of one partition: its segment log in that broker's own data directory, plus the
 * idempotent-producer state rebuilt from the log's batch headers on open.
 */
import path from 'node:path';
import { PartitionLog, type BatchHeader, type OpenFileCache } from './log/index.ts';
import { ProducerStateTable } from './producer-state.ts';
import type { LogSettings } from './topic-configs.ts';

export class Replica {
  readonly producers = new ProducerStateTable();

  private constructor(
    readonly topic: string,
    readonly partition: number,
    readonly log: PartitionLog,
  ) {}

  static open(brokerDir: string, topic: string, partition: number, settings: LogSettings, files: OpenFileCache): Replica {
    const log = PartitionLog.open(path.join(brokerDir, `${topic}-${partition}`), settings, files);
    const replica = new Replica(topic, partition, log);
    replica.rebuildProducerState();
    return replica;
  }

  rebuildProducerState(): void {
    this.producers.clear();
    this.recordBatches(this.log.batchHeaders());
  }

  /** Notes the producer sequences of batches now in this replica's log (appended, copied or recovered). */
  recordBatches(batches: Iterable<BatchHeader>): void {
    for (const header of batches) {
      this.producers.record(
        { producerId: header.producerId, producerEpoch: header.producerEpoch, baseSequence: header.baseSequence, recordCount: header.lastOffsetDelta + 1 },
        header.baseOffset,
      );
    }
  }
}
