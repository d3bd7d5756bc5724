/**
 * Where committed offsets are made durable. The coordinator awaits `save` before it acknowledges a
 * commit (a throw or rejection fails the commit with 15 COORDINATOR_NOT_AVAILABLE, which clients
 * retry), calls `deleteGroup` when DeleteGroups removes a group (a synchronous throw fails that
 * deletion with 15; a promise is not awaited, as Kafka does not wait for its tombstones), and reads
 * everything back once with `loadAll` when it starts. Each method may answer synchronously or with
 * a promise, so a store on an internal topic fits too.
 */
export interface OffsetStore {
  /** Durably records `offsets` (one commit request's worth) for `groupId`; later saves win. */
  save(groupId: string, offsets: readonly StoredOffset[]): void | Promise<void>;
  /** Durably forgets every offset of `groupId`. */
  deleteGroup(groupId: string): void | Promise<void>;
  /** Every group's latest committed offsets. */
  loadAll(): StoredGroupOffsets[] | Promise<StoredGroupOffsets[]>;
  /** Releases what the store holds open (its file); later saves fail. */
  close?(): void;
}

export interface StoredOffset {
  topic: string;
  partition: number;
  offset: number;
  /** -1 when the client did not send one. */
  leaderEpoch: number;
  /** '' when the client sent null. */
  metadata: string;
  /** The coordinator's clock when the commit was accepted. */
  commitTimestamp: number;
}

export interface StoredGroupOffsets {
  groupId: string;
  offsets: StoredOffset[];
}

/**
 * The latest offset per group and partition: the fold both stores keep, and the shape the file
 * store compacts to.
 */
export class LatestOffsets {
  private readonly byGroup = new Map<string, Map<string, StoredOffset>>();

  apply(groupId: string, offsets: readonly StoredOffset[]): void {
    let partitions = this.byGroup.get(groupId);
    if (!partitions) this.byGroup.set(groupId, (partitions = new Map()));
    for (const offset of offsets) partitions.set(`${offset.topic}\u0000${offset.partition}`, { ...offset });
  }

  deleteGroup(groupId: string): void {
    this.byGroup.delete(groupId);
  }

  get groupCount(): number {
    return this.byGroup.size;
  }

  snapshot(): StoredGroupOffsets[] {
    const groups: StoredGroupOffsets[] = [];
    for (const [groupId, partitions] of this.byGroup) {
      if (partitions.size === 0) continue;
      groups.push({ groupId, offsets: [...partitions.values()].map((offset) => ({ ...offset })) });
    }
    return groups;
  }
}

/** Keeps offsets in memory only: for tests and for brokers that need no durability. */
export class MemoryOffsetStore implements OffsetStore {
  private readonly latest = new LatestOffsets();

  save(groupId: string, offsets: readonly StoredOffset[]): void {
    this.latest.apply(groupId, offsets);
  }

  deleteGroup(groupId: string): void {
    this.latest.deleteGroup(groupId);
  }

  loadAll(): StoredGroupOffsets[] {
    return this.latest.snapshot();
  }
}
