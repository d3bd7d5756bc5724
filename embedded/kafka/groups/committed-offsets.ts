/** A group's committed offsets, by topic and partition. */
import type { StoredOffset } from './offset-store.ts';

export class CommittedOffsets {
  private readonly byTopic = new Map<string, Map<number, StoredOffset>>();

  get(topic: string, partition: number): StoredOffset | undefined {
    return this.byTopic.get(topic)?.get(partition);
  }

  set(offset: StoredOffset): void {
    let partitions = this.byTopic.get(offset.topic);
    if (!partitions) this.byTopic.set(offset.topic, (partitions = new Map()));
    partitions.set(offset.partition, offset);
  }

  get isEmpty(): boolean {
    return this.byTopic.size === 0;
  }

  /** Topics in first-commit order, partitions ascending. */
  byTopicSorted(): Array<{ topic: string; offsets: StoredOffset[] }> {
    return [...this.byTopic].map(([topic, partitions]) => ({
      topic,
      offsets: [...partitions.values()].sort((a, b) => a.partition - b.partition),
    }));
  }
}
